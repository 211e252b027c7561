package io.sfpulse.streams.detector.valueshift;

import static io.sfpulse.streams.detector.EvidenceFormat.pct;
import static io.sfpulse.streams.detector.EvidenceFormat.window;

import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import io.sfpulse.streams.detector.RepeatedLooks;
import io.sfpulse.streams.detector.SuspectComponents;
import io.sfpulse.streams.stats.CategoryShift;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Did the mix of values written to a category field shift after a release? The values of the
 * judged span against those of the baseline before the release ({@link CategoryShift}: chi-square
 * test of homogeneity at alpha divided by the configured category fields and by the looks (one
 * every five minutes) of the release window ({@link RepeatedLooks}), with count guards and a
 * minimum share change), naming the value that moved. A release whose components define the field
 * itself (its {@code CustomField} or standard value set) intended the change: no alert. Pure: no
 * Kafka types, event time only.
 */
final class ValueShiftEvaluator {

    /** The call on one span, with its windows. */
    record Assessment(
            CategoryShift.Result result,
            double alpha,
            long fromMs,
            long toMs,
            long baselineFromMs,
            long baselineToMs) {
        CategoryShift.Verdict verdict() {
            return result.verdict();
        }
    }

    private final ValueShiftSettings settings;
    private final int fieldsTested;
    private final double alpha;

    /** The level an open alert's recent values are judged at: alpha over the fields, not over the looks (hysteresis). */
    private final double resolveAlpha;

    ValueShiftEvaluator(final ValueShiftSettings settings, final int fieldsTested) {
        this.settings = settings;
        this.fieldsTested = Math.max(1, fieldsTested);
        this.alpha =
                RepeatedLooks.releaseLevel(settings.alpha() / this.fieldsTested, settings.window());
        this.resolveAlpha = settings.alpha() / this.fieldsTested;
    }

    ValueShiftSettings settings() {
        return settings;
    }

    int fieldsTested() {
        return fieldsTested;
    }

    /** The span judged at {@code nowMs}: the last {@code span}, not before {@code startMs} (the release or the last resolution). */
    long spanStart(final long startMs, final long nowMs) {
        return Math.max(startMs, nowMs - settings.span().toMillis());
    }

    /** Judges the values written in [fromMs, toMs) against the baseline before the release at {@code releaseMs}, at the level of one look. */
    Assessment assess(
            final FieldValues f, final long releaseMs, final long fromMs, final long toMs) {
        return assess(f, releaseMs, fromMs, toMs, alpha);
    }

    /**
     * Whether an open alert's recent values are still shifted: judged at alpha over the fields only, not over the looks
     * (a shift found at the strict level of one look stays open while the recent span still shows it at alpha; without
     * that hysteresis an alert resolves while the values are as shifted as when it fired).
     */
    Assessment assessRecent(
            final FieldValues f, final long releaseMs, final long fromMs, final long toMs) {
        return assess(f, releaseMs, fromMs, toMs, resolveAlpha);
    }

    private Assessment assess(
            final FieldValues f,
            final long releaseMs,
            final long fromMs,
            final long toMs,
            final double level) {
        // Per-minute counts: the release's own minute counts in neither window.
        final long release = MinuteCounts.minuteStart(releaseMs);
        final long from = Math.min(toMs, MinuteCounts.nextMinuteStart(fromMs));
        final long baselineFrom =
                Math.min(
                        release,
                        Math.max(release - settings.baseline().toMillis(), f.firstObservedMs()));
        final CategoryShift test =
                new CategoryShift(
                        level,
                        settings.minCurrent(),
                        settings.minBaselineValues(),
                        settings.minShareChange(),
                        5);
        CategoryShift.Result r =
                test.compare(f.counts(baselineFrom, release), f.counts(from, toMs));
        if (release - baselineFrom < settings.minBaseline().toMillis()) {
            r =
                    new CategoryShift.Result(
                            CategoryShift.Verdict.INCONCLUSIVE,
                            "baseline shorter than "
                                    + settings.minBaseline()
                                    + " before the release",
                            r.statistic(),
                            r.degreesOfFreedom(),
                            r.pValue(),
                            r.categories(),
                            r.baseline(),
                            r.current(),
                            r.baselineTotal(),
                            r.currentTotal(),
                            r.movedValue(),
                            r.shareBefore(),
                            r.shareAfter());
        }
        return new Assessment(r, level, from, toMs, baselineFrom, release);
    }

