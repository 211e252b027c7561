package io.sfpulse.streams.stats;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * A mergeable latency distribution (DDSketch, 1% relative accuracy on every quantile), with a
 * compact string encoding for state stores. Not thread-safe.
 */
public final class LatencySketch {

    private static final double ACCURACY = 0.01;
    private final DDSketch sketch;

    private LatencySketch(final DDSketch sketch) {
        this.sketch = sketch;
    }

    public static LatencySketch empty() {
        return new LatencySketch(DDSketches.unboundedDense(ACCURACY));
    }

    public void add(final double millis) {
        if (millis >= 0 && Double.isFinite(millis)) {
            sketch.accept(millis);
        }
    }

    public LatencySketch merge(final LatencySketch other) {
        sketch.mergeWith(other.sketch);
        return this;
    }

    public long count() {
        return (long) sketch.getCount();
    }

    /** The q-quantile (0..1); NaN when empty. */
    public double quantile(final double q) {
        return sketch.isEmpty() ? Double.NaN : sketch.getValueAtQuantile(q);
    }

    /** Samples above {@code millis} (by bin representative, so within the sketch's 1% relative accuracy). */
    public long countAbove(final double millis) {
        final com.datadoghq.sketch.ddsketch.mapping.IndexMapping mapping = sketch.getIndexMapping();
        final double[] above = {0};
        sketch.getPositiveValueStore()
                .forEach(
                        (index, count) -> {
                            if (mapping.value(index) > millis) {
                                above[0] += count;
                            }
                        });
        return Math.round(above[0]);
    }

    /** DDSketch's own binary encoding (index mapping included): the compact form kept in state stores. */
    public byte[] toBytes() {
        final GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(out, false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode latency sketch", e);
        }
        return out.trimmedCopy();
    }

    public static LatencySketch fromBytes(final byte[] bytes) {
        try {
            return new LatencySketch(
                    DDSketch.decode(ByteArrayInput.wrap(bytes), UnboundedSizeDenseStore::new));
        } catch (IOException e) {
            throw new UncheckedIOException("Corrupt latency sketch", e);
        }
    }

    /** {@link #toBytes()} as base64, for JSON. */
    public String encode() {
        return Base64.getEncoder().encodeToString(toBytes());
    }

    public static LatencySketch decode(final String encoded) {
        return fromBytes(Base64.getDecoder().decode(encoded));
    }
}
