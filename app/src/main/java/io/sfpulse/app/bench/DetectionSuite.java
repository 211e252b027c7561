package io.sfpulse.app.bench;

import io.sfpulse.app.backtest.TopologyReplay;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.verdict.ReleaseVerdict;
import io.sfpulse.suite.LabelledScenarios;
import io.sfpulse.suite.SuiteScore;
import io.sfpulse.suite.VerdictScore;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code sfpulse bench detection}: the labelled scenario suite. Generates {@code perKind} orgs of
 * every {@link LabelledScenarios.Kind} (clean deploys, post-deploy failure/latency/data
 * regressions, regressions without a deploy), replays their interleaved traffic through the
 * detection topology with default settings, and scores the alerts against the labels: precision,
 * recall, false alerts, time-to-detect and resolution per scenario kind; and the release verdicts
 * against the labels (faulty releases FAULTY, clean ones HEALTHY or INCONCLUSIVE).
 */
public final class DetectionSuite {

    public static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");
    private final PrintStream out;

    public DetectionSuite(final PrintStream out) {
        this.out = out;
    }

    /** The suite's two scores, alerts and release verdicts, and every alert state the labelled orgs raised. */
    public record Result(SuiteScore alerts, VerdictScore verdicts, List<Alert> raised) {}

    /** Runs the suite and returns its scores. */
    public Result run(final int perKind, final long seed, final Map<String, String> settings) {
        final List<LabelledScenarios.Scenario> scenarios =
                LabelledScenarios.suite(perKind, T0, seed);
        final List<LabelledScenarios.Input> inputs = LabelledScenarios.merged(scenarios);
        final List<Alert> alerts = new ArrayList<>();
        final List<ReleaseVerdict> verdicts = new ArrayList<>();
        final long started = System.nanoTime();
        try (TopologyReplay replay = new TopologyReplay(settings)) {
            for (final LabelledScenarios.Input in : inputs) {
                if (in.marker() != null) {
                    replay.marker(in.marker());
                } else if (in.progress() != null) {
                    replay.progress(in.progress());
                } else {
                    replay.event(in.event());
                }
                if (replay.events() % 10_000 == 0) {
                    alerts.addAll(replay.alerts());
                    verdicts.addAll(replay.verdicts());
                }
            }
            // An hour of heartbeats after the end lets grace periods and stream-time resolutions
            // run.
            final LabelledScenarios.Scenario tail =
                    LabelledScenarios.generate(
                            LabelledScenarios.Kind.CLEAN_DEPLOY,
                            LabelledScenarios.orgId(999_999),
                            T0.plus(LabelledScenarios.TOTAL).minus(LabelledScenarios.BASELINE),
                            seed);
            tail.inputs().stream()
                    .filter(i -> i.event() != null && i.time().isAfter(replay.streamTime()))
                    .forEach(i -> replay.event(i.event()));
            alerts.addAll(replay.alerts());
            verdicts.addAll(replay.verdicts());
            final double seconds = (System.nanoTime() - started) / 1e9;
            out.printf(
                    "[bench] detection suite: %d orgs (%d per kind, seed %d), %d events in %.1f s (%.0f events/s in-process)%n",
                    scenarios.size(),
                    perKind,
                    seed,
                    replay.events(),
                    seconds,
                    replay.events() / seconds);
        }
        final List<Alert> raised =
                alerts.stream()
                        .filter(a -> !a.getOrgId().equals(LabelledScenarios.orgId(999_999)))
                        .toList();
        final SuiteScore score =
                SuiteScore.score(
                        scenarios.stream().map(LabelledScenarios.Scenario::label).toList(), raised);
        out.print(score.report());
        // A few false alerts of each kind that has any, so every cause shows.
        final Map<String, LabelledScenarios.Kind> kindOf = new java.util.HashMap<>();
        scenarios.forEach(sc -> kindOf.put(sc.label().orgId(), sc.label().kind()));
        score.falseAlerts().stream()
                .collect(
                        java.util.stream.Collectors.groupingBy(
                                a -> String.valueOf(kindOf.get(a.getOrgId())),
                                java.util.TreeMap::new,
                                java.util.stream.Collectors.toList()))
                .forEach(
                        (kind, falses) ->
                                falses.stream()
                                        .limit(3)
                                        .forEach(
                                                a ->
                                                        out.printf(
                                                                "  false alert (%s): %s %s %s%n",
                                                                kind,
                                                                a.getOrgId(),
                                                                a.getDetector(),
                                                                a.getSummary())));
        // Every missed regression, with what its org did raise, so each cause shows.
        score.missed()
                .forEach(
                        l -> {
                            out.printf("  missed (%s): %s%n", l.kind(), l.orgId());
                            alerts.stream()
                                    .filter(a -> a.getOrgId().equals(l.orgId()))
                                    .limit(5)
                                    .forEach(
                                            a ->
                                                    out.printf(
                                                            "    raised %s %s %s %s at %s%n",
                                                            a.getStatus(),
                                                            a.getDetector(),
                                                            a.getSubject(),
                                                            a.getEvidence()
                                                                    .getOrDefault(
                                                                            "trigger", "deploy"),
                                                            a.getEventTime()));
                        });
        final VerdictScore verdictScore =
                VerdictScore.score(
                        scenarios.stream().map(LabelledScenarios.Scenario::label).toList(),
                        verdicts);
        out.println();
        out.print(verdictScore.report());
        return new Result(score, verdictScore, raised);
    }
}
