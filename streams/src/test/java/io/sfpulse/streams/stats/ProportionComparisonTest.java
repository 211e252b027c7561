package io.sfpulse.streams.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProportionComparisonTest {

    private final ProportionComparison test = new ProportionComparison(0.001, 5, 3.0, 30);

    @Test
    void fisherTailMatchesAHandComputedHypergeometric() {
        // 2x2 table: current 3 of 3 hit, baseline 0 of 3: P(X >= 3) = C(3,3)C(3,0)/C(6,3) = 1/20.
        assertThat(ProportionComparison.fisherUpperTail(3, 3, 3, 6)).isCloseTo(0.05, within(1e-12));
        // current 2 of 3, baseline 1 of 3: P(X >= 2) = (C(3,2)C(3,1) + C(3,3)C(3,0)) / C(6,3) = (9
        // + 1) / 20.
        assertThat(ProportionComparison.fisherUpperTail(2, 3, 3, 6)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void flagsAJumpInTheShareOfUpdatesThatNullAField() {
        final ProportionComparison.Result r = test.compare(36, 60, 12, 240);
        assertThat(r.verdict()).isEqualTo(RateComparison.Verdict.INCREASE);
        assertThat(r.currentShare()).isCloseTo(0.6, within(1e-9));
        assertThat(r.baselineShare()).isCloseTo(0.05, within(1e-9));
        assertThat(r.pValue()).isLessThan(1e-10);
    }

    @Test
    void moreUpdatesWithTheSameShareIsNoIncrease() {
        // Volume tripled, but the share of nulling updates stayed at 5%: not a null-rate anomaly.
        assertThat(test.compare(18, 360, 12, 240).verdict())
                .isEqualTo(RateComparison.Verdict.NO_INCREASE);
    }

    @Test
    void tooFewHitsOrTooShortABaselineIsInconclusiveNotNoIncrease() {
        assertThat(test.compare(4, 4, 0, 200).verdict())
                .isEqualTo(RateComparison.Verdict.INCONCLUSIVE);
        assertThat(test.compare(40, 50, 1, 10).verdict())
                .isEqualTo(RateComparison.Verdict.INCONCLUSIVE);
    }
}
