package io.sfpulse.streams.detector.data;

import static io.sfpulse.streams.detector.EvidenceFormat.pct;

import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.MinuteCounts;
import io.sfpulse.streams.detector.RateRegression;
import io.sfpulse.streams.detector.SubjectKeys;
import io.sfpulse.streams.detector.SuspectComponents;
import io.sfpulse.streams.stats.ProportionComparison;
import io.sfpulse.streams.stats.RateComparison;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Data anomalies from Change Data Capture, per org and entity (the store key): delete bursts and change-volume shifts per
 * entity and mass updates by one user (or automation user) - per-minute count series compared
 * after vs before the deploy with the exact rate test of {@link RateRegression} - and
 * null-rate jumps per field: the share of an entity's updates that set the field to null, after vs
 * before, with Fisher's exact test. The same comparisons run against the span before the last
 * {@code noDeployWindow} when no release is in its window (labelled "no-deploy"). GAP_OVERFLOW
 * events (more than 100,000 changes in one transaction) alert at once. Lifecycle via
 * {@link AlertLifecycle} (a resolved anomaly that rises again in the window is a new episode);
 * resolution on stream time.
 */
final class DataAnomalyProcessor extends DetectorProcessor<DataAnomalyHistory> {

    private final DataAnomalySettings settings;
    private final RateRegression rate;
    private final ProportionComparison nullRates;

    DataAnomalyProcessor(final DataAnomalySettings settings) {
        super(DataAnomalyDetector.NAME);
        this.settings = settings;
        this.rate = new RateRegression(settings.rate());
        final RateRegression.Parameters p = settings.rate();
        this.nullRates =
                new ProportionComparison(
                        p.alpha(),
                        p.minCount(),
                        p.minRatio(),
                        settings.minNullRateBaselineUpdates());
    }

    /** Counted but never alerted on: all updates of an entity, the trials of its fields' null rates. */
    static final String UPDATES_OF = "all-updates ";

    private static final String NULLED = "nulled ";

    /** The anomaly keys one data change counts towards, with how much. */
    static Map<String, Integer> keys(final Signal s) {
        final String entity = s.getSubject();
        final Map<String, String> attrs = s.getAttributes();
        final String type = attrs.getOrDefault("changeType", "");
        final int records = Math.max(1, Integer.parseInt(attrs.getOrDefault("records", "1")));
        final Map<String, Integer> keys = new LinkedHashMap<>();
        keys.put("changes " + entity, records);
        if (type.equals("DELETE")) {
            keys.put("deletes " + entity, records);
        }
        if (type.equals("UPDATE")) {
            keys.put(UPDATES_OF + entity, records);
            if (!attrs.getOrDefault("commitUser", "").isEmpty()) {
                keys.put("updates " + entity + " by " + attrs.get("commitUser"), records);
            }
            for (final String field : attrs.getOrDefault("nulledFields", "").split(",")) {
                if (!field.isBlank()) {
                    keys.put(NULLED + entity + "." + field.trim(), records);
                }
            }
        }
        return keys;
    }

    /** The entity an anomaly key is about: "deletes Account" / "updates Account by 005..." / "nulled Account.Phone" -> Account. */
    static String entityOf(final String key) {
        final String rest = key.substring(key.indexOf(' ') + 1);
        final String entity = rest.contains(" ") ? rest.substring(0, rest.indexOf(' ')) : rest;
        return key.startsWith(NULLED) ? entity.substring(0, entity.lastIndexOf('.')) : entity;
    }

    /** The field of a null-rate key ("nulled Account.Phone" -> Phone), else null. */
    static String fieldOf(final String key) {
        return key.startsWith(NULLED) ? key.substring(key.lastIndexOf('.') + 1) : null;
    }

    @Override
    protected boolean analyses(final Signal s) {
        return s.getKind() == SignalKind.DATA_CHANGE;
    }

    @Override
    protected DataAnomalyHistory emptyState() {
        return new DataAnomalyHistory();
    }

    /** One state per (org, entity): a change reads and rewrites its entity's series and alerts only. */
    @Override
    protected String stateKey(final String org, final Signal s) {
        return seriesKey(org, s.getSubject());
    }

    @Override
    protected boolean discard(final DataAnomalyHistory h) {
        return h.series.isEmpty() && h.alerts.isEmpty();
    }

    @Override
    protected void analyse(
            final String org, final Signal s, final long t, final DataAnomalyHistory h) {
        h.observe(observedSinceMs(org));
        final String type = s.getAttributes().getOrDefault("changeType", "");
        if (type.startsWith("GAP")) {
            onGap(org, h, s, type, t);
            return;
        }
        final Map<String, Integer> keys = keys(s);
        keys.forEach((k, n) -> h.count(k, t, n));
        final boolean released = s.getReleaseId() != null && s.getReleaseCompletedTime() != null;
        final boolean inWindow =
                released && rate.inWindow(s.getReleaseCompletedTime().toEpochMilli(), t);
        for (final String k : keys.keySet()) {
            if (k.startsWith(UPDATES_OF)) {
                continue;
            }
            if (released) {
                onChange(org, h, state(h, s, k), k, t);
            }
            if (!inWindow) {
                onChangeWithoutDeploy(
                        org,
                        h,
                        k,
                        t,
                        released ? s.getReleaseCompletedTime().toEpochMilli() : Long.MIN_VALUE);
            }
        }
    }

