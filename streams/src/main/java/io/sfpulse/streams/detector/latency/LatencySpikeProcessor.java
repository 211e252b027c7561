package io.sfpulse.streams.detector.latency;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.SubjectKeys;
import io.sfpulse.streams.normalize.SignalNormalizer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Keeps per-org, per-operation latency sketches and raises one alert per (release, operation) whose
 * latency distribution shifted after the deploy ({@link LatencySpikeEvaluator}); with no release in
 * its window, one per episode whose last span shifted against the rolling baseline ("no-deploy").
 * Resolves when the last {@value #RECENT} samples are back near the baseline (at most
 * {@value #RECENT_ALLOWED} above its p95) or the operation has been quiet; after a resolution the
 * samples are counted afresh, and a new shift inside the release's window is a new episode. Event
 * time only.
 */
final class LatencySpikeProcessor extends DetectorProcessor<LatencyHistory> {

    static final int RECENT = 20;
    static final int RECENT_ALLOWED = 3;
    private static final Duration COOLDOWN = Duration.ofMinutes(5);
    private static final long ROLLING_CHECK_EVERY_MS = 60_000;

    private final String name;
    private final LatencySpikeEvaluator evaluator;
    private final Predicate<Signal> series;
    private SketchBuckets sketches;

    LatencySpikeProcessor(
            final String name,
            final LatencySpikeEvaluator evaluator,
            final Predicate<Signal> series) {
        super(name);
        this.name = name;
        this.evaluator = evaluator;
        this.series = series;
    }

    @Override
    protected void connectStores(final ProcessorContext<String, Alert> ctx) {
        sketches = new SketchBuckets(ctx.getStateStore(LatencySpikeDetector.sketchesStore(name)));
    }

    @Override
    protected boolean analyses(final Signal s) {
        return s.getKind() == SignalKind.LATENCY && series.test(s);
    }

    /** One state per (org, operation): a sample reads and rewrites its operation's state only. */
    @Override
    protected String stateKey(final String org, final Signal s) {
        return seriesKey(org, s.getSubject());
    }

    @Override
    protected boolean discard(final LatencyHistory h) {
        return h.newestBucket.isEmpty() && h.afterDeploy.isEmpty();
    }

    @Override
    protected boolean observesOrg() {
        return false; // baselines are sample counts, not time spans
    }

    @Override
    protected LatencyHistory emptyState() {
        return new LatencyHistory();
    }

    @Override
    protected void analyse(final String org, final Signal s, final long t, final LatencyHistory h) {
        final String op = s.getSubject();
        sketches.add(org, op, t, s.getValue());
        final long bucket = SketchBuckets.bucketOf(t);
        h.oldestBucket.merge(op, bucket, Math::min);
        h.newestBucket.merge(op, bucket, Math::max);
        final LatencySpikeEvaluator.Buckets buckets =
                (from, to) -> sketches.merged(org, op, from, to);
        final LatencySpikeSettings cfg = evaluator.settings();
        final boolean released = s.getReleaseId() != null && s.getReleaseCompletedTime() != null;
        final boolean inWindow =
                released
                        && t - s.getReleaseCompletedTime().toEpochMilli()
                                <= cfg.window().toMillis();
        if (released) {
            onSample(org, h, s, op, t, buckets);
        }
        final String episodeKey = AlertLifecycle.NO_DEPLOY + "|" + op;
        final AlertState episode = h.alerts.get(episodeKey);
        if (AlertState.openAlert(episode)) {
            track(org, h.afterDeploy.get(episodeKey), episode, op, s.getValue(), t);
        } else if (!inWindow) {
            checkRollingBaseline(org, h, op, t, buckets, episode);
        }
        // Sketches older than any baseline and window need: deleted once per bucket the horizon
        // passes.
        final long horizon = SketchBuckets.bucketOf(horizonMs(t));
        final long oldest = h.oldestBucket.get(op);
        if (oldest < horizon) {
            sketches.prune(org, op, oldest, horizon);
            h.oldestBucket.put(op, horizon);
        }
    }

    private long horizonMs(final long t) {
        final LatencySpikeSettings cfg = evaluator.settings();
        return t
                - cfg.baseline().toMillis()
                - Math.max(cfg.window().toMillis(), cfg.noDeployWindow().toMillis());
    }

    @Override
    protected void prune(final LatencyHistory h, final long t) {
        final LatencySpikeSettings cfg = evaluator.settings();
        h.prune(horizonMs(t));
        h.afterDeploy
                .entrySet()
                .removeIf(
                        e ->
                                t - e.getValue().lastSampleMs
                                                > cfg.window().toMillis()
                                                        + Duration.ofDays(1).toMillis()
                                        && !AlertState.openAlert(h.alerts.get(e.getKey())));
        h.alerts.keySet().retainAll(h.afterDeploy.keySet());
    }

    private void onSample(
            final String org,
            final LatencyHistory h,
            final Signal s,
            final String op,
            final long t,
            final LatencySpikeEvaluator.Buckets buckets) {
        final long deploy = s.getReleaseCompletedTime().toEpochMilli();
        final String key = s.getReleaseId() + "|" + op;
        final AlertState a = h.alerts.get(key);
        if (t - deploy > evaluator.settings().window().toMillis() && !AlertState.openAlert(a)) {
            return;
        }
        final LatencyHistory.Exceedances e =
                h.afterDeploy.computeIfAbsent(
                        key,
                        k -> {
                            final LatencyHistory.Exceedances n = new LatencyHistory.Exceedances();
                            evaluator.freezeBaseline(n, buckets, deploy);
                            n.startMs = deploy;
                            return n;
                        });
        track(
                org,
                e,
                h.alerts.computeIfAbsent(key, k -> AlertState.forRelease(s)),
                op,
                s.getValue(),
                t);
    }

    /** Adds one sample to a tracked (release or no-deploy episode, operation) and moves its alert through the lifecycle. */
    private void track(
            final String org,
            final LatencyHistory.Exceedances e,
            final AlertState alert,
            final String op,
            final double millis,
            final long t) {
        evaluator.addSample(e, millis, t);
        final String recent = e.recent + (millis > e.baselineP95 ? "1" : "0");
        e.recent = recent.length() > RECENT ? recent.substring(recent.length() - RECENT) : recent;
        if (alert.isResolved()
                && alert.hasRelease()
                && t - alert.releaseCompletedMs() <= evaluator.settings().window().toMillis()
                && t - alert.lastEmittedMs() >= COOLDOWN.toMillis()
                && evaluator.evaluate(e, evaluator.level(alert))
                        == LatencySpikeEvaluator.Verdict.SPIKE) {
            AlertLifecycle.reopen(alert, org, name, SubjectKeys.hash(op));
        }
        if (alert.isPending()
                && evaluator.evaluate(e, evaluator.level(alert))
                        == LatencySpikeEvaluator.Verdict.SPIKE) {
            emit(org, e, op, alert, AlertStatus.TRIGGERED, t);
        } else if (alert.isOpen()
                && e.recent.length() == RECENT
                && e.recent.chars().filter(c -> c == '1').count() <= RECENT_ALLOWED) {
            emit(org, e, op, alert, AlertStatus.RESOLVED, t);
        } else if (alert.isOpen()
                && e.aboveP95 >= 2 * alert.lastReportedCount()
                && t - alert.lastEmittedMs() >= COOLDOWN.toMillis()) {
            emit(org, e, op, alert, AlertStatus.UPDATED, t);
        }
    }

    /**
     * No release in its window and no open alert for the operation: at most once a minute of event
     * time, compare the last {@code noDeployWindow} with the rolling baseline before it.
     */
    private void checkRollingBaseline(
            final String org,
            final LatencyHistory h,
            final String op,
            final long t,
            final LatencySpikeEvaluator.Buckets buckets,
            final AlertState last) {
        final LatencySpikeSettings cfg = evaluator.settings();
        if (cfg.noDeployWindow().isZero()
                || t - h.lastRollingCheckMs.getOrDefault(op, Long.MIN_VALUE / 2)
                        < ROLLING_CHECK_EVERY_MS
                || !AlertLifecycle.mayStartEpisode(last, t, COOLDOWN.toMillis())
                || h.alerts.entrySet().stream()
                        .anyMatch(en -> en.getKey().endsWith("|" + op) && en.getValue().isOpen())) {
            return;
        }
        h.lastRollingCheckMs.put(op, t);
        final LatencyHistory.Exceedances e = evaluator.rolling(buckets, t);
        final AlertState a = AlertState.noDeploy(e.startMs);
        if (evaluator.evaluate(e, evaluator.level(a)) == LatencySpikeEvaluator.Verdict.SPIKE) {
            final String key = AlertLifecycle.NO_DEPLOY + "|" + op;
            h.alerts.put(key, a);
            h.afterDeploy.put(key, e);
            emit(org, e, op, a, AlertStatus.TRIGGERED, t);
        }
    }

    @Override
    protected void punctuate(final long streamTime) {
        updateEachState(
                (key, h) -> {
                    final String org = orgOf(key);
                    boolean changed = false;
                    for (final Map.Entry<String, AlertState> en : h.alerts.entrySet()) {
                        final LatencyHistory.Exceedances e = h.afterDeploy.get(en.getKey());
                        if (en.getValue().isOpen()
                                && e != null
                                && streamTime - e.lastSampleMs
                                        >= evaluator.settings().quiet().toMillis()) {
                            emit(
                                    org,
                                    e,
                                    en.getKey().substring(en.getKey().indexOf('|') + 1),
                                    en.getValue(),
                                    AlertStatus.RESOLVED,
                                    streamTime);
                            changed = true;
                        }
                    }
                    return changed;
                });
    }

    private void emit(
            final String org,
            final LatencyHistory.Exceedances e,
            final String op,
            final AlertState a,
            final AlertStatus status,
            final long now) {
        final Map<String, String> evidence = evaluator.evidence(e, op, a);
        final double ratio = Double.parseDouble(evidence.get("p95Ratio"));
        final String cause = a.hasRelease() ? "after deploy " + a.releaseId() : "without a deploy";
        final String what =
                op.startsWith(SignalNormalizer.DELIVERY_LAG_PREFIX)
                        ? "The " + op
                        : "Latency of '" + op + "'";
        final String summary =
                status == AlertStatus.RESOLVED
                        ? what + " back near baseline " + cause
                        : String.format(
                                Locale.ROOT,
                                "%s up %s: p95 %s ms -> %s ms (%.1fx), p99 %s -> %s ms",
                                what,
                                cause,
                                evidence.get("p95Before"),
                                evidence.get("p95After"),
                                ratio,
                                evidence.get("p99Before"),
                                evidence.get("p99After"));
        emit(
                a,
                status,
                new AlertLifecycle.Draft(
                        org,
                        name,
                        SubjectKeys.hash(op),
                        op,
                        summary,
                        ratio >= 3 ? Severity.CRITICAL : Severity.WARNING,
                        evidence,
                        a.releaseCompletedMs(),
                        now),
                e.aboveP95,
                now);
        if (status == AlertStatus.RESOLVED) {
            e.restartCounting();
        }
    }
}
