package io.sfpulse.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.streams.detector.MinuteCounts;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class StateSerdeTest {

    private static final long T0 = 1_790_000_000_000L;

    private static MinuteCounts threeHoursOfCounts() {
        final MinuteCounts c = new MinuteCounts();
        c.observe(T0 - 3_600_000);
        for (int m = 0; m < 180; m++) {
            c.add(T0 + m * MinuteCounts.MINUTE_MS, 1 + m % 7);
        }
        return c;
    }

    @Test
    void shouldRoundTripAStateWithEveryFieldAndItsSeries() {
        final Serde<MinuteCounts> serde = StateSerde.of(MinuteCounts.class);
        final MinuteCounts back =
                serde.deserializer()
                        .deserialize("t", serde.serializer().serialize("t", threeHoursOfCounts()));
        assertThat(back.firstObservedMs()).isEqualTo(T0 - 3_600_000);
        assertThat(back.count(T0, T0 + 180 * MinuteCounts.MINUTE_MS))
                .isEqualTo(threeHoursOfCounts().count(T0, T0 + 180 * MinuteCounts.MINUTE_MS));
        assertThat(back.series(T0, T0 + 5 * MinuteCounts.MINUTE_MS))
                .isEqualTo(threeHoursOfCounts().series(T0, T0 + 5 * MinuteCounts.MINUTE_MS));
    }

    @Test
    void shouldBeBinaryAndSmallerThanTheSameStateAsJson() throws Exception {
        final byte[] binary =
                StateSerde.of(MinuteCounts.class).serializer().serialize("t", threeHoursOfCounts());
        final byte[] json =
                new ObjectMapper()
                        .setVisibility(
                                com.fasterxml.jackson.annotation.PropertyAccessor.FIELD,
                                com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.ANY)
                        .writeValueAsBytes(threeHoursOfCounts());
        assertThat(new String(binary, 0, 3, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(":)\n"); // the Smile header
        assertThat(binary.length).isLessThan(json.length);
    }

    @Test
    void shouldIgnoreFieldsItNoLongerKnows() {
        final Serde<MinuteCounts> serde = StateSerde.of(MinuteCounts.class);
        final Serde<Extended> newer = StateSerde.of(Extended.class);
        final Extended e = new Extended();
        e.firstObservedMs = 5;
        e.addedLater = "x";
        final MinuteCounts back =
                serde.deserializer().deserialize("t", newer.serializer().serialize("t", e));
        assertThat(back.firstObservedMs()).isEqualTo(5);
    }

    @Test
    void shouldReadTheEarlierFieldPerMinuteShapeAndWriteAFractionOfItsBytes() {
        final Legacy legacy = new Legacy();
        legacy.firstObservedMs = T0 - 3_600_000;
        for (int m = 0; m < 180; m++) {
            legacy.perMinute.put(Math.floorDiv(T0, MinuteCounts.MINUTE_MS) + m, 1L + m % 7);
        }
        final byte[] old = StateSerde.of(Legacy.class).serializer().serialize("t", legacy);
        final Serde<MinuteCounts> serde = StateSerde.of(MinuteCounts.class);
        final MinuteCounts back = serde.deserializer().deserialize("t", old);
        assertThat(back.firstObservedMs()).isEqualTo(T0 - 3_600_000);
        assertThat(back.series(T0, T0 + 180 * MinuteCounts.MINUTE_MS))
                .isEqualTo(threeHoursOfCounts().series(T0, T0 + 180 * MinuteCounts.MINUTE_MS));
        final byte[] now = serde.serializer().serialize("t", threeHoursOfCounts());
        System.out.printf(
                "three hours of minutes: %d bytes (field per minute: %d)%n",
                now.length, old.length);
        assertThat(now.length).isLessThan(old.length / 2);
    }

    /** The shape minute counts had before they were gap-encoded: one field per minute. */
    public static final class Legacy {
        public java.util.TreeMap<Long, Long> perMinute = new java.util.TreeMap<>();
        public long firstObservedMs;
    }

    /** A later version of a state with one more field. */
    public static final class Extended {
        public long firstObservedMs;
        public String addedLater;
    }
}
