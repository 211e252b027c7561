package io.sfpulse.streams.detector.newerrors;

import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.SubjectKeys;

/**
 * Raises one alert per error signature that a release introduced (see {@link NewErrorTypeEvaluator}):
 * TRIGGERED when it reaches the minimum count, UPDATED when its count doubles, RESOLVED when it has
 * been quiet for a while (stream-time punctuation), and a new episode when it comes back at least
 * the minimum count of times after that, inside the attribution window. Dedup key:
 * org|release|detector|signature hash.
 */
final class NewErrorTypeProcessor extends DetectorProcessor<SignatureHistory> {

    private final NewErrorTypeEvaluator evaluator;

    NewErrorTypeProcessor(final NewErrorTypeEvaluator evaluator) {
        super(NewErrorTypeDetector.NAME);
        this.evaluator = evaluator;
    }

    @Override
    protected boolean analyses(final Signal s) {
        return s.getKind() == SignalKind.FAILURE && s.getSignature() != null;
    }

    /** One state per (org, signature): a failure reads and rewrites its signature's state only. */
    @Override
    protected String stateKey(final String org, final Signal s) {
        return seriesKey(org, s.getSignature());
    }

    @Override
    protected SignatureHistory emptyState() {
        return new SignatureHistory();
    }

    @Override
    protected void analyse(
            final String org, final Signal s, final long t, final SignatureHistory h) {
        h.add(t, s.getLocation(), s.getReleaseId());
        if (s.getReleaseId() != null && s.getReleaseCompletedTime() != null) {
            onFailure(org, h, s, t);
        }
    }

    @Override
    protected void prune(final SignatureHistory h, final long t) {
        h.alerts
                .entrySet()
                .removeIf(
                        e -> {
                            if (evaluator.settled(e.getValue(), t)) {
                                h.countsByRelease.remove(e.getKey());
                                return true;
                            }
                            return false;
                        });
        h.countsByRelease.keySet().retainAll(h.alerts.keySet());
    }

    private void onFailure(
            final String org, final SignatureHistory h, final Signal s, final long now) {
        final String release = s.getReleaseId();
        final AlertState a = h.alerts.computeIfAbsent(release, k -> AlertState.forRelease(s));
        final NewErrorTypeEvaluator.Verdict v =
                evaluator.evaluate(h, release, a.releaseCompletedMs(), observedSinceMs(org));
        if (v != NewErrorTypeEvaluator.Verdict.NEW) {
            if (v == NewErrorTypeEvaluator.Verdict.KNOWN) {
                h.forget(release);
            }
            return;
        }
        final int count = h.count(release);
        if (a.isResolved()
                && now - a.releaseCompletedMs() <= evaluator.settings().window().toMillis()
                && count - a.lastReportedCount() >= evaluator.settings().minCount()) {
            // Quiet long enough to resolve, then back at least minCount times: the same new error
            // regressed again.
            AlertLifecycle.reopen(
                    a, org, NewErrorTypeDetector.NAME, SubjectKeys.hash(s.getSignature()));
        }
        if (a.isPending()) {
            emit(org, h, s.getSignature(), a, AlertStatus.TRIGGERED, count, now);
        } else if (a.isOpen() && count >= 2 * a.lastReportedCount()) {
            emit(org, h, s.getSignature(), a, AlertStatus.UPDATED, count, now);
        }
    }

    @Override
    protected void punctuate(final long streamTime) {
        final long horizon = streamTime - evaluator.settings().lookback().toMillis();
        updateEachState(
                (key, h) -> {
                    final String org = orgOf(key);
                    final String signature = seriesOf(key);
                    boolean changed = false;
                    for (final AlertState a : h.alerts.values()) {
                        if (a.isOpen() && evaluator.quiet(h, streamTime)) {
                            emit(
                                    org,
                                    h,
                                    signature,
                                    a,
                                    AlertStatus.RESOLVED,
                                    (int) a.lastReportedCount(),
                                    streamTime);
                            changed = true;
                        }
                    }
                    if (changed) {
                        prune(h, streamTime);
                    }
                    return changed;
                },
                (key, h) -> h.forgotten(horizon));
    }

    private void emit(
            final String org,
            final SignatureHistory h,
            final String signature,
            final AlertState a,
            final AlertStatus status,
            final int count,
            final long now) {
        final String summary =
                status == AlertStatus.RESOLVED
                        ? "New error no longer occurring after deploy "
                                + a.releaseId()
                                + ": "
                                + signature
                        : "New error after deploy "
                                + a.releaseId()
                                + " ("
                                + count
                                + "x, never seen before): "
                                + signature;
        emit(
                a,
                status,
                new AlertLifecycle.Draft(
                        org,
                        NewErrorTypeDetector.NAME,
                        SubjectKeys.hash(signature),
                        signature,
                        summary,
                        Severity.ERROR,
                        evaluator.evidence(h, signature, a, observedSinceMs(org)),
                        a.releaseCompletedMs(),
                        now),
                count,
                now);
    }
}
