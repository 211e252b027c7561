package io.sfpulse.streams.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencySketchTest {

    @Test
    void quantilesStayWithinOnePercentAndSurviveEncoding() {
        final LatencySketch sketch = LatencySketch.empty();
        for (int i = 1; i <= 1000; i++) {
            sketch.add(i);
        }
        final LatencySketch copy = LatencySketch.decode(sketch.encode());
        assertThat(copy.count()).isEqualTo(1000);
        assertThat(copy.quantile(0.95)).isCloseTo(950, within(950 * 0.01));
        assertThat(copy.quantile(0.50)).isCloseTo(500, within(500 * 0.01));
    }

    @Test
    void countsSamplesAboveAThresholdWithinTheSketchAccuracy() {
        final LatencySketch sketch = LatencySketch.empty();
        for (int i = 1; i <= 1000; i++) {
            sketch.add(i);
        }
        // 100 samples are above 900; bins straddling 900 may move the count by the 1% bin width
        // (about 9 samples).
        assertThat(sketch.countAbove(900)).isBetween(91L, 109L);
        // Samples sharing the p95 bin (2% wide, about 19 here) are not "above" it: conservative for
        // exceedance tests.
        assertThat(sketch.countAbove(sketch.quantile(0.95))).isBetween(30L, 50L);
        assertThat(sketch.countAbove(Double.NaN)).isZero();
    }

    @Test
    void mergedSketchesAnswerForTheUnion() {
        final LatencySketch a = LatencySketch.empty();
        final LatencySketch b = LatencySketch.empty();
        for (int i = 0; i < 100; i++) {
            a.add(100);
            b.add(1000);
        }
        final LatencySketch m = a.merge(b);
        assertThat(m.count()).isEqualTo(200);
        assertThat(m.quantile(0.25)).isCloseTo(100, within(1.0));
        assertThat(m.quantile(0.99)).isCloseTo(1000, within(10.0));
    }
}
