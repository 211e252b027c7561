package io.sfpulse.suite;

import io.sfpulse.schemas.verdict.ReleaseVerdict;
import io.sfpulse.schemas.verdict.VerdictStatus;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores release verdicts against the labels of {@link LabelledScenarios}: a release with an
 * injected regression must end FAULTY; a clean release (a clean deploy, a traffic ramp, a planned
 * drop, an intended change, a release nobody exercised) HEALTHY or INCONCLUSIVE, never FAULTY. The
 * verdict scored is each labelled release's final one (its last, when none is final). Scenarios
 * without a deploy have no release and are not scored. Pure.
 */
public final class VerdictScore {

    /** Per-kind figures: final verdicts by status, and how many were right. */
    public record KindVerdicts(
            LabelledScenarios.Kind kind,
            int releases,
            Map<VerdictStatus, Integer> byStatus,
            int notFinal,
            int correct) {}

    private final Map<LabelledScenarios.Kind, KindVerdicts> byKind;

    private VerdictScore(final Map<LabelledScenarios.Kind, KindVerdicts> byKind) {
        this.byKind = byKind;
    }

    public static VerdictScore score(
            final List<LabelledScenarios.Label> labels, final List<ReleaseVerdict> verdicts) {
        final Map<String, ReleaseVerdict> latest = new HashMap<>();
        for (final ReleaseVerdict v : verdicts) {
            final String key = v.getOrgId() + "|" + v.getReleaseId();
            final ReleaseVerdict known = latest.get(key);
            if (known == null || !known.getIsFinal()) {
                latest.put(key, v);
            }
        }
        final Map<LabelledScenarios.Kind, KindVerdicts> byKind =
                new EnumMap<>(LabelledScenarios.Kind.class);
        for (final LabelledScenarios.Kind kind : LabelledScenarios.Kind.values()) {
            final List<LabelledScenarios.Label> of =
                    labels.stream().filter(l -> l.kind() == kind && l.deployId() != null).toList();
            if (of.isEmpty()) {
                continue;
            }
            final Map<VerdictStatus, Integer> counts = new EnumMap<>(VerdictStatus.class);
            int notFinal = 0;
            int correct = 0;
            for (final LabelledScenarios.Label l : of) {
                final ReleaseVerdict v = latest.get(l.orgId() + "|" + l.deployId());
                final VerdictStatus status = v == null ? VerdictStatus.PENDING : v.getStatus();
                counts.merge(status, 1, Integer::sum);
                notFinal += v == null || !v.getIsFinal() ? 1 : 0;
                correct += right(kind, status) ? 1 : 0;
            }
            byKind.put(kind, new KindVerdicts(kind, of.size(), counts, notFinal, correct));
        }
        return new VerdictScore(byKind);
    }

    /** Whether {@code status} is the right final verdict for a release of {@code kind}. */
    public static boolean right(final LabelledScenarios.Kind kind, final VerdictStatus status) {
        return kind.regression()
                ? status == VerdictStatus.FAULTY
                : status == VerdictStatus.HEALTHY || status == VerdictStatus.INCONCLUSIVE;
    }

    public Map<LabelledScenarios.Kind, KindVerdicts> byKind() {
        return byKind;
    }

    /** Clean releases judged FAULTY (what a gate would wrongly block). */
    public int cleanReleasesFaulty() {
        return byKind.values().stream()
                .filter(k -> !k.kind().regression())
                .mapToInt(k -> k.byStatus().getOrDefault(VerdictStatus.FAULTY, 0))
                .sum();
    }

    /** Right verdicts over all labelled releases. */
    public double accuracy() {
        final int all = byKind.values().stream().mapToInt(KindVerdicts::releases).sum();
        return all == 0
                ? 1.0
                : (double) byKind.values().stream().mapToInt(KindVerdicts::correct).sum() / all;
    }

    /** A Markdown table and totals, as written to BENCHMARKS.md. */
    public String report() {
        final StringBuilder sb =
                new StringBuilder(
                        "| scenario | releases | expected | FAULTY | HEALTHY | INCONCLUSIVE | not final | right |\n"
                                + "|---|---|---|---|---|---|---|---|\n");
        byKind.values()
                .forEach(
                        k ->
                                sb.append(
                                        String.format(
                                                Locale.ROOT,
                                                "| %s | %d | %s | %d | %d | %d | %d | %d/%d |%n",
                                                k.kind(),
                                                k.releases(),
                                                k.kind().regression()
                                                        ? "FAULTY"
                                                        : "HEALTHY or INCONCLUSIVE",
                                                k.byStatus().getOrDefault(VerdictStatus.FAULTY, 0),
                                                k.byStatus().getOrDefault(VerdictStatus.HEALTHY, 0),
                                                k.byStatus()
                                                        .getOrDefault(
                                                                VerdictStatus.INCONCLUSIVE, 0),
                                                k.notFinal(),
                                                k.correct(),
                                                k.releases())));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%nverdict accuracy %.3f, clean releases judged FAULTY %d%n",
                        accuracy(),
                        cleanReleasesFaulty()));
        return sb.toString();
    }
}
