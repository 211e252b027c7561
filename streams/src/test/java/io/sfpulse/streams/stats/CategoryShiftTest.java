package io.sfpulse.streams.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CategoryShiftTest {

    private final CategoryShift test = new CategoryShift(0.001, 20, 50, 0.25, 5);

    @Test
    void aValueThatTakesOverIsAShiftNamingIt() {
        final CategoryShift.Result r =
                test.compare(
                        Map.of("New", 60L, "Working", 50L, "Escalated", 15L, "Closed", 25L),
                        Map.of("Closed", 34L, "New", 4L, "Working", 2L));
        assertThat(r.verdict()).isEqualTo(CategoryShift.Verdict.SHIFTED);
        assertThat(r.movedValue()).isEqualTo("Closed");
        assertThat(r.shareBefore()).isCloseTo(25 / 150.0, within(1e-9));
        assertThat(r.shareAfter()).isCloseTo(34 / 40.0, within(1e-9));
        assertThat(r.pValue()).isLessThan(1e-6);
        // Escalated is too rare in 40 values for the approximation: pooled, and the pool, too rare
        // on its own, takes in the
        // least common tested value (Working) - every value written stays in the table.
        assertThat(r.categories()).containsExactly("New", "Closed", CategoryShift.OTHER);
        assertThat(java.util.Arrays.stream(r.baseline()).sum()).isEqualTo(150);
        assertThat(java.util.Arrays.stream(r.current()).sum()).isEqualTo(40);
        assertThat(r.degreesOfFreedom()).isEqualTo(r.categories().size() - 1);
    }

    @Test
    void rareValuesArePooledNotLeftOutSoTheOthersSharesStayTrue() {
        // A baseline whose Closed share is 32 %, then 78 % Closed in 37 values; Escalated is
        // written too rarely now for the
        // approximation. Leaving it out would lift Closed's baseline share to 38 % and weaken the
        // test: it stays, pooled.
        final Map<String, Long> before =
                Map.of("Closed", 39L, "Working", 40L, "New", 24L, "Escalated", 19L);
        final Map<String, Long> now = Map.of("Closed", 29L, "Working", 4L, "New", 4L);
        final CategoryShift.Result r = test.compare(before, now);
        assertThat(java.util.Arrays.stream(r.baseline()).sum()).isEqualTo(122);
        assertThat(java.util.Arrays.stream(r.current()).sum()).isEqualTo(37);
        assertThat(r.categories()).contains("Closed", CategoryShift.OTHER);
        final ChiSquareWithoutEscalated dropped = new ChiSquareWithoutEscalated();
        assertThat(r.pValue()).isLessThan(dropped.pValue());
        assertThat(r.verdict()).isEqualTo(CategoryShift.Verdict.SHIFTED);
    }

    /** The same table with Escalated left out (the former behaviour), for comparison. */
    private static final class ChiSquareWithoutEscalated {
        double pValue() {
            return new org.apache.commons.math3.stat.inference.ChiSquareTest()
                    .chiSquareTestDataSetsComparison(
                            new long[] {39, 40, 24}, new long[] {29, 4, 4});
        }
    }

    @Test
    void theSameMixIsNormalAndThinDataIsInconclusive() {
        final Map<String, Long> before = Map.of("New", 60L, "Working", 50L, "Closed", 40L);
        assertThat(
                        test.compare(before, Map.of("New", 16L, "Working", 13L, "Closed", 11L))
                                .verdict())
                .isEqualTo(CategoryShift.Verdict.NORMAL);
        final CategoryShift.Result thin = test.compare(before, Map.of("Closed", 12L));
        assertThat(thin.verdict()).isEqualTo(CategoryShift.Verdict.INCONCLUSIVE);
        assertThat(thin.reason()).contains("needs 50 and 20");
        assertThat(test.compare(Map.of("New", 30L), Map.of("Closed", 40L)).verdict())
                .isEqualTo(CategoryShift.Verdict.INCONCLUSIVE);
    }

    @Test
    void aSignificantButSmallMoveOfABusyFieldIsNoIncident() {
        // 20,000 values each side: 50% -> 45% is significant, and five points is not a shift worth
        // paging for.
        final CategoryShift.Result r =
                test.compare(Map.of("A", 10_000L, "B", 10_000L), Map.of("A", 9_000L, "B", 11_000L));
        assertThat(r.pValue()).isLessThan(1e-6);
        assertThat(r.verdict()).isEqualTo(CategoryShift.Verdict.NORMAL);
        assertThat(r.reason()).contains("no value's share moved by 25 points");
    }
}
