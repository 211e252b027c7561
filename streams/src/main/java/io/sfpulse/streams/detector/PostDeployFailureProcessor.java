package io.sfpulse.streams.detector;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.stats.RateComparison;
import java.time.Duration;
import java.util.Locale;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Keeps each org's {@link FailureHistory} in a state store, asks the
 * {@link PostDeployFailureEvaluator} after every failure whether the live release raised the
 * failure rate, and drives the alert lifecycle: TRIGGERED once, UPDATED when the count doubled
 * (after a cooldown), RESOLVED when a stream-time punctuation finds the recent rate back to
 * baseline. Event time only: the punctuation runs on stream time.
 */
public final class PostDeployFailureProcessor extends DetectorProcessor<FailureHistory> {

    public static final String NAME = "post-deploy-failures";
    public static final String STORE = NAME + "-store";

    private final PostDeployFailureEvaluator evaluator;
    private final ObservedSince observed = new ObservedSince();

    public PostDeployFailureProcessor(final PostDeployFailureEvaluator evaluator) {
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
        if (s.getKind() != SignalKind.FAILURE && observed.alreadyPersisted(record.key(), t)) {
            return; // nothing to record: the org is already known to be observed since at most t
        }
        final FailureHistory h = load(record.key());
        if (s.getKind() == SignalKind.FAILURE) {
            h.addFailure(t, s.getReleaseId(), s.getSignature(), s.getLocation());
            final boolean inWindow = s.getReleaseId() != null && s.getReleaseCompletedTime() != null
                && t - s.getReleaseCompletedTime().toEpochMilli() <= evaluator.settings().window().toMillis();
            if (s.getReleaseId() != null && s.getReleaseCompletedTime() != null) {
                final FailureHistory.AlertState alert = h.alerts.computeIfAbsent(s.getReleaseId(), id -> newAlert(s));
                onFailure(record.key(), h, alert, t);
            }
            if (!inWindow) {
                onFailureWithoutDeploy(record.key(), h, t);
            }
        } else {
            h.observe(t);
        }
        final PostDeployFailureSettings cfg = evaluator.settings();
        h.prune(t - cfg.baseline().toMillis() - cfg.window().toMillis() - Duration.ofHours(1).toMillis());
        h.alerts.values().removeIf(a -> a.status == null && t - a.releaseCompletedMs > cfg.window().toMillis()
            || "RESOLVED".equals(a.status) && t - a.lastEmittedMs > cfg.window().toMillis() + cfg.baseline().toMillis());
        store.put(record.key(), h);
        observed.persisted(record.key(), h.firstObservedMinute * 60_000);
    }

    private FailureHistory load(final String org) {
        final FailureHistory h = store.get(org);
        return h != null ? h : new FailureHistory();
    }

    private static FailureHistory.AlertState newAlert(final Signal s) {
        final FailureHistory.AlertState a = new FailureHistory.AlertState();
        a.releaseId = s.getReleaseId();
        a.releaseCompletedMs = s.getReleaseCompletedTime().toEpochMilli();
        a.components = new java.util.ArrayList<>(s.getReleaseComponents());
        return a;
    }

    private void onFailure(final String org, final FailureHistory h, final FailureHistory.AlertState a, final long now) {
        final PostDeployFailureSettings cfg = evaluator.settings();
        final boolean open = AlertLifecycle.isOpen(a);
        if (!open && now - a.releaseCompletedMs > cfg.window().toMillis()) {
            return;
        }
        final PostDeployFailureEvaluator.Evaluation e = evaluator.sinceDeploy(h, a.releaseCompletedMs, now);
        if (a.status == null && e.result().verdict() == RateComparison.Verdict.INCREASE) {
            emit(org, h, a, e, AlertStatus.TRIGGERED, now);
        } else if (open && e.result().current() >= 2 * a.lastReportedCount && now - a.lastEmittedMs >= cfg.cooldown().toMillis()) {
            emit(org, h, a, e, AlertStatus.UPDATED, now);
        }
    }

    /**
     * No release in its window: is the recent failure rate up against the span before it? One
     * episode at a time per org, not while a post-deploy alert is open (that one explains the rise).
     */
    private void onFailureWithoutDeploy(final String org, final FailureHistory h, final long now) {
        final PostDeployFailureSettings cfg = evaluator.settings();
        final FailureHistory.AlertState episode = h.alerts.get(AlertLifecycle.NO_DEPLOY);
        if (AlertLifecycle.isOpen(episode)) {
            onFailure(org, h, episode, now);
            return;
        }
        if (cfg.noDeployWindow().isZero() || !AlertLifecycle.mayStartEpisode(episode, now, cfg.cooldown().toMillis())
            || h.alerts.values().stream().anyMatch(AlertLifecycle::isOpen)) {
            return;
        }
        final PostDeployFailureEvaluator.Evaluation e = evaluator.rolling(h, now);
        if (e.result().verdict() == RateComparison.Verdict.INCREASE) {
            final FailureHistory.AlertState a = AlertLifecycle.noDeploy(e.currentFromMs());
            h.alerts.put(AlertLifecycle.NO_DEPLOY, a);
            emit(org, h, a, e, AlertStatus.TRIGGERED, now);
        }
    }

    @Override
    protected void punctuate(final long streamTime) {
        updateEachOrg((org, h) -> {
            boolean changed = false;
            for (final FailureHistory.AlertState a : h.alerts.values()) {
                if (AlertLifecycle.isOpen(a) && streamTime - a.lastEmittedMs >= evaluator.settings().resolveWindow().toMillis()) {
                    final PostDeployFailureEvaluator.Evaluation recent = evaluator.recent(h, a.releaseCompletedMs, streamTime);
                    // Back to baseline: the recent rate is no longer significantly above it (not merely too few to call).
                    if (recent.result().pValue() >= evaluator.settings().alpha()) {
                        emit(org, h, a, recent, AlertStatus.RESOLVED, streamTime);
                        changed = true;
                    }
                }
            }
            return changed;
        });
    }

    private void emit(final String org, final FailureHistory h, final FailureHistory.AlertState a,
                      final PostDeployFailureEvaluator.Evaluation e, final AlertStatus status, final long now) {
        final RateComparison.Result r = e.result();
        final long minutes = Duration.ofMillis(e.currentToMs() - e.currentFromMs()).toMinutes();
        final String cause = a.releaseId != null ? "after deploy " + a.releaseId : "without a deploy";
        final String summary = status == AlertStatus.RESOLVED
            ? String.format(Locale.ROOT, "Failures back to baseline %s (%d in the last %d min)", cause, r.current(), minutes)
            : String.format(Locale.ROOT, "Failures up %.1fx %s: %d in %d min vs %.2f/h before (p=%.2g)",
                r.rateRatio(), cause, r.current(), minutes, r.baselineRate(), r.pValue());
        final Alert alert = AlertLifecycle.next(a, status, new AlertLifecycle.Draft(org, NAME, "failures", "failures", summary,
            r.rateRatio() >= 10 ? Severity.CRITICAL : Severity.ERROR, evaluator.evidence(e, h, a), e.currentFromMs(), e.currentToMs()),
            r.current(), now);
        forward(alert);
    }
}