    @Override
    protected void prune(final DataAnomalyHistory h, final long t) {
        final RateRegression.Parameters p = settings.rate();
        h.prune(
                t
                        - p.baseline().toMillis()
                        - p.window().toMillis()
                        - Duration.ofHours(1).toMillis());
        h.alerts.values().removeIf(a -> rate.expired(a, t));
    }

    private static AlertState state(final DataAnomalyHistory h, final Signal s, final String key) {
        return h.alerts.computeIfAbsent(
                s.getReleaseId() + "|" + key, k -> AlertState.forRelease(s));
    }

    /** What one test says about one anomaly key: rate of changes, or (nulled fields) share of the entity's updates. */
    private record Finding(
            RateComparison.Verdict verdict,
            double pValue,
            long current,
            String facts,
            java.util.function.Supplier<Map<String, String>> evidence,
            RateRegression.Evaluation windows) {}

    private Finding assess(
            final DataAnomalyHistory h,
            final String key,
            final RateRegression.Evaluation e,
            final AlertState a) {
        final java.util.function.Supplier<Map<String, String>> rateEvidence =
                () -> {
                    final Map<String, String> evidence = rate.evidence(e, h.series(key), a);
                    evidence.put("anomaly", key);
                    evidence.put(
                            "suspectComponents",
                            String.join(
                                    ", ",
                                    SuspectComponents.byEntity(
                                            a.components(), entityOf(key), fieldOf(key))));
                    return evidence;
                };
        if (!key.startsWith(NULLED)) {
            final RateComparison.Result r = e.result();
            return new Finding(
                    r.verdict(),
                    r.pValue(),
                    r.current(),
                    String.format(
                            Locale.ROOT,
                            "%.0f/h vs %.1f/h before (%.1fx, p=%.2g)",
                            r.currentRate(),
                            r.baselineRate(),
                            r.rateRatio(),
                            r.pValue()),
                    rateEvidence,
                    e);
        }
        final String field = key.substring(NULLED.length());
        final MinuteCounts updates =
                h.series(UPDATES_OF + field.substring(0, field.lastIndexOf('.')));
        final ProportionComparison.Result p =
                nullRates.compare(
                        e.result().current(),
                        updates.count(e.currentFromMs(), e.currentToMs()),
                        e.result().baseline(),
                        updates.count(e.baselineFromMs(), e.baselineToMs()));
        final java.util.function.Supplier<Map<String, String>> nullRateEvidence =
                () -> {
                    final Map<String, String> evidence = rateEvidence.get();
                    evidence.put(
                            "test",
                            "Fisher's exact test (one-sided) of the share of updates that set the field to null");
                    evidence.put("pValue", String.format(Locale.ROOT, "%.3g", p.pValue()));
                    evidence.put(
                            "nullRateBefore",
                            pct(p.baselineShare()) + " of " + p.baselineTrials() + " updates");
                    evidence.put(
                            "nullRateAfter",
                            pct(p.currentShare()) + " of " + p.currentTrials() + " updates");
                    evidence.put("nullRateRatio", String.format(Locale.ROOT, "%.4g", p.ratio()));
                    return evidence;
                };
        return new Finding(
                p.verdict(),
                p.pValue(),
                p.currentHits(),
                String.format(
                        Locale.ROOT,
                        "null in %s of updates vs %s before (p=%.2g)",
                        pct(p.currentShare()),
                        pct(p.baselineShare()),
                        p.pValue()),
                nullRateEvidence,
                e);
    }

    private void onChange(
            final String org,
            final DataAnomalyHistory h,
            final AlertState a,
            final String key,
            final long now) {
        final boolean open = a.isOpen();
        if (!open && !rate.inWindow(a.releaseCompletedMs(), now)) {
            return;
        }
        if (a.isResolved()) {
            // Still in the window: has it risen again since the resolution? Then a new episode.
            if (a.hasRelease() && now - a.lastEmittedMs() >= settings.cooldown().toMillis()) {
                final Finding again =
                        assess(
                                h,
                                key,
                                rate.sinceRelease(
                                        h.series(key),
                                        a.releaseCompletedMs(),
                                        a.lastEmittedMs(),
                                        now),
                                a);
                if (again.verdict() == RateComparison.Verdict.INCREASE) {
                    AlertLifecycle.reopen(a, org, DataAnomalyDetector.NAME, SubjectKeys.hash(key));
                    emit(org, key, a, again, AlertStatus.TRIGGERED, now);
                }
            }
            return;
        }
        final Finding f =
                assess(
                        h,
                        key,
                        rate.sinceRelease(
                                h.series(key), a.releaseCompletedMs(), a.episodeStartMs(), now),
                        a);
        if (a.isPending() && f.verdict() == RateComparison.Verdict.INCREASE) {
            emit(org, key, a, f, AlertStatus.TRIGGERED, now);
        } else if (open
                && f.current() >= 2 * a.lastReportedCount()
                && now - a.lastEmittedMs() >= settings.cooldown().toMillis()) {
            emit(org, key, a, f, AlertStatus.UPDATED, now);
        }
    }

