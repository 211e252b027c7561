package io.sfpulse.streams.detector;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.stats.LatencySketch;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Keeps per-org, per-operation latency sketches and raises one alert per (release, operation) whose
 * latency distribution shifted after the deploy ({@link LatencySpikeEvaluator}); with no release in
 * its window, one per episode whose last span shifted against the rolling baseline ("no-deploy"). Resolves when
 * the last {@value #RECENT} samples are back near the baseline (at most {@value #RECENT_ALLOWED}
 * above its p95) or the operation has been quiet. Event time only.
 */
public final class LatencySpikeProcessor extends DetectorProcessor<LatencyHistory> {

    public static final String NAME = "latency-spikes";
    public static final String STORE = NAME + "-store";
    static final int RECENT = 20;
    static final int RECENT_ALLOWED = 3;
    private static final Duration COOLDOWN = Duration.ofMinutes(5);
    private static final long ROLLING_CHECK_EVERY_MS = 60_000;

    private final LatencySpikeEvaluator evaluator;

    public LatencySpikeProcessor(final LatencySpikeEvaluator evaluator) {
        super(STORE);
        this.evaluator = evaluator;
    }

    @Override
    protected void analyse(final Record<String, Signal> record) {
        final Signal s = record.value();
        if (s == null || record.key() == null || s.getKind() != SignalKind.LATENCY) {
            return;
        }
        final LatencyHistory stored = store.get(record.key());
        final LatencyHistory h = stored != null ? stored : new LatencyHistory();
        final long t = s.getEventTime().toEpochMilli();
        final String op = s.getSubject();
        final TreeMap<Long, String> buckets = h.sketches.computeIfAbsent(op, o -> new TreeMap<>());
        final long bucket = Math.floorDiv(t, LatencyHistory.BUCKET_MS);
        final LatencySketch sketch = buckets.containsKey(bucket) ? LatencySketch.decode(buckets.get(bucket)) : LatencySketch.empty();
        sketch.add(s.getValue());
        buckets.put(bucket, sketch.encode());
        final LatencySpikeEvaluator.Settings cfg = evaluator.settings();
        final boolean released = s.getReleaseId() != null && s.getReleaseCompletedTime() != null;
        final boolean inWindow = released && t - s.getReleaseCompletedTime().toEpochMilli() <= cfg.window().toMillis();
        if (released) {
            onSample(record.key(), h, s, op, t, buckets);
        }
        final String episodeKey = AlertLifecycle.NO_DEPLOY + "|" + op;
        final FailureHistory.AlertState episode = h.alerts.get(episodeKey);
        if (AlertLifecycle.isOpen(episode)) {
            track(record.key(), h.afterDeploy.get(episodeKey), episode, op, s.getValue(), t);
        } else if (!inWindow) {
            checkRollingBaseline(record.key(), h, op, t, buckets, episode);
        }
        h.prune(t - cfg.baseline().toMillis() - Math.max(cfg.window().toMillis(), cfg.noDeployWindow().toMillis()));
        h.afterDeploy.entrySet().removeIf(e -> t - e.getValue().lastSampleMs > cfg.window().toMillis() + Duration.ofDays(1).toMillis()
            && !AlertLifecycle.isOpen(h.alerts.get(e.getKey())));
        h.alerts.keySet().retainAll(h.afterDeploy.keySet());
        store.put(record.key(), h);
    }

    private void onSample(final String org, final LatencyHistory h, final Signal s, final String op, final long t,
                          final TreeMap<Long, String> buckets) {
        final long deploy = s.getReleaseCompletedTime().toEpochMilli();
        final String key = s.getReleaseId() + "|" + op;
        final FailureHistory.AlertState a = h.alerts.get(key);
        if (t - deploy > evaluator.settings().window().toMillis() && !AlertLifecycle.isOpen(a)) {
            return;
        }
        final LatencyHistory.Exceedances e = h.afterDeploy.computeIfAbsent(key, k -> {
            final LatencyHistory.Exceedances n = new LatencyHistory.Exceedances();
            evaluator.freezeBaseline(n, buckets, deploy);
            n.startMs = deploy;
            return n;
        });
        final FailureHistory.AlertState alert = h.alerts.computeIfAbsent(key, k -> {
            final FailureHistory.AlertState n = new FailureHistory.AlertState();
            n.releaseId = s.getReleaseId();
            n.releaseCompletedMs = deploy;
            n.components = new java.util.ArrayList<>(s.getReleaseComponents());
            return n;
        });
        track(org, e, alert, op, s.getValue(), t);
    }

