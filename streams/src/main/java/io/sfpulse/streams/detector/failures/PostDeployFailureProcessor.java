package io.sfpulse.streams.detector.failures;

import io.sfpulse.schemas.alert.Alert;
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
import io.sfpulse.streams.stats.RateComparison;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Keeps each org's {@link FailureHistory} and its executions per minute (a window store: API calls,
 * page views, Apex executions), asks the {@link PostDeployFailureEvaluator} after every failure
 * whether the live release raised the failure rate - org-wide and in the failure's component - and
 * drives the alert lifecycle: TRIGGERED once, UPDATED when the count doubled (after a cooldown),
 * RESOLVED when a stream-time punctuation finds the recent rate back to baseline, and a new
 * episode when the rate rises again after the resolution within the release's window. A component
 * alert ("failures in Class.X") is raised while no org-wide alert of the release is open. Event time only.
 */
final class PostDeployFailureProcessor extends DetectorProcessor<FailureHistory> {

    private static final String SUBJECT = "failures";
    private static final String COMPONENT = "|component|";
    private final PostDeployFailureEvaluator evaluator;
    private ExecutionCounts executions;

    PostDeployFailureProcessor(final PostDeployFailureEvaluator evaluator) {
        super(PostDeployFailureDetector.NAME);
        this.evaluator = evaluator;
    }

    @Override
    protected void connectStores(final ProcessorContext<String, Alert> ctx) {
        executions = new ExecutionCounts(ctx.getStateStore(PostDeployFailureDetector.EXECUTIONS_STORE));
    }

