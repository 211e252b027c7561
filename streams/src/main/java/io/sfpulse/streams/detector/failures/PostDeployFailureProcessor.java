package io.sfpulse.streams.detector.failures;

import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.RateRegression;
import io.sfpulse.streams.stats.RateComparison;
import java.time.Duration;
import java.util.Locale;

/**
 * Keeps each org's {@link FailureHistory}, asks the {@link PostDeployFailureEvaluator} after every
 * failure whether the live release raised the failure rate, and drives the alert lifecycle:
 * TRIGGERED once, UPDATED when the count doubled (after a cooldown), RESOLVED when a stream-time
 * punctuation finds the recent rate back to baseline, and a new episode when the rate rises again
 * after the resolution within the release's window. Event time only.
 */
final class PostDeployFailureProcessor extends DetectorProcessor<FailureHistory> {

    private static final String SUBJECT = "failures";
    private final PostDeployFailureEvaluator evaluator;

    PostDeployFailureProcessor(final PostDeployFailureEvaluator evaluator) {
        super(PostDeployFailureDetector.NAME);
        this.evaluator = evaluator;
    }

    @Override
    protected boolean analyses(final Signal s) {
        return s.getKind() == SignalKind.FAILURE;
    }

    @Override
    protected FailureHistory emptyState() {
        return new FailureHistory();
    }

    @Override
    protected void observe(final FailureHistory h, final long t) {
        h.failures.observe(t);
    }

    @Override
    protected long firstObservedMs(final FailureHistory h) {
        return h.failures.firstObservedMs();
    }

    @Override
    protected void analyse(final String org, final Signal s, final long t, final FailureHistory h) {
        h.addFailure(t, s.getReleaseId(), s.getSignature(), s.getLocation());
        final boolean released = s.getReleaseId() != null && s.getReleaseCompletedTime() != null;
        if (released) {
            onFailure(org, h, h.alerts.computeIfAbsent(s.getReleaseId(), id -> AlertState.forRelease(s)), t);
        }
        if (!released || !evaluator.rate().inWindow(s.getReleaseCompletedTime().toEpochMilli(), t)) {
            onFailureWithoutDeploy(org, h, t);
        }
    }

    @Override
    protected void prune(final FailureHistory h, final long t) {
        final RateRegression.Parameters p = evaluator.settings().rate();
        h.failures.prune(t - p.baseline().toMillis() - p.window().toMillis() - Duration.ofHours(1).toMillis());
        h.alerts.values().removeIf(a -> a.isPending() && t - a.releaseCompletedMs() > p.window().toMillis()
            || a.isResolved() && t - a.lastEmittedMs() > p.window().toMillis() + p.baseline().toMillis());
    }

    private void onFailure(final String org, final FailureHistory h, final AlertState a, final long now) {
        final boolean open = a.isOpen();
        if (!open && !evaluator.rate().inWindow(a.releaseCompletedMs(), now)) {
            return;
        }
        if (a.isResolved()) {
            onFailureAfterResolution(org, h, a, now);
            return;
        }
        final RateRegression.Evaluation e = evaluator.sinceRelease(h, a, now);
        if (a.isPending() && e.result().verdict() == RateComparison.Verdict.INCREASE) {
            emit(org, h, a, e, AlertStatus.TRIGGERED, now);
        } else if (open && e.result().current() >= 2 * a.lastReportedCount()
            && now - a.lastEmittedMs() >= evaluator.settings().cooldown().toMillis()) {
            emit(org, h, a, e, AlertStatus.UPDATED, now);
        }
    }

    /** Resolved, still in the release's window: has the rate risen again since the resolution? Then a new episode. */
    private void onFailureAfterResolution(final String org, final FailureHistory h, final AlertState a, final long now) {
        if (!a.hasRelease() || now - a.lastEmittedMs() < evaluator.settings().cooldown().toMillis()) {
            return;
        }
        final RateRegression.Evaluation since = evaluator.rate().sinceRelease(h.failures, a.releaseCompletedMs(), a.lastEmittedMs(), now);
        if (since.result().verdict() == RateComparison.Verdict.INCREASE) {
            AlertLifecycle.reopen(a, org, PostDeployFailureDetector.NAME, SUBJECT);
            emit(org, h, a, since, AlertStatus.TRIGGERED, now);
        }
    }

    /**
     * No release in its window: is the recent failure rate up against the span before it? One
     * episode at a time per org, not while a post-deploy alert is open (that one explains the rise).
     */
    private void onFailureWithoutDeploy(final String org, final FailureHistory h, final long now) {
        final AlertState episode = h.alerts.get(AlertLifecycle.NO_DEPLOY);
        if (AlertState.openAlert(episode)) {
            onFailure(org, h, episode, now);
            return;
        }
        if (evaluator.settings().rate().noDeployWindow().isZero()
            || !AlertLifecycle.mayStartEpisode(episode, now, evaluator.settings().cooldown().toMillis())
            || h.alerts.values().stream().anyMatch(AlertState::isOpen)) {
            return;
        }
        final RateRegression.Evaluation e = evaluator.rolling(h, now);
        if (e.result().verdict() == RateComparison.Verdict.INCREASE) {
            final AlertState a = AlertState.noDeploy(e.currentFromMs());
            h.alerts.put(AlertLifecycle.NO_DEPLOY, a);
            emit(org, h, a, e, AlertStatus.TRIGGERED, now);
        }
    }

    @Override
    protected void punctuate(final long streamTime) {
        updateEachOrg((org, h) -> {
            boolean changed = false;
            for (final AlertState a : h.alerts.values()) {
                if (a.isOpen() && streamTime - a.lastEmittedMs() >= evaluator.settings().rate().resolveWindow().toMillis()) {
                    final RateRegression.Evaluation recent = evaluator.recent(h, a, streamTime);
                    if (evaluator.rate().backToBaseline(recent)) {
                        emit(org, h, a, recent, AlertStatus.RESOLVED, streamTime);
                        changed = true;
                    }
                }
            }
            return changed;
        });
    }

    private void emit(final String org, final FailureHistory h, final AlertState a, final RateRegression.Evaluation e,
                      final AlertStatus status, final long now) {
        final RateComparison.Result r = e.result();
        final long minutes = Duration.ofMillis(e.currentToMs() - e.currentFromMs()).toMinutes();
        final String cause = a.hasRelease() ? "after deploy " + a.releaseId() : "without a deploy";
        final String summary = status == AlertStatus.RESOLVED
            ? String.format(Locale.ROOT, "Failures back to baseline %s (%d in the last %d min)", cause, r.current(), minutes)
            : String.format(Locale.ROOT, "Failures up %.1fx %s: %d in %d min vs %.2f/h before (p=%.2g)",
                r.rateRatio(), cause, r.current(), minutes, r.baselineRate(), r.pValue());
        emit(a, status, new AlertLifecycle.Draft(org, PostDeployFailureDetector.NAME, SUBJECT, SUBJECT, summary,
            r.rateRatio() >= 10 ? Severity.CRITICAL : Severity.ERROR, evaluator.evidence(e, h, a), e.currentFromMs(), e.currentToMs()),
            r.current(), now);
    }
}
