package io.sfpulse.streams.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateComparisonTest {

    private final RateComparison test = new RateComparison(0.01, 5, 2.0, 0.25);

    @Test
    void binomialTailMatchesHandComputedValues() {
        // P(X >= 3), n = 4, p = 0.5: (4 + 1) / 16
        assertThat(Binomial.upperTail(4, 3, 0.5)).isCloseTo(5.0 / 16, within(1e-12));
        // P(X >= 0) = 1, P(X >= n + 1) = 0
        assertThat(Binomial.upperTail(10, 0, 0.3)).isEqualTo(1.0);
        assertThat(Binomial.upperTail(10, 11, 0.3)).isEqualTo(0.0);
        // Large n uses Stirling: P(X >= 5100), n = 10000, p = 0.5 ~ 0.0228 (2 sigma)
        assertThat(Binomial.upperTail(10_000, 5_100, 0.5)).isCloseTo(0.0233, within(0.002));
    }

    @Test
    void shouldFlagIncreaseFromZeroBaselineWithEnoughEvents() {
        // 0 errors in 2 h before, 12 in the 10 min after.
        final RateComparison.Result r = test.compare(12, 10 / 60.0, 0, 2.0);
        assertThat(r.verdict()).isEqualTo(RateComparison.Verdict.INCREASE);
        assertThat(r.pValue()).isLessThan(1e-6);
    }

    @Test
    void shouldStayQuietWhenRateIsUnchanged() {
        // 60 per hour before, 10 in 10 minutes after: same rate.
        final RateComparison.Result r = test.compare(10, 10 / 60.0, 120, 2.0);
        assertThat(r.verdict()).isEqualTo(RateComparison.Verdict.NO_INCREASE);
        assertThat(r.pValue()).isGreaterThan(0.3);
    }

    @Test
    void shouldBeInconclusiveWithTooFewEventsOrTooShortBaseline() {
        assertThat(test.compare(3, 1 / 60.0, 0, 2.0).verdict())
                .isEqualTo(RateComparison.Verdict.INCONCLUSIVE);
        assertThat(test.compare(50, 0.5, 0, 0.1).verdict())
                .isEqualTo(RateComparison.Verdict.INCONCLUSIVE);
    }

    @Test
    void shouldNotCallSmallSignificantRatioAnIncrease() {
        // Significant with huge counts but only a 10% increase: below the minimum effect.
        final RateComparison.Result r = test.compare(110_000, 1.0, 100_000, 1.0);
        assertThat(r.pValue()).isLessThan(0.01);
        assertThat(r.verdict()).isEqualTo(RateComparison.Verdict.NO_INCREASE);
    }

    @Test
    void lowerTailMatchesHandComputedValues() {
        // P(X <= 2), n = 10, p = 0.5: (1 + 10 + 45) / 1024
        assertThat(Binomial.lowerTail(10, 2, 0.5)).isCloseTo(56.0 / 1024, within(1e-12));
        assertThat(Binomial.lowerTail(10, 10, 0.3)).isEqualTo(1.0);
        assertThat(Binomial.lowerTail(10, -1, 0.3)).isEqualTo(0.0);
        // P(X <= 0), n = 5, p = 0.2 = 0.8^5
        assertThat(Binomial.lowerTail(5, 0, 0.2)).isCloseTo(Math.pow(0.8, 5), within(1e-12));
    }

    @Test
    void shouldFlagADropOnlyWhenEnoughWasExpected() {
        // 120 per 2 h before, none in the last 30 min: 30 expected, 0 seen.
        final RateComparison.Result silent = test.compareDecrease(0, 0.5, 120, 2.0, 10);
        assertThat(silent.verdict()).isEqualTo(RateComparison.Verdict.DECREASE);
        assertThat(silent.pValue()).isCloseTo(Math.pow(0.8, 120), within(1e-15));
        // 8 per 2 h before: 2 expected in 30 min - a silence proves nothing.
        assertThat(test.compareDecrease(0, 0.5, 8, 2.0, 10).verdict())
                .isEqualTo(RateComparison.Verdict.INCONCLUSIVE);
        // Same rate: no change.
        assertThat(test.compareDecrease(30, 0.5, 120, 2.0, 10).verdict())
                .isEqualTo(RateComparison.Verdict.NO_INCREASE);
        // A mild dip (ratio 0.8) is not a drop worth calling at minRatio 2.
        assertThat(test.compareDecrease(24, 0.5, 120, 2.0, 10).verdict())
                .isEqualTo(RateComparison.Verdict.NO_INCREASE);
    }

    @Test
    void twoSidedTestSeesBothDirectionsWithTheDoubledSmallerTail() {
        assertThat(test.compareTwoSided(0, 0.5, 120, 2.0, 10).verdict())
                .isEqualTo(RateComparison.Verdict.DECREASE);
        assertThat(test.compareTwoSided(12, 10 / 60.0, 0, 2.0, 10).verdict())
                .isEqualTo(RateComparison.Verdict.INCREASE);
        final RateComparison.Result same = test.compareTwoSided(30, 0.5, 120, 2.0, 10);
        assertThat(same.verdict()).isEqualTo(RateComparison.Verdict.NO_INCREASE);
        final double pi = 0.5 / 2.5;
        assertThat(same.pValue())
                .isCloseTo(
                        Math.min(
                                1,
                                2
                                        * Math.min(
                                                Binomial.upperTail(150, 30, pi),
                                                Binomial.lowerTail(150, 30, pi))),
                        within(1e-12));
    }
}
