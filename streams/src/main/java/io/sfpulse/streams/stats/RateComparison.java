package io.sfpulse.streams.stats;

/**
 * Exact test for an increase of an event rate (Poisson counts) between a baseline and a current
 * window of different lengths: conditional on the total n = current + baseline, the current count
 * is Binomial(n, t_current / (t_current + t_baseline)) under "same rate". Exact at tiny and zero
 * counts, where normal approximations mislead. Pure, thread-safe.
 */
public final class RateComparison {

    /** Outcome of a comparison: NO_INCREASE also stands for "no change" in the lower-tail and two-sided tests. */
    public enum Verdict {
        INCREASE,
        DECREASE,
        NO_INCREASE,
        INCONCLUSIVE
    }

    /**
     * @param verdict        INCREASE when p below alpha, the count reaches the minimum and the ratio the minimum effect
     * @param pValue         one-sided P(X >= current | n, pi)
     * @param rateRatio      current rate / baseline rate (baseline +0.5 pseudo-count, so finite at zero)
     * @param currentRate    per hour
     * @param baselineRate   per hour
     */
    public record Result(
            Verdict verdict,
            double pValue,
            double rateRatio,
            double currentRate,
            double baselineRate,
            long current,
            long baseline) {}

    private final double alpha;
    private final long minCount;
    private final double minRatio;
    private final double minBaselineHours;

    public RateComparison(
            final double alpha,
            final long minCount,
            final double minRatio,
            final double minBaselineHours) {
        this.alpha = alpha;
        this.minCount = minCount;
        this.minRatio = minRatio;
        this.minBaselineHours = minBaselineHours;
    }

    public Result compare(
            final long current,
            final double currentHours,
            final long baseline,
            final double baselineHours) {
        final double currentRate = currentHours > 0 ? current / currentHours : 0;
        final double baselineRate = baselineHours > 0 ? baseline / baselineHours : 0;
        final double ratio =
                baselineHours > 0 && currentHours > 0
                        ? (current / currentHours) / ((baseline + 0.5) / baselineHours)
                        : 0;
        if (baselineHours < minBaselineHours || currentHours <= 0) {
            return new Result(
                    Verdict.INCONCLUSIVE, 1.0, ratio, currentRate, baselineRate, current, baseline);
        }
        final double pi = currentHours / (currentHours + baselineHours);
        final double p = Binomial.upperTail(current + baseline, current, pi);
        if (current < minCount) {
            // Too few events to call an increase, even if significant: say so rather than "no
            // increase".
            return new Result(
                    p < alpha ? Verdict.INCONCLUSIVE : Verdict.NO_INCREASE,
                    p,
                    ratio,
                    currentRate,
                    baselineRate,
                    current,
                    baseline);
        }
        final Verdict verdict =
                p < alpha && ratio >= minRatio ? Verdict.INCREASE : Verdict.NO_INCREASE;
        return new Result(verdict, p, ratio, currentRate, baselineRate, current, baseline);
    }

    /**
     * Lower tail: has the rate dropped (a flow that stops firing, API calls that vanish)? p = P(X <=
     * current | n, pi). Expected-count guard: with fewer than {@code minExpected} events expected in
     * the current window at the baseline rate, a silence proves nothing and the answer is
     * INCONCLUSIVE. DECREASE needs the rate ratio at most 1/minRatio.
     */
    public Result compareDecrease(
            final long current,
            final double currentHours,
            final long baseline,
            final double baselineHours,
            final double minExpected) {
        final double currentRate = currentHours > 0 ? current / currentHours : 0;
        final double baselineRate = baselineHours > 0 ? baseline / baselineHours : 0;
        final double ratio = baselineRate > 0 ? currentRate / baselineRate : 1;
        final double expected = baselineRate * currentHours;
        if (baselineHours < minBaselineHours || currentHours <= 0 || expected < minExpected) {
            return new Result(
                    Verdict.INCONCLUSIVE, 1.0, ratio, currentRate, baselineRate, current, baseline);
        }
        final double pi = currentHours / (currentHours + baselineHours);
        final double p = Binomial.lowerTail(current + baseline, current, pi);
        final Verdict verdict =
                p < alpha && ratio <= 1 / minRatio ? Verdict.DECREASE : Verdict.NO_INCREASE;
        return new Result(verdict, p, ratio, currentRate, baselineRate, current, baseline);
    }

    /**
     * Two-sided: a change either way, p = min(1, 2 min(upper, lower)); the expected-count guard of
     * {@link #compareDecrease} applies to the downward side and {@code minCount} to the upward one.
     */
    public Result compareTwoSided(
            final long current,
            final double currentHours,
            final long baseline,
            final double baselineHours,
            final double minExpected) {
        final Result up = compare(current, currentHours, baseline, baselineHours);
        final Result down =
                compareDecrease(current, currentHours, baseline, baselineHours, minExpected);
        if (up.verdict() == Verdict.INCONCLUSIVE && down.verdict() == Verdict.INCONCLUSIVE) {
            return up;
        }
        final double pi = currentHours / (currentHours + baselineHours);
        final long n = current + baseline;
        final double p =
                Math.min(
                        1,
                        2
                                * Math.min(
                                        Binomial.upperTail(n, current, pi),
                                        Binomial.lowerTail(n, current, pi)));
        final Verdict verdict;
        if (p < alpha && up.verdict() == Verdict.INCREASE) {
            verdict = Verdict.INCREASE;
        } else if (p < alpha && down.verdict() == Verdict.DECREASE) {
            verdict = Verdict.DECREASE;
        } else {
            verdict = Verdict.NO_INCREASE;
        }
        return new Result(
                verdict, p, up.rateRatio(), up.currentRate(), up.baselineRate(), current, baseline);
    }

    public double alpha() {
        return alpha;
    }
}
