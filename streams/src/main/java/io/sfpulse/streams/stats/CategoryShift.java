package io.sfpulse.streams.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

/**
 * Did the distribution of a category field's values (a picklist such as {@code Case.Status})
 * shift between a baseline and a current window? Pearson's chi-square test of homogeneity on the
 * 2 x k table of value counts (commons-math), on the values common enough for it: a value whose
 * expected count is below {@code minExpectedCell} in either window is pooled into {@code (other)},
 * and a pool still too rare takes in the least common tested values until it is not (no value
 * written is left out of the table). Guards: both windows need their minimum
 * number of values, at least two values must remain, and the value that moved most must have moved
 * by {@code minShareChange} (absolute share) — a significant but tiny shift of a high-volume field
 * is no incident. Pure, thread-safe.
 */
public final class CategoryShift {

    public static final String OTHER = "(other)";

    public enum Verdict {
        SHIFTED,
        NORMAL,
        INCONCLUSIVE
    }

    /**
     * @param categories     the values tested, in table order ({@link #OTHER} for the pool)
     * @param baseline       baseline counts per tested category
     * @param current        current counts per tested category
     * @param movedValue     the value whose share changed most (over all values, not only the tested ones); null without data
     * @param shareBefore    its share in the baseline
     * @param shareAfter     its share in the current window
     */
    public record Result(
            Verdict verdict,
            String reason,
            double statistic,
            int degreesOfFreedom,
            double pValue,
            List<String> categories,
            long[] baseline,
            long[] current,
            long baselineTotal,
            long currentTotal,
            String movedValue,
            double shareBefore,
            double shareAfter) {}

    private static final ChiSquareTest CHI_SQUARE = new ChiSquareTest();
    private final double alpha;
    private final long minCurrent;
    private final long minBaseline;
    private final double minShareChange;
    private final double minExpectedCell;

    public CategoryShift(
            final double alpha,
            final long minCurrent,
            final long minBaseline,
            final double minShareChange,
            final double minExpectedCell) {
        this.alpha = alpha;
        this.minCurrent = minCurrent;
        this.minBaseline = minBaseline;
        this.minShareChange = minShareChange;
        this.minExpectedCell = minExpectedCell;
    }

    public Result compare(final Map<String, Long> baseline, final Map<String, Long> current) {
        final long nb = baseline.values().stream().mapToLong(Long::longValue).sum();
        final long nc = current.values().stream().mapToLong(Long::longValue).sum();
        final TreeSet<String> values = new TreeSet<>(baseline.keySet());
        values.addAll(current.keySet());
        String moved = null;
        double before = 0;
        double after = 0;
        for (final String v : values) {
            final double b = nb == 0 ? 0 : baseline.getOrDefault(v, 0L) / (double) nb;
            final double c = nc == 0 ? 0 : current.getOrDefault(v, 0L) / (double) nc;
            if (moved == null || Math.abs(c - b) > Math.abs(after - before)) {
                moved = v;
                before = b;
                after = c;
            }
        }
        if (nb < minBaseline || nc < minCurrent) {
            return new Result(
                    Verdict.INCONCLUSIVE,
                    String.format(
                            java.util.Locale.ROOT,
                            "%d values in the baseline and %d now; the test needs %d and %d",
                            nb,
                            nc,
                            minBaseline,
                            minCurrent),
                    0,
                    0,
                    1.0,
                    List.of(),
                    new long[0],
                    new long[0],
                    nb,
                    nc,
                    moved,
                    before,
                    after);
        }
        // Pool what is too rare for the chi-square approximation.
        final double n = nb + nc;
        final Map<String, long[]> table = new LinkedHashMap<>();
        final long[] pool = new long[2];
        values.stream()
                .sorted(
                        Comparator.comparingLong(
                                        (String v) ->
                                                -(baseline.getOrDefault(v, 0L)
                                                        + current.getOrDefault(v, 0L)))
                                .thenComparing(v -> v))
                .forEach(
                        v -> {
                            final long b = baseline.getOrDefault(v, 0L);
                            final long c = current.getOrDefault(v, 0L);
                            if (expectedOk(b + c, nb, nc, n)) {
                                table.put(v, new long[] {b, c});
                            } else {
                                pool[0] += b;
                                pool[1] += c;
                            }
                        });
        // A pool still too rare takes in the least common tested value, then the next, until it is
        // common enough: every value
        // written stays in the table (dropping the pool would shift the other values' shares and
        // cost the test its power).
        final List<String> byTotal = new ArrayList<>(table.keySet());
        while (pool[0] + pool[1] > 0
                && !expectedOk(pool[0] + pool[1], nb, nc, n)
                && !byTotal.isEmpty()) {
            final long[] merged = table.remove(byTotal.remove(byTotal.size() - 1));
            pool[0] += merged[0];
            pool[1] += merged[1];
        }
        if (pool[0] + pool[1] > 0 && expectedOk(pool[0] + pool[1], nb, nc, n)) {
            table.put(OTHER, pool);
        }
        final List<String> categories = new ArrayList<>(table.keySet());
        final long[] b = table.values().stream().mapToLong(x -> x[0]).toArray();
        final long[] c = table.values().stream().mapToLong(x -> x[1]).toArray();
        if (categories.size() < 2) {
            return new Result(
                    Verdict.INCONCLUSIVE,
                    "fewer than two values common enough to compare",
                    0,
                    0,
                    1.0,
                    categories,
                    b,
                    c,
                    nb,
                    nc,
                    moved,
                    before,
                    after);
        }
        final double statistic = CHI_SQUARE.chiSquareDataSetsComparison(b, c);
        final double p = CHI_SQUARE.chiSquareTestDataSetsComparison(b, c);
        final Verdict verdict;
        final String reason;
        if (p >= alpha) {
            verdict = Verdict.NORMAL;
            reason = "the values' distribution did not change significantly";
        } else if (Math.abs(after - before) < minShareChange) {
            verdict = Verdict.NORMAL;
            reason =
                    String.format(
                            java.util.Locale.ROOT,
                            "significant, but no value's share moved by %.0f points or more",
                            100 * minShareChange);
        } else {
            verdict = Verdict.SHIFTED;
            reason =
                    String.format(
                            java.util.Locale.ROOT,
                            "'%s' moved from %.1f%% to %.1f%% of the values written",
                            moved,
                            100 * before,
                            100 * after);
        }
        return new Result(
                verdict,
                reason,
                statistic,
                categories.size() - 1,
                p,
                categories,
                b,
                c,
                nb,
                nc,
                moved,
                before,
                after);
    }

    private boolean expectedOk(final long column, final long nb, final long nc, final double n) {
        return column * nb / n >= minExpectedCell && column * nc / n >= minExpectedCell;
    }
}
