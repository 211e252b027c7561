package io.sfpulse.streams.stats;

/**
 * Exact test for an increase of a proportion between a baseline and a current window, e.g. the
 * share of Account updates that set {@code Phone} to null: Fisher's exact test, one-sided, on the
 * 2x2 table (hits/misses x current/baseline). Conditional on the margins the current hits are
 * hypergeometric, so the test is exact at tiny and zero counts. Pure, thread-safe.
 */
public final class ProportionComparison {

    /**
     * @param verdict          INCREASE when p below alpha, hits reach the minimum and the ratio the minimum effect
     * @param pValue           one-sided P(X >= currentHits) under equal proportions
     * @param currentShare     currentHits / currentTrials
     * @param baselineShare    baselineHits / baselineTrials
     * @param ratio            current share / baseline share (baseline +0.5 pseudo-count, so finite at zero)
     */
    public record Result(
            RateComparison.Verdict verdict,
            double pValue,
            double currentShare,
            double baselineShare,
            double ratio,
            long currentHits,
            long currentTrials,
            long baselineHits,
            long baselineTrials) {}

    private final double alpha;
    private final long minHits;
    private final double minRatio;
    private final long minBaselineTrials;

    public ProportionComparison(
            final double alpha,
            final long minHits,
            final double minRatio,
            final long minBaselineTrials) {
        this.alpha = alpha;
        this.minHits = minHits;
        this.minRatio = minRatio;
        this.minBaselineTrials = minBaselineTrials;
    }

    public Result compare(
            final long currentHits,
            final long currentTrials,
            final long baselineHits,
            final long baselineTrials) {
        final long ch = Math.min(currentHits, currentTrials);
        final long bh = Math.min(baselineHits, baselineTrials);
        final double currentShare = currentTrials > 0 ? (double) ch / currentTrials : 0;
        final double baselineShare = baselineTrials > 0 ? (double) bh / baselineTrials : 0;
        final double ratio =
                currentTrials > 0 && baselineTrials > 0
                        ? currentShare / ((bh + 0.5) / baselineTrials)
                        : 0;
        if (baselineTrials < minBaselineTrials || currentTrials == 0) {
            return new Result(
                    RateComparison.Verdict.INCONCLUSIVE,
                    1.0,
                    currentShare,
                    baselineShare,
                    ratio,
                    ch,
                    currentTrials,
                    bh,
                    baselineTrials);
        }
        final double p =
                fisherUpperTail(ch, currentTrials, ch + bh, currentTrials + baselineTrials);
        final RateComparison.Verdict verdict;
        if (ch < minHits) {
            verdict =
                    p < alpha
                            ? RateComparison.Verdict.INCONCLUSIVE
                            : RateComparison.Verdict.NO_INCREASE;
        } else {
            verdict =
                    p < alpha && ratio >= minRatio
                            ? RateComparison.Verdict.INCREASE
                            : RateComparison.Verdict.NO_INCREASE;
        }
        return new Result(
                verdict,
                p,
                currentShare,
                baselineShare,
                ratio,
                ch,
                currentTrials,
                bh,
                baselineTrials);
    }

    public double alpha() {
        return alpha;
    }

    /** P(X >= k) for X hypergeometric: n draws from a population of size total holding hits successes. */
    static double fisherUpperTail(final long k, final long n, final long hits, final long total) {
        final long max = Math.min(n, hits);
        if (k <= Math.max(0, n + hits - total)) {
            return 1;
        }
        double sum = 0;
        for (long i = k; i <= max; i++) {
            final double term =
                    Math.exp(
                            logChoose(hits, i)
                                    + logChoose(total - hits, n - i)
                                    - logChoose(total, n));
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return Math.min(1, sum);
    }

    private static double logChoose(final long n, final long k) {
        return Binomial.logFactorial(n) - Binomial.logFactorial(k) - Binomial.logFactorial(n - k);
    }
}