    /** No release in its window: is this key's recent rate (or null share) up against the span before it? */
    private void onChangeWithoutDeploy(
            final String org,
            final DataAnomalyHistory h,
            final String key,
            final long now,
            final long releaseMs) {
        final String stateKey = AlertLifecycle.NO_DEPLOY + "|" + key;
        final AlertState episode = h.alerts.get(stateKey);
        if (AlertState.openAlert(episode)) {
            onChange(org, h, episode, key, now);
            return;
        }
        if (settings.rate().noDeployWindow().isZero()
                || !AlertLifecycle.mayStartEpisode(episode, now, settings.cooldown().toMillis())
                || h.alerts.entrySet().stream()
                        .anyMatch(
                                en ->
                                        en.getKey().endsWith("|" + key)
                                                && AlertState.openAlert(en.getValue()))) {
            return;
        }
        final RateRegression.Evaluation e = rate.rolling(h.series(key), now, releaseMs);
        final AlertState a = AlertState.noDeploy(e.currentFromMs());
        final Finding f = assess(h, key, e, a);
        if (f.verdict() == RateComparison.Verdict.INCREASE) {
            h.alerts.put(stateKey, a);
            emit(org, key, a, f, AlertStatus.TRIGGERED, now);
        }
    }

    private void onGap(
            final String org,
            final DataAnomalyHistory h,
            final Signal s,
            final String type,
            final long now) {
        if (!type.equals("GAP_OVERFLOW")) {
            return; // single-record gaps: ingest logs and counts them; consumers re-read the
            // records
        }
        final String key = "gap overflow " + s.getSubject();
        final AlertState a = state(h, s, key);
        h.count(key, now, 1);
        if (a.isPending() || a.isResolved()) {
            final Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put(
                    "test",
                    "GAP_OVERFLOW received: more than 100,000 changes in one transaction; change events were not sent for the rest");
            evidence.put("entity", s.getSubject());
            evidence.put("releaseId", String.valueOf(s.getReleaseId()));
            evidence.put(
                    "suspectComponents",
                    String.join(
                            ", ",
                            SuspectComponents.byEntity(
                                    s.getReleaseComponents(), s.getSubject(), null)));
            final String summary =
                    "More than 100,000 "
                            + s.getSubject()
                            + " changes in one transaction (GAP_OVERFLOW)"
                            + (s.getReleaseId() == null ? "" : " after deploy " + s.getReleaseId());
            emit(
                    a,
                    AlertStatus.TRIGGERED,
                    new AlertLifecycle.Draft(
                            org,
                            DataAnomalyDetector.NAME,
                            SubjectKeys.hash(key),
                            key,
                            summary,
                            Severity.WARNING,
                            evidence,
                            now,
                            now),
                    1,
                    now);
        }
    }

    @Override
    protected void punctuate(final long streamTime) {
        updateEachState(
                (stateKey, h) -> {
                    final String org = orgOf(stateKey);
                    h.observe(observedSinceMs(org));
                    boolean changed = false;
                    for (final Map.Entry<String, AlertState> en : h.alerts.entrySet()) {
                        final AlertState a = en.getValue();
                        if (!a.isOpen()
                                || streamTime - a.lastEmittedMs()
                                        < settings.rate().resolveWindow().toMillis()) {
                            continue;
                        }
                        final String key = en.getKey().substring(en.getKey().indexOf('|') + 1);
                        final Finding recent =
                                assess(
                                        h,
                                        key,
                                        rate.recent(
                                                h.series(key), a.releaseCompletedMs(), streamTime),
                                        a);
                        if (rate.backToBaseline(recent.pValue())) {
                            emit(org, key, a, recent, AlertStatus.RESOLVED, streamTime);
                            changed = true;
                        }
                    }
                    return changed;
                },
                (stateKey, h) -> {
                    prune(h, streamTime);
                    return discard(h); // an entity quiet for longer than a baseline and a window
                });
    }

    private void emit(
            final String org,
            final String key,
            final AlertState a,
            final Finding f,
            final AlertStatus status,
            final long now) {
        final String cause = a.hasRelease() ? "after deploy " + a.releaseId() : "without a deploy";
        final String summary =
                status == AlertStatus.RESOLVED
                        ? String.format(
                                Locale.ROOT, "Data changes back to baseline %s: %s", cause, key)
                        : String.format(
                                Locale.ROOT, "Data anomaly %s: %s %s", cause, key, f.facts());
        emit(
                a,
                status,
                new AlertLifecycle.Draft(
                        org,
                        DataAnomalyDetector.NAME,
                        SubjectKeys.hash(key),
                        key,
                        summary,
                        key.startsWith("deletes") || key.startsWith(NULLED)
                                ? Severity.ERROR
                                : Severity.WARNING,
                        f.evidence().get(),
                        f.windows().currentFromMs(),
                        f.windows().currentToMs()),
                f.current(),
                now);
    }
}
