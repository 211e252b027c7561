package io.sfpulse.streams.detector;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Raises one alert per error signature that a release introduced (see {@link NewErrorTypeEvaluator}):
 * TRIGGERED when it reaches the minimum count, UPDATED when its count doubles, RESOLVED when it has
 * been quiet for a while (stream-time punctuation). Dedup key: org|release|detector|signature hash.
 */
public final class NewErrorTypeProcessor extends DetectorProcessor<SignatureHistory> {

    public static final String NAME = "new-error-types";
    public static final String STORE = NAME + "-store";

    private final NewErrorTypeEvaluator evaluator;
    private final ObservedSince observed = new ObservedSince();

    public NewErrorTypeProcessor(final NewErrorTypeEvaluator evaluator) {
        super(STORE);
        this.evaluator = evaluator;
    }

    @Override
    protected void analyse(final Record<String, Signal> record) {
        final Signal s = record.value();
        if (s == null || record.key() == null) {
            return;
        }
        final long t = s.getEventTime().toEpochMilli();
        final boolean relevant = s.getKind() == SignalKind.FAILURE && s.getSignature() != null;
        if (!relevant && observed.alreadyPersisted(record.key(), t)) {
            return;
        }
        SignatureHistory h = store.get(record.key());
        if (h == null) {
            h = new SignatureHistory();
        }
        if (relevant) {
            h.add(t, s.getSignature(), s.getLocation(), s.getReleaseId());
            if (s.getReleaseId() != null && s.getReleaseCompletedTime() != null) {
                onFailure(record.key(), h, s, t);
            }
        } else {
            h.observe(t);
        }
        h.prune(t - evaluator.settings().lookback().toMillis());
        store.put(record.key(), h);
        observed.persisted(record.key(), h.firstObservedMs);
    }

    private void onFailure(final String org, final SignatureHistory h, final Signal s, final long now) {
        final String key = s.getReleaseId() + "|" + s.getSignature();
        final FailureHistory.AlertState a = h.alerts.computeIfAbsent(key, k -> {
            final FailureHistory.AlertState n = new FailureHistory.AlertState();
            n.releaseId = s.getReleaseId();
            n.releaseCompletedMs = s.getReleaseCompletedTime().toEpochMilli();
            n.components = new java.util.ArrayList<>(s.getReleaseComponents());
            return n;
        });
        final NewErrorTypeEvaluator.Verdict v = evaluator.evaluate(h, s.getSignature(), s.getReleaseId(), a.releaseCompletedMs, now);
        if (v != NewErrorTypeEvaluator.Verdict.NEW) {
            if (v == NewErrorTypeEvaluator.Verdict.KNOWN) {
                h.alerts.remove(key);
            }
            return;
        }
        final int count = h.countsByRelease.get(s.getReleaseId()).get(s.getSignature());
        if (a.status == null) {
            emit(org, h, s.getSignature(), a, AlertStatus.TRIGGERED, count, now);
        } else if (!"RESOLVED".equals(a.status) && count >= 2 * a.lastReportedCount) {
            emit(org, h, s.getSignature(), a, AlertStatus.UPDATED, count, now);
        }
    }

    @Override
    protected void punctuate(final long streamTime) {
        updateEachOrg((org, h) -> {
            boolean changed = false;
            for (final Map.Entry<String, FailureHistory.AlertState> e : h.alerts.entrySet()) {
                final FailureHistory.AlertState a = e.getValue();
                final String signature = e.getKey().substring(e.getKey().indexOf('|') + 1);
                if (AlertLifecycle.isOpen(a) && evaluator.quiet(h, signature, streamTime)) {
                    emit(org, h, signature, a, AlertStatus.RESOLVED, (int) a.lastReportedCount, streamTime);
                    changed = true;
                }
            }
            return changed;
        });
    }

    private void emit(final String org, final SignatureHistory h, final String signature, final FailureHistory.AlertState a,
                      final AlertStatus status, final int count, final long now) {
        final String summary = status == AlertStatus.RESOLVED
            ? "New error no longer occurring after deploy " + a.releaseId + ": " + signature
            : "New error after deploy " + a.releaseId + " (" + count + "x, never seen before): " + signature;
        final Alert alert = AlertLifecycle.next(a, status, new AlertLifecycle.Draft(org, NAME, hash(signature), signature, summary,
            Severity.ERROR, evaluator.evidence(h, signature, a), a.releaseCompletedMs, now), count, now);
        forward(alert);
    }

    /** Short stable id of a signature for the dedup key (signatures can be long). */
    static String hash(final String signature) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(signature.getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
