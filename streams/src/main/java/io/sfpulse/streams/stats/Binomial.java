package io.sfpulse.streams.stats;

/** Exact binomial tail probabilities, computed in log space. Pure, thread-safe. */
public final class Binomial {

    private static final int TABLE = 1024;
    private static final double[] LOG_FACTORIAL = new double[TABLE];

    static {
        for (int i = 1; i < TABLE; i++) {
            LOG_FACTORIAL[i] = LOG_FACTORIAL[i - 1] + Math.log(i);
        }
    }

    private Binomial() {}

    /** ln(n!) - exact below 1024, Stirling series (error below 1e-10) above. */
    static double logFactorial(final long n) {
        if (n < TABLE) {
            return LOG_FACTORIAL[(int) n];
        }
        final double x = n;
        return x * Math.log(x)
                - x
                + 0.5 * Math.log(2 * Math.PI * x)
                + 1 / (12 * x)
                - 1 / (360 * x * x * x);
    }

    /** P(X = k) for X ~ Binomial(n, p). */
    public static double pmf(final long n, final long k, final double p) {
        if (k < 0 || k > n) {
            return 0;
        }
        if (p <= 0) {
            return k == 0 ? 1 : 0;
        }
        if (p >= 1) {
            return k == n ? 1 : 0;
        }
        return Math.exp(
                logFactorial(n)
                        - logFactorial(k)
                        - logFactorial(n - k)
                        + k * Math.log(p)
                        + (n - k) * Math.log1p(-p));
    }

    /** P(X >= k) for X ~ Binomial(n, p), summing the shorter tail. */
    public static double upperTail(final long n, final long k, final double p) {
        if (k <= 0) {
            return 1;
        }
        if (k > n) {
            return 0;
        }
        double sum = 0;
        if (k > n * p) {
            for (long i = k; i <= n; i++) {
                final double term = pmf(n, i, p);
                sum += term;
                if (term < sum * 1e-17) {
                    break;
                }
            }
            return Math.min(1, sum);
        }
        for (long i = 0; i < k; i++) {
            sum += pmf(n, i, p);
        }
        return Math.max(0, 1 - sum);
    }

    /** P(X <= k) for X ~ Binomial(n, p), summing the shorter tail. */
    public static double lowerTail(final long n, final long k, final double p) {
        if (k < 0) {
            return 0;
        }
        if (k >= n) {
            return 1;
        }
        return Math.max(0, Math.min(1, 1 - upperTail(n, k + 1, p)));
    }
}