    @Override
    protected boolean handledAside(final String org, final Signal s, final long t) {
        if (!Executions.isExecution(s)) {
            return false;
        }
        executions.count(org, t);
        return true;
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
            // One incident per cause: a component alert while the release's org-wide alert was never raised, and no
            // org-wide trigger while a component alert of the release is open (it explains the rise).
            final AlertState orgWide = h.alerts.computeIfAbsent(s.getReleaseId(), id -> AlertState.forRelease(s));
            final String prefix = s.getReleaseId() + COMPONENT;
            final boolean componentOpen = h.alerts.entrySet().stream().anyMatch(en -> en.getKey().startsWith(prefix) && en.getValue().isOpen());
            if (!orgWide.isPending() || !componentOpen) {
                onFailure(org, h, orgWide, null, t);
            }
            final String component = FailureHistory.componentOf(s.getLocation());
            if (component != null && orgWide.isPending() && orgWide.episode() == 1) {
                onFailure(org, h, h.alerts.computeIfAbsent(prefix + component, id -> AlertState.forRelease(s)), component, t);
            }
        }
        if (!released || !evaluator.rate().inWindow(s.getReleaseCompletedTime().toEpochMilli(), t)) {
            onFailureWithoutDeploy(org, h, t);
        }
    }

    @Override
    protected void prune(final FailureHistory h, final long t) {
        final RateRegression.Parameters p = evaluator.settings().rate();
        h.prune(t - p.baseline().toMillis() - p.window().toMillis() - Duration.ofHours(1).toMillis());
        h.alerts.values().removeIf(a -> evaluator.rate().expired(a, t));
    }


    private PostDeployFailureEvaluator.Finding assess(final String org, final FailureHistory h, final AlertState a, final String component,
                                                      final RateRegression.Evaluation windows) {
        final MinuteCounts series = series(h, component);
        final int tests = component == null ? 1 : Math.max(1, h.failuresByComponent.size());
        return evaluator.assess(windows, series, () -> executions.between(org, windows.baselineFromMs(), windows.currentToMs()), a, tests, h);
    }

    private MinuteCounts series(final FailureHistory h, final String component) {
        return component == null ? h.failures : h.componentFailures(component);
    }

    private void onFailure(final String org, final FailureHistory h, final AlertState a, final String component, final long now) {
        final boolean open = a.isOpen();
        if (!open && !evaluator.rate().inWindow(a.releaseCompletedMs(), now)) {
            return;
        }
        final MinuteCounts series = series(h, component);
        if (a.isResolved()) {
            // Resolved, still in the release's window: has the rate risen again since the resolution? Then a new episode.
            if (a.hasRelease() && now - a.lastEmittedMs() >= evaluator.settings().cooldown().toMillis()) {
                final PostDeployFailureEvaluator.Finding again = assess(org, h, a, component,
                    evaluator.rate().sinceRelease(series, a.releaseCompletedMs(), a.lastEmittedMs(), now));
                if (again.verdict() == RateComparison.Verdict.INCREASE) {
                    AlertLifecycle.reopen(a, org, PostDeployFailureDetector.NAME, subjectKey(component));
                    emit(org, a, component, again, AlertStatus.TRIGGERED, now);
                }
            }
            return;
        }
        final PostDeployFailureEvaluator.Finding f = assess(org, h, a, component,
            evaluator.rate().sinceRelease(series, a.releaseCompletedMs(), a.episodeStartMs(), now));
        if (a.isPending() && f.verdict() == RateComparison.Verdict.INCREASE) {
            emit(org, a, component, f, AlertStatus.TRIGGERED, now);
        } else if (open && f.current() >= 2 * a.lastReportedCount() && now - a.lastEmittedMs() >= evaluator.settings().cooldown().toMillis()) {
            emit(org, a, component, f, AlertStatus.UPDATED, now);
        }
    }

    /**
     * No release in its window: is the recent failure rate up against the span before it? One
     * episode at a time per org, not while a post-deploy alert is open (that one explains the rise).
     */
    private void onFailureWithoutDeploy(final String org, final FailureHistory h, final long now) {
        final AlertState episode = h.alerts.get(AlertLifecycle.NO_DEPLOY);
        if (AlertState.openAlert(episode)) {
            onFailure(org, h, episode, null, now);
            return;
        }
        final long noDeployWindow = evaluator.settings().rate().noDeployWindow().toMillis();
        // Nor while the rolling window still holds the tail of a release's regression that alerted (resolved less than a
        // window ago): the release explains it.
        if (noDeployWindow == 0 || !AlertLifecycle.mayStartEpisode(episode, now, evaluator.settings().cooldown().toMillis())
            || h.alerts.values().stream().anyMatch(a -> a.isOpen() || a.hasRelease() && a.isResolved() && now - a.lastEmittedMs() < noDeployWindow)) {
            return;
        }
        final RateRegression.Evaluation windows = evaluator.rate().rolling(h.failures, now);
        final AlertState a = AlertState.noDeploy(windows.currentFromMs());
        final PostDeployFailureEvaluator.Finding f = assess(org, h, a, null, windows);
        if (f.verdict() == RateComparison.Verdict.INCREASE) {
            h.alerts.put(AlertLifecycle.NO_DEPLOY, a);
            emit(org, a, null, f, AlertStatus.TRIGGERED, now);
        }
    }

    @Override
    protected void punctuate(final long streamTime) {
        final RateRegression.Parameters p = evaluator.settings().rate();
        final long horizon = streamTime - p.baseline().toMillis() - p.window().toMillis() - Duration.ofHours(1).toMillis()
            - 2 * p.noDeployWindow().toMillis();
        updateEachOrg((org, h) -> {
            executions.prune(org, horizon);
            boolean changed = false;
            for (final Map.Entry<String, AlertState> en : h.alerts.entrySet()) {
                final AlertState a = en.getValue();
                if (a.isOpen() && streamTime - a.lastEmittedMs() >= evaluator.settings().rate().resolveWindow().toMillis()) {
                    final String component = componentOfKey(en.getKey());
                    final PostDeployFailureEvaluator.Finding recent = assess(org, h, a, component,
                        evaluator.rate().recent(series(h, component), a.releaseCompletedMs(), streamTime));
                    if (evaluator.rate().backToBaseline(recent.pValue())) {
                        emit(org, a, component, recent, AlertStatus.RESOLVED, streamTime);
                        changed = true;
                    }
                }
            }
            return changed;
        });
    }

    private static String componentOfKey(final String alertKey) {
        final int i = alertKey.indexOf(COMPONENT);
        return i < 0 ? null : alertKey.substring(i + COMPONENT.length());
    }

    private static String subjectKey(final String component) {
        return component == null ? SUBJECT : "component-" + SubjectKeys.hash(component);
    }

    private void emit(final String org, final AlertState a, final String component, final PostDeployFailureEvaluator.Finding f,
                      final AlertStatus status, final long now) {
        final String what = component == null ? "Failures" : "Failures in " + component;
        final String cause = a.hasRelease() ? "after deploy " + a.releaseId() : "without a deploy";
        final long minutes = Duration.ofMillis(f.windows().currentToMs() - f.windows().currentFromMs()).toMinutes();
        final String summary = status == AlertStatus.RESOLVED
            ? String.format(Locale.ROOT, "%s back to baseline %s (%d in the last %d min)", what, cause, f.current(), minutes)
            : String.format(Locale.ROOT, "%s up %.1fx %s: %s", what, f.ratio(), cause, f.facts());
        final Map<String, String> evidence = f.evidence().get();
        if (component != null) {
            evidence.put("component", component);
            final String suspects = String.join(", ", PostDeployFailureEvaluator.suspectsFor(a, component));
            if (!suspects.isEmpty()) {
                evidence.put("suspectComponents", suspects);
            }
        }
        emit(a, status, new AlertLifecycle.Draft(org, PostDeployFailureDetector.NAME, subjectKey(component),
            component == null ? SUBJECT : "failures in " + component, summary, f.ratio() >= 10 ? Severity.CRITICAL : Severity.ERROR, evidence,
            f.windows().currentFromMs(), f.windows().currentToMs()), f.current(), now);
    }
}
