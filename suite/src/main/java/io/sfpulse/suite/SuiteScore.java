package io.sfpulse.suite;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Scores detections against the labels of {@link LabelledScenarios}: a TRIGGERED alert is a true
 * detection when its org had an injected regression, its detector is one that may rightly fire
 * on that regression, it fired between the regression start and 30 minutes after its end, and its
 * trigger label matches (a deploy, or "no-deploy"); every other TRIGGERED alert is a false alert.
 * Precision = true / all triggered; recall = regressions with a true detection / regressions;
 * time-to-detect = first true detection - regression start. Pure.
 */
public final class SuiteScore {

    private static final Duration LATE = Duration.ofMinutes(30);

    /** Per-kind figures. */
    public record KindScore(
            LabelledScenarios.Kind kind,
            int scenarios,
            int detected,
            int falseAlerts,
            int resolved,
            List<Duration> timesToDetect) {
        public Duration medianTimeToDetect() {
            return timesToDetect.isEmpty()
                    ? null
                    : timesToDetect.stream().sorted().toList().get(timesToDetect.size() / 2);
        }
    }

    private final Map<LabelledScenarios.Kind, KindScore> byKind;
    private final int truePositives;
    private final int triggered;
    private final List<Alert> falseAlerts;
    private final List<LabelledScenarios.Label> missed;

    private SuiteScore(
            final Map<LabelledScenarios.Kind, KindScore> byKind,
            final int truePositives,
            final int triggered,
            final List<Alert> falseAlerts,
            final List<LabelledScenarios.Label> missed) {
        this.byKind = byKind;
        this.truePositives = truePositives;
        this.triggered = triggered;
        this.falseAlerts = falseAlerts;
        this.missed = missed;
    }

    public static SuiteScore score(
            final List<LabelledScenarios.Label> labels, final List<Alert> alerts) {
        final Map<String, LabelledScenarios.Label> byOrg =
                labels.stream()
                        .collect(
                                Collectors.toMap(
                                        LabelledScenarios.Label::orgId, Function.identity()));
        final Set<String> resolvedKeys =
                alerts.stream()
                        .filter(a -> a.getStatus() == AlertStatus.RESOLVED)
                        .map(Alert::getDedupKey)
                        .collect(Collectors.toSet());
        final Map<String, Alert> firstTrue = new LinkedHashMap<>();
        final Map<String, Integer> falseByOrg = new LinkedHashMap<>();
        final List<Alert> falseAlerts = new ArrayList<>();
        int tp = 0;
        int triggered = 0;
        for (final Alert a : alerts) {
            if (a.getStatus() != AlertStatus.TRIGGERED) {
                continue;
            }
            triggered++;
            final LabelledScenarios.Label label = byOrg.get(a.getOrgId());
            if (label != null && isTrue(label, a)) {
                tp++;
                firstTrue.putIfAbsent(a.getOrgId(), a);
            } else {
                falseAlerts.add(a);
                falseByOrg.merge(a.getOrgId(), 1, Integer::sum);
            }
        }
        final Map<LabelledScenarios.Kind, KindScore> byKind =
                new EnumMap<>(LabelledScenarios.Kind.class);
        final List<LabelledScenarios.Label> missed =
                labels.stream()
                        .filter(l -> l.kind().regression() && !firstTrue.containsKey(l.orgId()))
                        .toList();
        for (final LabelledScenarios.Kind kind : LabelledScenarios.Kind.values()) {
            final List<LabelledScenarios.Label> of =
                    labels.stream().filter(l -> l.kind() == kind).toList();
            if (of.isEmpty()) {
                continue;
            }
            final List<Duration> ttd = new ArrayList<>();
            int resolved = 0;
            for (final LabelledScenarios.Label l : of) {
                final Alert first = firstTrue.get(l.orgId());
                if (first != null) {
                    ttd.add(Duration.between(l.changeAt(), first.getEventTime()));
                    resolved += resolvedKeys.contains(first.getDedupKey()) ? 1 : 0;
                }
            }
            final int falses =
                    of.stream().mapToInt(l -> falseByOrg.getOrDefault(l.orgId(), 0)).sum();
            byKind.put(kind, new KindScore(kind, of.size(), ttd.size(), falses, resolved, ttd));
        }
        return new SuiteScore(byKind, tp, triggered, falseAlerts, missed);
    }

    private static boolean isTrue(final LabelledScenarios.Label label, final Alert a) {
        final boolean inTime =
                !a.getEventTime().isBefore(label.changeAt())
                        && !a.getEventTime().isAfter(label.regressionEnd().plus(LATE));
        final String trigger = a.getEvidence().getOrDefault("trigger", "deploy");
        final boolean labelled =
                label.kind().deploys() ? "deploy".equals(trigger) : "no-deploy".equals(trigger);
        // A deploy's regression is only found when the alert names that deploy (not an earlier
        // failed one, say).
        final boolean release =
                label.deployId() == null || label.deployId().equals(a.getReleaseId());
        final boolean subject =
                label.kind().requiredSubject() == null
                        || label.kind().requiredSubject().equals(a.getSubject());
        return label.kind().detectors().contains(a.getDetector())
                && inTime
                && labelled
                && release
                && subject;
    }

    /** The regressions no true alert found. */
    public List<LabelledScenarios.Label> missed() {
        return missed;
    }

    public Map<LabelledScenarios.Kind, KindScore> byKind() {
        return byKind;
    }

    public double precision() {
        return triggered == 0 ? 1.0 : (double) truePositives / triggered;
    }

    public double recall() {
        final int regressions =
                byKind.values().stream()
                        .filter(k -> k.kind().regression())
                        .mapToInt(KindScore::scenarios)
                        .sum();
        final int detected =
                byKind.values().stream()
                        .filter(k -> k.kind().regression())
                        .mapToInt(KindScore::detected)
                        .sum();
        return regressions == 0 ? 1.0 : (double) detected / regressions;
    }

    public List<Alert> falseAlerts() {
        return falseAlerts;
    }

    /** Orgs with at least one false alert, over all orgs. */
    public int orgsWithFalseAlerts() {
        return (int) falseAlerts.stream().map(Alert::getOrgId).distinct().count();
    }

    /** A Markdown table and totals, as written to BENCHMARKS.md. */
    public String report() {
        final StringBuilder sb = new StringBuilder();
        sb.append(
                "| scenario | orgs | detected | median time-to-detect | resolved | false alerts |\n|---|---|---|---|---|---|\n");
        byKind.values()
                .forEach(
                        k ->
                                sb.append(
                                        String.format(
                                                Locale.ROOT,
                                                "| %s | %d | %s | %s | %s | %d |%n",
                                                k.kind(),
                                                k.scenarios(),
                                                k.kind().regression()
                                                        ? k.detected() + "/" + k.scenarios()
                                                        : "-",
                                                k.medianTimeToDetect() == null
                                                        ? "-"
                                                        : k.medianTimeToDetect().toMinutes()
                                                                + " min",
                                                k.kind().regression()
                                                        ? k.resolved() + "/" + k.detected()
                                                        : "-",
                                                k.falseAlerts())));
        final Set<String> falseDetectors = new HashSet<>();
        falseAlerts.forEach(
                a ->
                        falseDetectors.add(
                                a.getDetector()
                                        + " ("
                                        + a.getEvidence().getOrDefault("trigger", "deploy")
                                        + ")"));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%nprecision %.3f, recall %.3f, false alerts %d (from %s)%n",
                        precision(),
                        recall(),
                        falseAlerts.size(),
                        falseDetectors.isEmpty() ? "none" : String.join(", ", falseDetectors)));
        return sb.toString();
    }
}
