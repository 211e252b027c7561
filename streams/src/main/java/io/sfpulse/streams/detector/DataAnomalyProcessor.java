package io.sfpulse.streams.detector;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.stats.ProportionComparison;
import io.sfpulse.streams.stats.RateComparison;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Data anomalies from Change Data Capture, per org: delete bursts and change-volume shifts per
 * entity and mass updates by one user (or automation user) - per-minute count series compared
 * after vs before the deploy with the exact rate test of {@link PostDeployFailureEvaluator} - and
 * null-rate jumps per field: the share of an entity's updates that set the field to null, after vs
 * before, with Fisher's exact test. The same comparisons run against the span before the last
 * {@code noDeployWindow} when no release is in its window (labelled "no-deploy"). GAP_OVERFLOW
 * events (more than 100,000 changes in one transaction) alert at once. Lifecycle via
 * {@link AlertLifecycle}; resolution on stream time.
 */
public final class DataAnomalyProcessor extends DetectorProcessor<DataAnomalyHistory> {

    public static final String NAME = "data-anomalies";
    public static final String STORE = NAME + "-store";

    private final PostDeployFailureEvaluator evaluator;
    private final ProportionComparison nullRates;
    private final ObservedSince observed = new ObservedSince();

    /** @param minNullRateBaselineUpdates fewest baseline updates of an entity for a conclusive null-rate test */
    public DataAnomalyProcessor(final PostDeployFailureEvaluator evaluator, final long minNullRateBaselineUpdates) {
        super(STORE);
        this.evaluator = evaluator;
        final PostDeployFailureSettings cfg = evaluator.settings();
        this.nullRates = new ProportionComparison(cfg.alpha(), cfg.minCount(), cfg.minRatio(), minNullRateBaselineUpdates);
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
    protected void analyse(final Record<String, Signal> record) {
        final Signal s = record.value();
        if (s == null || record.key() == null) {
            return;
        }
        final long t = s.getEventTime().toEpochMilli();
        if (s.getKind() != SignalKind.DATA_CHANGE && observed.alreadyPersisted(record.key(), t)) {
            return;
        }
        final DataAnomalyHistory stored = store.get(record.key());
        final DataAnomalyHistory h = stored != null ? stored : new DataAnomalyHistory();
        if (s.getKind() != SignalKind.DATA_CHANGE) {
            h.observe(t);
            store.put(record.key(), h);
            observed.persisted(record.key(), h.firstObservedMs);
            return;
        }
        final PostDeployFailureSettings cfg = evaluator.settings();
        final String type = s.getAttributes().getOrDefault("changeType", "");
        if (type.startsWith("GAP")) {
            onGap(record.key(), h, s, type, t);
        } else {
            final Map<String, Integer> keys = keys(s);
            keys.forEach((k, n) -> h.count(k, t, n));
            final boolean released = s.getReleaseId() != null && s.getReleaseCompletedTime() != null;
            final boolean inWindow = released && t - s.getReleaseCompletedTime().toEpochMilli() <= cfg.window().toMillis();
            for (final String k : keys.keySet()) {
                if (k.startsWith(UPDATES_OF)) {
                    continue;
                }
                if (released) {
                    onChange(record.key(), h, state(h, s, k), k, t);
                }
                if (!inWindow) {
                    onChangeWithoutDeploy(record.key(), h, k, t);
                }
            }
        }
        h.prune(t - cfg.baseline().toMillis() - cfg.window().toMillis() - Duration.ofHours(1).toMillis());
        h.alerts.values().removeIf(a -> a.status == null && t - a.releaseCompletedMs > cfg.window().toMillis()
            || "RESOLVED".equals(a.status) && t - a.lastEmittedMs > cfg.window().toMillis() + cfg.baseline().toMillis());
        store.put(record.key(), h);
        observed.persisted(record.key(), h.firstObservedMs);
    }

    private FailureHistory.AlertState state(final DataAnomalyHistory h, final Signal s, final String key) {
        return h.alerts.computeIfAbsent(s.getReleaseId() + "|" + key, k -> {
            final FailureHistory.AlertState a = new FailureHistory.AlertState();
            a.releaseId = s.getReleaseId();
            a.releaseCompletedMs = s.getReleaseCompletedTime() == null ? s.getEventTime().toEpochMilli() : s.getReleaseCompletedTime().toEpochMilli();
            a.components = new ArrayList<>(s.getReleaseComponents());
            return a;
        });
    }

    /** What one test says about one anomaly key: rate of changes, or (nulled fields) share of the entity's updates. */
    private record Finding(RateComparison.Verdict verdict, double pValue, long current, String facts,
                           java.util.function.Supplier<Map<String, String>> evidence,
                           PostDeployFailureEvaluator.Evaluation windows) {
    }

    private Finding assess(final DataAnomalyHistory h, final String key, final PostDeployFailureEvaluator.Evaluation e,
                           final FailureHistory.AlertState a) {
        final java.util.function.Supplier<Map<String, String>> rateEvidence = () -> {
            final Map<String, String> evidence = evaluator.evidence(e, h.series(key), a);
            evidence.put("anomaly", key);
            evidence.put("suspectComponents", String.join(", ", SuspectComponents.byEntity(a.components, entityOf(key), fieldOf(key))));
            return evidence;
        };
        if (!key.startsWith(NULLED)) {
            final RateComparison.Result r = e.result();
            return new Finding(r.verdict(), r.pValue(), r.current(), String.format(Locale.ROOT, "%.0f/h vs %.1f/h before (%.1fx, p=%.2g)",
                r.currentRate(), r.baselineRate(), r.rateRatio(), r.pValue()), rateEvidence, e);
        }
        final String field = key.substring(NULLED.length());
        final FailureHistory updates = h.series(UPDATES_OF + field.substring(0, field.lastIndexOf('.')));
        final ProportionComparison.Result p = nullRates.compare(e.result().current(), updates.count(e.currentFromMs(), e.currentToMs()),
            e.result().baseline(), updates.count(e.baselineFromMs(), e.baselineToMs()));
        final java.util.function.Supplier<Map<String, String>> nullRateEvidence = () -> {
            final Map<String, String> evidence = rateEvidence.get();
            evidence.put("test", "Fisher's exact test (one-sided) of the share of updates that set the field to null");
            evidence.put("pValue", String.format(Locale.ROOT, "%.3g", p.pValue()));
            evidence.put("nullRateBefore", pct(p.baselineShare()) + " of " + p.baselineTrials() + " updates");
            evidence.put("nullRateAfter", pct(p.currentShare()) + " of " + p.currentTrials() + " updates");
            evidence.put("nullRateRatio", String.format(Locale.ROOT, "%.4g", p.ratio()));
            return evidence;
        };
        return new Finding(p.verdict(), p.pValue(), p.currentHits(), String.format(Locale.ROOT, "null in %s of updates vs %s before (p=%.2g)",
            pct(p.currentShare()), pct(p.baselineShare()), p.pValue()), nullRateEvidence, e);
    }

    private static String pct(final double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    private void onChange(final String org, final DataAnomalyHistory h, final FailureHistory.AlertState a, final String key, final long now) {
        final boolean open = AlertLifecycle.isOpen(a);
        if (!open && now - a.releaseCompletedMs > evaluator.settings().window().toMillis()) {
            return;
        }
        final Finding f = assess(h, key, evaluator.sinceDeploy(h.series(key), a.releaseCompletedMs, now), a);
        if (a.status == null && f.verdict() == RateComparison.Verdict.INCREASE) {
            emit(org, key, a, f, AlertStatus.TRIGGERED, now);
        } else if (open && f.current() >= 2 * a.lastReportedCount && now - a.lastEmittedMs >= evaluator.settings().cooldown().toMillis()) {
            emit(org, key, a, f, AlertStatus.UPDATED, now);
        }
    }

    /** No release in its window: is this key's recent rate (or null share) up against the span before it? */
    private void onChangeWithoutDeploy(final String org, final DataAnomalyHistory h, final String key, final long now) {
        final PostDeployFailureSettings cfg = evaluator.settings();
        final String stateKey = AlertLifecycle.NO_DEPLOY + "|" + key;
        final FailureHistory.AlertState episode = h.alerts.get(stateKey);
        if (AlertLifecycle.isOpen(episode)) {
            onChange(org, h, episode, key, now);
            return;
        }
        if (cfg.noDeployWindow().isZero() || !AlertLifecycle.mayStartEpisode(episode, now, cfg.cooldown().toMillis())
            || h.alerts.entrySet().stream().anyMatch(en -> en.getKey().endsWith("|" + key) && AlertLifecycle.isOpen(en.getValue()))) {
            return;
        }
        final PostDeployFailureEvaluator.Evaluation e = evaluator.rolling(h.series(key), now);
        final FailureHistory.AlertState a = AlertLifecycle.noDeploy(e.currentFromMs());
        final Finding f = assess(h, key, e, a);
        if (f.verdict() == RateComparison.Verdict.INCREASE) {
            h.alerts.put(stateKey, a);
            emit(org, key, a, f, AlertStatus.TRIGGERED, now);
        }
    }

    private void onGap(final String org, final DataAnomalyHistory h, final Signal s, final String type, final long now) {
        if (!type.equals("GAP_OVERFLOW")) {
            return; // single-record gaps: ingest logs and counts them; consumers re-read the records
        }
        final String key = "gap overflow " + s.getSubject();
        final FailureHistory.AlertState a = state(h, s, key);
        h.count(key, now, 1);
        if (a.status == null || "RESOLVED".equals(a.status)) {
            final Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("test", "GAP_OVERFLOW received: more than 100,000 changes in one transaction; change events were not sent for the rest");
            evidence.put("entity", s.getSubject());
            evidence.put("releaseId", String.valueOf(s.getReleaseId()));
            evidence.put("suspectComponents", String.join(", ", SuspectComponents.byEntity(s.getReleaseComponents(), s.getSubject(), null)));
            final String summary = "More than 100,000 " + s.getSubject() + " changes in one transaction (GAP_OVERFLOW)"
                + (s.getReleaseId() == null ? "" : " after deploy " + s.getReleaseId());
            forward(AlertLifecycle.next(a, AlertStatus.TRIGGERED, new AlertLifecycle.Draft(org, NAME, NewErrorTypeProcessor.hash(key), key,
                summary, Severity.WARNING, evidence, now, now), 1, now));
        }
    }

    @Override
    protected void punctuate(final long streamTime) {
        updateEachOrg((org, h) -> {
            boolean changed = false;
            for (final Map.Entry<String, FailureHistory.AlertState> en : h.alerts.entrySet()) {
                final FailureHistory.AlertState a = en.getValue();
                if (!AlertLifecycle.isOpen(a) || streamTime - a.lastEmittedMs < evaluator.settings().resolveWindow().toMillis()) {
                    continue;
                }
                final String key = en.getKey().substring(en.getKey().indexOf('|') + 1);
                final Finding recent = assess(h, key, evaluator.recent(h.series(key), a.releaseCompletedMs, streamTime), a);
                if (recent.pValue() >= evaluator.settings().alpha()) {
                    emit(org, key, a, recent, AlertStatus.RESOLVED, streamTime);
                    changed = true;
                }
            }
            return changed;
        });
    }

    private void emit(final String org, final String key, final FailureHistory.AlertState a, final Finding f, final AlertStatus status,
                      final long now) {
        final String cause = a.releaseId != null ? "after deploy " + a.releaseId : "without a deploy";
        final String summary = status == AlertStatus.RESOLVED
            ? String.format(Locale.ROOT, "Data changes back to baseline %s: %s", cause, key)
            : String.format(Locale.ROOT, "Data anomaly %s: %s %s", cause, key, f.facts());
        forward(AlertLifecycle.next(a, status, new AlertLifecycle.Draft(org, NAME, NewErrorTypeProcessor.hash(key), key, summary,
            key.startsWith("deletes") || key.startsWith(NULLED) ? Severity.ERROR : Severity.WARNING, f.evidence().get(), f.windows().currentFromMs(),
            f.windows().currentToMs()), f.current(), now));
    }
}