    /** Whether the release changed the field's own definition: {@code CustomField:Case.Status}, {@code StandardValueSet:CaseStatus}. */
    static boolean intended(
            final List<String> components, final String entity, final String field) {
        final String base = field.endsWith("Name") ? field.substring(0, field.length() - 4) : field;
        return components.stream()
                .map(c -> c.toLowerCase(Locale.ROOT))
                .anyMatch(
                        c ->
                                c.equals(
                                                ("CustomField:" + entity + "." + field)
                                                        .toLowerCase(Locale.ROOT))
                                        || c.equals(
                                                ("StandardValueSet:" + entity + field)
                                                        .toLowerCase(Locale.ROOT))
                                        || c.equals(
                                                ("StandardValueSet:" + entity + base)
                                                        .toLowerCase(Locale.ROOT)));
    }

    /** Evidence of an assessment: the test and its table, the value that moved, windows, the series of that value, the release and suspects. */
    Map<String, String> evidence(
            final String field, final FieldValues f, final Assessment a, final AlertState alert) {
        final CategoryShift.Result r = a.result();
        final Map<String, String> e = new LinkedHashMap<>();
        e.put("test", "Pearson's chi-square test of homogeneity (values written, baseline vs now)");
        e.put("alpha", String.format(Locale.ROOT, "%.4g", a.alpha()));
        e.put("fieldsTested", String.valueOf(fieldsTested));
        e.put(
                "looks",
                RepeatedLooks.releaseLooksEvidence(
                        settings.window(), settings.alpha() + " over " + fieldsTested + " fields"));
        e.put("pValue", String.format(Locale.ROOT, "%.3g", r.pValue()));
        e.put("chiSquare", String.format(Locale.ROOT, "%.4g", r.statistic()));
        e.put("degreesOfFreedom", String.valueOf(r.degreesOfFreedom()));
        e.put("field", field);
        e.put("movedValue", String.valueOf(r.movedValue()));
        e.put("shareBefore", pct(r.shareBefore()));
        e.put("shareAfter", pct(r.shareAfter()));
        e.put("baselineCount", String.valueOf(r.baselineTotal()));
        e.put("observedCount", String.valueOf(r.currentTotal()));
        e.put("valuesBefore", mix(f.counts(a.baselineFromMs(), a.baselineToMs())));
        e.put("valuesAfter", mix(f.counts(a.fromMs(), a.toMs())));
        e.put("valuesTested", String.join(",", r.categories()));
        e.put("baselineWindows", window(a.baselineFromMs(), a.baselineToMs()));
        e.put("currentWindow", window(a.fromMs(), a.toMs()));
        e.put("reason", r.reason());
        final MinuteCounts moved = r.movedValue() == null ? null : f.values.get(r.movedValue());
        if (moved != null) {
            final long from =
                    Math.min(alert.releaseCompletedMs() - settings.span().toMillis(), a.fromMs());
            e.put("series", moved.series(from, Math.max(a.toMs(), from + MinuteCounts.MINUTE_MS)));
        }
        if (alert.hasRelease()) {
            final String entity = field.substring(0, field.indexOf('.'));
            e.put("deployId", alert.releaseId());
            e.put("deployCompletedAt", Instant.ofEpochMilli(alert.releaseCompletedMs()).toString());
            e.put(
                    "suspectComponents",
                    String.join(
                            ",",
                            SuspectComponents.byEntity(
                                    alert.components(),
                                    entity,
                                    field.substring(entity.length() + 1))));
        }
        return e;
    }

    private static String mix(final Map<String, Long> counts) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(en -> en.getKey() + "=" + en.getValue())
                .collect(Collectors.joining(","));
    }
}