    /** Adds one sample to a tracked (release or no-deploy episode, operation) and moves its alert through the lifecycle. */
    private void track(final String org, final LatencyHistory.Exceedances e, final FailureHistory.AlertState alert, final String op,
                       final double millis, final long t) {
        evaluator.addSample(e, millis, t);
        final String recent = e.recent + (millis > e.baselineP95 ? "1" : "0");
        e.recent = recent.length() > RECENT ? recent.substring(recent.length() - RECENT) : recent;
        if (alert.status == null && evaluator.evaluate(e) == LatencySpikeEvaluator.Verdict.SPIKE) {
            emit(org, e, op, alert, AlertStatus.TRIGGERED, t);
        } else if (AlertLifecycle.isOpen(alert) && e.recent.length() == RECENT && e.recent.chars().filter(c -> c == '1').count() <= RECENT_ALLOWED) {
            emit(org, e, op, alert, AlertStatus.RESOLVED, t);
        } else if (AlertLifecycle.isOpen(alert) && e.aboveP95 >= 2 * alert.lastReportedCount
            && t - alert.lastEmittedMs >= COOLDOWN.toMillis()) {
            emit(org, e, op, alert, AlertStatus.UPDATED, t);
        }
    }

    /**
     * No release in its window and no open alert for the operation: at most once a minute of event
     * time, compare the last {@code noDeployWindow} with the rolling baseline before it.
     */
    private void checkRollingBaseline(final String org, final LatencyHistory h, final String op, final long t,
                                      final TreeMap<Long, String> buckets, final FailureHistory.AlertState last) {
        final LatencySpikeEvaluator.Settings cfg = evaluator.settings();
        if (cfg.noDeployWindow().isZero() || t - h.lastRollingCheckMs.getOrDefault(op, Long.MIN_VALUE / 2) < ROLLING_CHECK_EVERY_MS
            || !AlertLifecycle.mayStartEpisode(last, t, COOLDOWN.toMillis())
            || h.alerts.entrySet().stream().anyMatch(en -> en.getKey().endsWith("|" + op) && AlertLifecycle.isOpen(en.getValue()))) {
            return;
        }
        h.lastRollingCheckMs.put(op, t);
        final LatencyHistory.Exceedances e = evaluator.rolling(buckets, t);
        if (evaluator.evaluate(e) == LatencySpikeEvaluator.Verdict.SPIKE) {
            final String key = AlertLifecycle.NO_DEPLOY + "|" + op;
            final FailureHistory.AlertState a = AlertLifecycle.noDeploy(e.startMs);
            h.alerts.put(key, a);
            h.afterDeploy.put(key, e);
            emit(org, e, op, a, AlertStatus.TRIGGERED, t);
        }
    }

    @Override
    protected void punctuate(final long streamTime) {
        updateEachOrg((org, h) -> {
            boolean changed = false;
            for (final Map.Entry<String, FailureHistory.AlertState> en : h.alerts.entrySet()) {
                final LatencyHistory.Exceedances e = h.afterDeploy.get(en.getKey());
                if (AlertLifecycle.isOpen(en.getValue()) && e != null && streamTime - e.lastSampleMs >= evaluator.settings().quiet().toMillis()) {
                    emit(org, e, en.getKey().substring(en.getKey().indexOf('|') + 1), en.getValue(), AlertStatus.RESOLVED, streamTime);
                    changed = true;
                }
            }
            return changed;
        });
    }

    private void emit(final String org, final LatencyHistory.Exceedances e, final String op, final FailureHistory.AlertState a,
                      final AlertStatus status, final long now) {
        final Map<String, String> evidence = evaluator.evidence(e, op, a);
        final double ratio = Double.parseDouble(evidence.get("p95Ratio"));
        final String cause = a.releaseId != null ? "after deploy " + a.releaseId : "without a deploy";
        final String summary = status == AlertStatus.RESOLVED
            ? "Latency of '" + op + "' back near baseline " + cause
            : String.format(java.util.Locale.ROOT, "Latency of '%s' up %s: p95 %s ms -> %s ms (%.1fx), p99 %s -> %s ms",
                op, cause, evidence.get("p95Before"), evidence.get("p95After"), ratio, evidence.get("p99Before"), evidence.get("p99After"));
        final Alert alert = AlertLifecycle.next(a, status, new AlertLifecycle.Draft(org, NAME, NewErrorTypeProcessor.hash(op), op, summary,
            ratio >= 3 ? Severity.CRITICAL : Severity.WARNING, evidence, a.releaseCompletedMs, now), e.aboveP95, now);
        forward(alert);
    }
}
