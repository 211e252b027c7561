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
 * latency distribution shifted after the deploy ({@link LatencySpikeEvaluator}). Resolves when
 * the last {@value #RECENT} samples are back near the baseline (at most {@value #RECENT_ALLOWED}
 * above its p95) or the operation has been quiet. Event time only.
 */
public final class LatencySpikeProcessor extends DetectorProcessor<LatencyHistory> {

    public static final String NAME = "latency-spikes";
    public static final String STORE = NAME + "-store";
    static final int RECENT = 20;
    static final int RECENT_ALLOWED = 3;

    private final LatencySpikeEvaluator evaluator;

    public LatencySpikeProcessor(final LatencySpikeEvaluator evaluator) {
        super(STORE);
        this.evaluator = evaluator;
    }

    @Override
    public void process(final Record<String, Signal> record) {
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
        if (s.getReleaseId() != null && s.getReleaseCompletedTime() != null) {
            onSample(record.key(), h, s, op, t, buckets);
        }
        final LatencySpikeEvaluator.Settings cfg = evaluator.settings();
        h.prune(t - cfg.baseline().toMillis() - cfg.window().toMillis());
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
            return n;
        });
        evaluator.addSample(e, s.getValue(), t);
        final String recent = e.recent + (s.getValue() > e.baselineP95 ? "1" : "0");
        e.recent = recent.length() > RECENT ? recent.substring(recent.length() - RECENT) : recent;
        final FailureHistory.AlertState alert = h.alerts.computeIfAbsent(key, k -> {
            final FailureHistory.AlertState n = new FailureHistory.AlertState();
            n.releaseId = s.getReleaseId();
            n.releaseCompletedMs = deploy;
            n.components = new java.util.ArrayList<>(s.getReleaseComponents());
            return n;
        });
        if (alert.status == null && evaluator.evaluate(e) == LatencySpikeEvaluator.Verdict.SPIKE) {
            emit(org, e, op, alert, AlertStatus.TRIGGERED, t);
        } else if (AlertLifecycle.isOpen(alert) && e.recent.length() == RECENT && e.recent.chars().filter(c -> c == '1').count() <= RECENT_ALLOWED) {
            emit(org, e, op, alert, AlertStatus.RESOLVED, t);
        } else if (AlertLifecycle.isOpen(alert) && e.aboveP95 >= 2 * alert.lastReportedCount
            && t - alert.lastEmittedMs >= Duration.ofMinutes(5).toMillis()) {
            emit(org, e, op, alert, AlertStatus.UPDATED, t);
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
        final String summary = status == AlertStatus.RESOLVED
            ? "Latency of '" + op + "' back near baseline after deploy " + a.releaseId
            : String.format(java.util.Locale.ROOT, "Latency of '%s' up after deploy %s: p95 %s ms -> %s ms (%.1fx), p99 %s -> %s ms",
                op, a.releaseId, evidence.get("p95Before"), evidence.get("p95After"), ratio, evidence.get("p99Before"), evidence.get("p99After"));
        final Alert alert = AlertLifecycle.next(a, status, new AlertLifecycle.Draft(org, NAME, NewErrorTypeProcessor.hash(op), op, summary,
            ratio >= 3 ? Severity.CRITICAL : Severity.WARNING, evidence, a.releaseCompletedMs, now), e.aboveP95, now);
        forward(alert);
    }
}
