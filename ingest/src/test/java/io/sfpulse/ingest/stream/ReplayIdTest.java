package io.sfpulse.ingest.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplayIdTest {

    @Test
    void aCometdIdIsItsEightByteBigEndianForm() {
        final ReplayId id = ReplayId.of(2_458_760L);
        assertThat(id.bytes()).containsExactly(0, 0, 0, 0, 0, 37, 132 - 256, 136 - 256);
        assertThat(id.asLong()).isEqualTo(2_458_760L);
        assertThat(id.cometdValue()).isEqualTo(2_458_760L);
        assertThat(ReplayId.ofBase64(id.base64())).isEqualTo(id);
    }

    @Test
    void presetsAreNotPositionsAndMapToCometdsValues() {
        assertThat(ReplayId.EARLIEST.isPreset()).isTrue();
        assertThat(ReplayId.EARLIEST.cometdValue()).isEqualTo(-2L);
        assertThat(ReplayId.LATEST.cometdValue()).isEqualTo(-1L);
        assertThatThrownBy(() -> ReplayId.of(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(ReplayId.LATEST::bytes).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void pubSubIdsOfAnyLengthAreKeptByteForByte() {
        final byte[] ten = {0, 0, 0, 0, 0, 43, -89, 43, 0, 0};
        final ReplayId id = ReplayId.ofBytes(ten);
        assertThat(id.isLong()).isFalse();
        assertThat(id.bytes()).containsExactly(ten);
        assertThat(ReplayId.ofBase64(id.base64())).isEqualTo(id);
        assertThat(id.toString()).isEqualTo("0x00000000002ba72b0000");
        assertThatThrownBy(id::asLong).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void resubscribesFromTheAcknowledgedPositionElseTheReceivedElseTheStart() {
        final ReplayPositions positions = new ReplayPositions();
        positions.setStart("/event/A__e", ReplayId.EARLIEST);
        assertThat(positions.forSubscribe("/event/A__e")).isEqualTo(ReplayId.EARLIEST);
        positions.received("/event/A__e", ReplayId.of(9));
        assertThat(positions.forSubscribe("/event/A__e")).isEqualTo(ReplayId.of(9));
        positions.acked("/event/A__e", ReplayId.of(5));
        positions.received("/event/A__e", ReplayId.of(12));
        assertThat(positions.forSubscribe("/event/A__e")).isEqualTo(ReplayId.of(5));
        assertThat(positions.forSubscribe("/event/Unknown__e")).isEqualTo(ReplayId.LATEST);
    }
}
