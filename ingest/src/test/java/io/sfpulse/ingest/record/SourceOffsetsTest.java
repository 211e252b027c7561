package io.sfpulse.ingest.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.ingest.SalesforceSourceConfig.Transport;
import io.sfpulse.ingest.stream.ReplayId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceOffsetsTest {

    @Test
    void eachTransportStoresAndReadsOnlyItsOwnPosition() {
        final Map<String, Object> cometd = SourceOffsets.replayOffset(Transport.COMETD, ReplayId.of(42));
        final Map<String, Object> pubsub = SourceOffsets.replayOffset(Transport.PUBSUB, ReplayId.ofBytes(new byte[] {1, 2, 3}));
        assertThat(cometd).containsEntry("replayId", 42L);
        assertThat(SourceOffsets.replayFrom(Transport.COMETD, cometd)).isEqualTo(ReplayId.of(42));
        assertThat(SourceOffsets.replayFrom(Transport.PUBSUB, pubsub)).isEqualTo(ReplayId.ofBytes(new byte[] {1, 2, 3}));
        // A transport switch: the other's position is recognised, not misread.
        assertThat(SourceOffsets.replayFrom(Transport.PUBSUB, cometd)).isNull();
        assertThat(SourceOffsets.hasOtherTransport(Transport.PUBSUB, cometd)).isTrue();
        assertThat(SourceOffsets.hasOtherTransport(Transport.COMETD, cometd)).isFalse();
        assertThat(SourceOffsets.replayOffset(Transport.PUBSUB, ReplayId.LATEST)).isNull();
        assertThat(SourceOffsets.replayFrom(Transport.COMETD, null)).isNull();
    }

    @Test
    void onlyChannelPartitionsNameAChannel() {
        assertThat(SourceOffsets.channelOf(SourceOffsets.channelPartition("00D", "/event/A__e"))).isEqualTo("/event/A__e");
        assertThat(SourceOffsets.channelOf(SourceOffsets.pollerPartition("00D", "DeployRequest"))).isNull();
    }
}
