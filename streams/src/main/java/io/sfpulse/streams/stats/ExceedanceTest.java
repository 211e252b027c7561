package io.sfpulse.streams.stats;

/**
 * Did more samples than expected exceed a baseline quantile? Under "same distribution", the number
 * of the n new samples above the baseline's q-quantile is Binomial(n, 1 - q); an exact one-sided
 * tail gives the p-value. Sensitive to shifts of the tail (p95, p99) and of the median, not only of
 * the mean - so a release that makes 1 request in 10 slow is caught even if the median holds. Pure.
 */
public final class ExceedanceTest {

    private ExceedanceTest() {}

    /** P(X >= exceeding) for X ~ Binomial(n, 1 - q). */
    public static double pValue(final long n, final long exceeding, final double q) {
        return Binomial.upperTail(n, exceeding, 1 - q);
    }
}
