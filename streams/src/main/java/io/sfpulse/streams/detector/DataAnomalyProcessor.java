package io.sfpulse.streams.detector;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.stats.RateComparison;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Data anomalies from Change Data Capture, per org: delete bursts and change-volume shifts per
 * entity, mass updates by one user (or automation user), and bursts of records whose field is set
 * to null - each a per-minute count series compared after vs before the deploy with the exact rate
 * test of {@link PostDeployFailureEvaluator}; GAP_OVERFLOW events (more than 100,000 changes in one
 * transaction) alert at once. Lifecycle via {@link AlertLifecycle}; resolution on stream time.
 */
public final class DataAnomalyProcessor extends DetectorProcessor<DataAnomalyHistory> {

    public static final String NAME = "data-anomalies";
    public static final String STORE = NAME + "-store";

    private final PostDeployFailureEvaluator evaluator;
    private final ObservedSince observed = new ObservedSince();

    public DataAnomalyProcessor(final PostDeployFailureEvaluator evaluator) {
        super(STORE);
        this.evaluator = evaluator;
    }

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
        if (type.equals("UPDATE") && !attrs.getOrDefault("commitUser", "").isEmpty()) {
            keys.put("updates " + entity + " by " + attrs.get("commitUser"), records);
        }
        for (final String field : attrs.getOrDefault("nulledFields", "").split(",")) {
            if (!field.isBlank()) {
                keys.put("nulled " + entity + "." + field.trim(), records);
            }
        }
        return keys;
    }

    @Override
    public void process(final Record<String, Signal> record) {
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
        final String type = s.getAttributes().getOrDefault("changeType", "");
        if (type.startsWith("GAP")) {
            onGap(record.key(), h, s, type, t);
        } else {
            final Map<String, Integer> keys = keys(s);
            keys.forEach((k, n) -> h.count(k, t, n));
            if (s.getReleaseId() != null && s.getReleaseCompletedTime() != null) {
                keys.keySet().forEach(k -> onChange(record.key(), h, s, k, t));
            }
        }
        final PostDeployFailureSettings cfg = evaluator.settings();
        h.prune(t - cfg.baseline().toMillis() - cfg.window().toMillis() - Duration.ofHours(1).toMillis());
        h.alerts.values().removeIf(a -> a.status == null && t - a.releaseCompletedMs > cfg.window().toMillis());
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

    private void onChange(final String org, final DataAnomalyHistory h, final Signal s, final String key, final long now) {
        final FailureHistory.AlertState a = state(h, s, key);
        final boolean open = AlertLifecycle.isOpen(a);
        if (!open && now - a.releaseCompletedMs > evaluator.settings().window().toMillis()) {
            return;
        }
        final PostDeployFailureEvaluator.Evaluation e = evaluator.sinceDeploy(h.series(key), a.releaseCompletedMs, now);
        if (a.status == null && e.result().verdict() == RateComparison.Verdict.INCREASE) {
            emit(org, h, key, a, e, AlertStatus.TRIGGERED, now);
        } else if (open && e.result().current() >= 2 * a.lastReportedCount && now - a.lastEmittedMs >= evaluator.settings().cooldown().toMillis()) {
            emit(org, h, key, a, e, AlertStatus.UPDATED, now);
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
            final PostDeployFailureEvaluator.Evaluation recent = evaluator.recent(h.series(key), a.releaseCompletedMs, streamTime);
            if (recent.result().pValue() >= evaluator.settings().alpha()) {
                emit(org, h, key, a, recent, AlertStatus.RESOLVED, streamTime);
                changed = true;
            }
        }
            return changed;
        });
    }

    private void emit(final String org, final DataAnomalyHistory h, final String key, final FailureHistory.AlertState a,
                      final PostDeployFailureEvaluator.Evaluation e, final AlertStatus status, final long now) {
        final RateComparison.Result r = e.result();
        final Map<String, String> evidence = evaluator.evidence(e, h.series(key), a);
        evidence.put("anomaly", key);
        final String summary = status == AlertStatus.RESOLVED
            ? String.format(Locale.ROOT, "Data changes back to baseline after deploy %s: %s", a.releaseId, key)
            : String.format(Locale.ROOT, "Data anomaly after deploy %s: %s at %.0f/h vs %.1f/h before (%.1fx, p=%.2g)", a.releaseId, key,
                r.currentRate(), r.baselineRate(), r.rateRatio(), r.pValue());
        forward(AlertLifecycle.next(a, status, new AlertLifecycle.Draft(org, NAME, NewErrorTypeProcessor.hash(key), key, summary,
            key.startsWith("deletes") || key.startsWith("nulled") ? Severity.ERROR : Severity.WARNING, evidence, e.currentFromMs(),
            e.currentToMs()), r.current(), now));
    }


}
