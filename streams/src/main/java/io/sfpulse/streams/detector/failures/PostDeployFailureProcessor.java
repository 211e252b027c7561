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
 * Keeps each org's {@link FailureHistory}, each component's {@link ComponentFailures} (own key) and
 * the org's executions per minute ({@link ExecutionCounts}: API calls, page views, Apex
 * executions), asks the {@link PostDeployFailureEvaluator} after every failure
 * whether the live release raised the failure rate - org-wide and in the failure's component - and
 * drives the alert lifecycle: TRIGGERED once, UPDATED when the count doubled (after a cooldown),
 * RESOLVED when a stream-time punctuation finds the recent rate back to baseline, and a new
 * episode when the rate rises again after the resolution within the release's window. A component
 * alert ("failures in Class.X") is raised while no org-wide alert of the release is open. Event time only.
 */
final class PostDeployFailureProcessor extends DetectorProcessor<FailureHistory> {

    private static final String SUBJECT = "failures";
    private final PostDeployFailureEvaluator evaluator;
    private ExecutionCounts executions;
    private ComponentFailureStore components;

    PostDeployFailureProcessor(final PostDeployFailureEvaluator evaluator) {
        super(PostDeployFailureDetector.NAME);
        this.evaluator = evaluator;
    }

    @Override
    protected void connectStores(final ProcessorContext<String, Alert> ctx) {
        executions =
                new ExecutionCounts(ctx.getStateStore(PostDeployFailureDetector.EXECUTIONS_STORE));
        components =
                new ComponentFailureStore(
                        ctx.getStateStore(PostDeployFailureDetector.COMPONENTS_STORE));
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
    protected void analyse(final String org, final Signal s, final long t, final FailureHistory h) {
        final long observedSince = observedSinceMs(org);
        h.failures.observe(observedSince);
        h.addFailure(t, s.getReleaseId(), s.getSignature(), s.getLocation());
        final String component = FailureHistory.componentOf(s.getLocation());
        final String componentKey = component == null ? null : seriesKey(org, component);
        final ComponentFailures c = component == null ? null : components.load(componentKey);
        if (c != null) {
            c.failures.observe(observedSince);
            c.failures.add(t, 1);
        }
        final boolean released = s.getReleaseId() != null && s.getReleaseCompletedTime() != null;
        if (released) {
            // One incident per cause: a component alert while the release's org-wide alert was
            // never raised, and no
            // org-wide trigger while a component alert of the release is open (it explains the
            // rise).
            final AlertState orgWide =
                    h.alerts.computeIfAbsent(s.getReleaseId(), id -> AlertState.forRelease(s));
            if (!orgWide.isPending() || !h.anyComponentAlertOpen(s.getReleaseId())) {
                onFailure(org, h, orgWide, null, h.failures, t);
            }
            if (c != null && orgWide.isPending() && orgWide.episode() == 1) {
                final AlertState ca =
                        c.alerts.computeIfAbsent(s.getReleaseId(), id -> AlertState.forRelease(s));
                onFailure(org, h, ca, component, c.failures, t);
                h.componentAlert(s.getReleaseId(), component, ca.isOpen());
            }
        }
        if (!released
                || !evaluator.rate().inWindow(s.getReleaseCompletedTime().toEpochMilli(), t)) {
            onFailureWithoutDeploy(
                    org,
                    h,
                    t,
                    released ? s.getReleaseCompletedTime().toEpochMilli() : Long.MIN_VALUE);
        }
        if (c != null) {
            pruneComponent(c, t);
            components.save(componentKey, c);
        }
    }

    private long horizonMs(final long t) {
        final RateRegression.Parameters p = evaluator.settings().rate();
        return t - p.baseline().toMillis() - p.window().toMillis() - Duration.ofHours(1).toMillis();
    }

    @Override
    protected void prune(final FailureHistory h, final long t) {
        h.alerts.values().removeIf(a -> evaluator.rate().expired(a, t));
        h.prune(horizonMs(t));
    }

    private void pruneComponent(final ComponentFailures c, final long t) {
        c.failures.prune(horizonMs(t));
        c.alerts.values().removeIf(a -> evaluator.rate().expired(a, t));
    }

    private PostDeployFailureEvaluator.Finding assess(
            final String org,
            final FailureHistory h,
            final AlertState a,
            final String component,
            final MinuteCounts series,
            final RateRegression.Evaluation windows) {
        final int tests = component == null ? 1 : h.componentTests();
        return evaluator.assess(
                windows,
                series,
                () -> executions.between(org, windows.baselineFromMs(), windows.currentToMs()),
                a,
                tests,
                h);
    }

    private void onFailure(
            final String org,
            final FailureHistory h,
            final AlertState a,
            final String component,
            final MinuteCounts series,
            final long now) {
        final boolean open = a.isOpen();
        if (!open && !evaluator.rate().inWindow(a.releaseCompletedMs(), now)) {
            return;
        }
        if (a.isResolved()) {
            // Resolved, still in the release's window: has the rate risen again since the
            // resolution? Then a new episode.
            if (a.hasRelease()
                    && now - a.lastEmittedMs() >= evaluator.settings().cooldown().toMillis()) {
                final PostDeployFailureEvaluator.Finding again =
                        assess(
                                org,
                                h,
                                a,
                                component,
                                series,
                                evaluator
                                        .rate()
                                        .sinceRelease(
                                                series,
                                                a.releaseCompletedMs(),
                                                a.lastEmittedMs(),
                                                now));
                if (again.verdict() == RateComparison.Verdict.INCREASE) {
                    AlertLifecycle.reopen(
                            a, org, PostDeployFailureDetector.NAME, subjectKey(component));
                    emit(org, a, component, again, AlertStatus.TRIGGERED, now);
                }
            }
            return;
        }
        final PostDeployFailureEvaluator.Finding f =
                assess(
                        org,
                        h,
                        a,
                        component,
                        series,
                        evaluator
                                .rate()
                                .sinceRelease(
                                        series, a.releaseCompletedMs(), a.episodeStartMs(), now));
        if (a.isPending() && f.verdict() == RateComparison.Verdict.INCREASE) {
            emit(org, a, component, f, AlertStatus.TRIGGERED, now);
        } else if (open
                && f.current() >= 2 * a.lastReportedCount()
                && now - a.lastEmittedMs() >= evaluator.settings().cooldown().toMillis()) {
            emit(org, a, component, f, AlertStatus.UPDATED, now);
        }
    }

    /**
     * No release in its window: is the recent failure rate up against the span before it? One
     * episode at a time per org, not while a post-deploy alert is open (that one explains the rise).
     */
    private void onFailureWithoutDeploy(
            final String org, final FailureHistory h, final long now, final long releaseMs) {
        final AlertState episode = h.alerts.get(AlertLifecycle.NO_DEPLOY);
        if (AlertState.openAlert(episode)) {
            onFailure(org, h, episode, null, h.failures, now);
            return;
        }
        final long noDeployWindow = evaluator.settings().rate().noDeployWindow().toMillis();
        // Nor while the rolling window still holds the tail of a release's regression that alerted
        // (resolved less than a
        // window ago): the release explains it.
        if (noDeployWindow == 0
                || !AlertLifecycle.mayStartEpisode(
                        episode, now, evaluator.settings().cooldown().toMillis())
                || !h.openComponentAlerts.isEmpty()
                || h.alerts.values().stream()
                        .anyMatch(
                                a ->
                                        a.isOpen()
                                                || a.hasRelease()
                                                        && a.isResolved()
                                                        && now - a.lastEmittedMs()
                                                                < noDeployWindow)) {
            return;
        }
        final RateRegression.Evaluation windows =
                evaluator.rate().rolling(h.failures, now, releaseMs);
        final AlertState a = AlertState.noDeploy(windows.currentFromMs());
        final PostDeployFailureEvaluator.Finding f = assess(org, h, a, null, h.failures, windows);
        if (f.verdict() == RateComparison.Verdict.INCREASE) {
            h.alerts.put(AlertLifecycle.NO_DEPLOY, a);
            emit(org, a, null, f, AlertStatus.TRIGGERED, now);
        }
    }

    @Override
    protected void punctuate(final long streamTime) {
        final RateRegression.Parameters p = evaluator.settings().rate();
        final long executionsHorizon = horizonMs(streamTime) - 2 * p.noDeployWindow().toMillis();
        updateEachState(
                (org, h) -> {
                    executions.prune(org, executionsHorizon);
                    boolean changed = false;
                    for (final AlertState a : h.alerts.values()) {
                        if (resolves(org, h, a, null, h.failures, streamTime)) {
                            changed = true;
                        }
                    }
                    return changed;
                });
        components.updateEach(
                (key, c) -> {
                    final boolean open = c.alerts.values().stream().anyMatch(AlertState::isOpen);
                    if (!open) {
                        return false;
                    }
                    final String org = orgOf(key);
                    final String component = seriesOf(key);
                    final FailureHistory h = load(org);
                    boolean changed = false;
                    for (final Map.Entry<String, AlertState> en : c.alerts.entrySet()) {
                        if (resolves(org, h, en.getValue(), component, c.failures, streamTime)) {
                            h.componentAlert(en.getKey(), component, false);
                            changed = true;
                        }
                    }
                    if (changed) {
                        save(org, h);
                    }
                    return changed;
                });
    }

    /** Resolves an open alert whose recent rate is back to baseline (a resolve window after its last state), reporting whether it did. */
    private boolean resolves(
            final String org,
            final FailureHistory h,
            final AlertState a,
            final String component,
            final MinuteCounts series,
            final long streamTime) {
        if (!a.isOpen()
                || streamTime - a.lastEmittedMs()
                        < evaluator.settings().rate().resolveWindow().toMillis()) {
            return false;
        }
        final PostDeployFailureEvaluator.Finding recent =
                assess(
                        org,
                        h,
                        a,
                        component,
                        series,
                        evaluator.rate().recent(series, a.releaseCompletedMs(), streamTime));
        if (!evaluator.rate().backToBaseline(recent.pValue())) {
            return false;
        }
        emit(org, a, component, recent, AlertStatus.RESOLVED, streamTime);
        return true;
    }

    private static String subjectKey(final String component) {
        return component == null ? SUBJECT : "component-" + SubjectKeys.hash(component);
    }

    private void emit(
            final String org,
            final AlertState a,
            final String component,
            final PostDeployFailureEvaluator.Finding f,
            final AlertStatus status,
            final long now) {
        final String what = component == null ? "Failures" : "Failures in " + component;
        final String cause = a.hasRelease() ? "after deploy " + a.releaseId() : "without a deploy";
        final long minutes =
                Duration.ofMillis(f.windows().currentToMs() - f.windows().currentFromMs())
                        .toMinutes();
        final String summary =
                status == AlertStatus.RESOLVED
                        ? String.format(
                                Locale.ROOT,
                                "%s back to baseline %s (%d in the last %d min)",
                                what,
                                cause,
                                f.current(),
                                minutes)
                        : String.format(
                                Locale.ROOT,
                                "%s up %.1fx %s: %s",
                                what,
                                f.ratio(),
                                cause,
                                f.facts());
        final Map<String, String> evidence = f.evidence().get();
        if (component != null) {
            evidence.put("component", component);
            final String suspects =
                    String.join(", ", PostDeployFailureEvaluator.suspectsFor(a, component));
            if (!suspects.isEmpty()) {
                evidence.put("suspectComponents", suspects);
            }
        }
        emit(
                a,
                status,
                new AlertLifecycle.Draft(
                        org,
                        PostDeployFailureDetector.NAME,
                        subjectKey(component),
                        component == null ? SUBJECT : "failures in " + component,
                        summary,
                        f.ratio() >= 10 ? Severity.CRITICAL : Severity.ERROR,
                        evidence,
                        f.windows().currentFromMs(),
                        f.windows().currentToMs()),
                f.current(),
                now);
    }
}
