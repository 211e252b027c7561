package io.sfpulse.ingest.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.ingest.SalesforceSourceConfig.Transport;
import io.sfpulse.ingest.stream.ReplayId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceOffsetsTest {

    /** Serialises a partition as Connect's offset store keys it: JSON of [connector, partition], without schemas. */
    private static String storeKey(final Map<String, Object> partition) {
        final org.apache.kafka.connect.json.JsonConverter json =
                new org.apache.kafka.connect.json.JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), true);
        return new String(
                json.fromConnectData(
                        "offsets", null, java.util.List.of("sfpulse-salesforce-prod", partition)),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aPartitionSerialisesTheSameWayInEveryJvm() {
        // Map.of's iteration order is salted per JVM; the store key must not depend on it.
        assertThat(storeKey(SourceOffsets.channelPartition("00DORG", "/event/A__e")))
                .isEqualTo(
                        "[\"sfpulse-salesforce-prod\",{\"org\":\"00DORG\",\"channel\":\"/event/A__e\"}]");
        assertThat(storeKey(SourceOffsets.pollerPartition("00DORG", "DeployRequest")))
                .isEqualTo(
                        "[\"sfpulse-salesforce-prod\",{\"org\":\"00DORG\",\"source\":\"DeployRequest\"}]");
    }

    @Test
    void aPositionCommittedUnderTheOtherKeyOrderIsStillFound() {
        // An offset store keyed by serialised partitions (as Connect's is), holding a position
        // committed before the order was fixed.
        final Map<String, Map<String, Object>> store = new java.util.HashMap<>();
        final Map<String, Object> legacy = new java.util.LinkedHashMap<>();
        legacy.put("channel", "/event/A__e");
        legacy.put("org", "00DORG");
        store.put(storeKey(legacy), Map.of("replayId", 41L));
        final org.apache.kafka.connect.storage.OffsetStorageReader reader =
                new org.apache.kafka.connect.storage.OffsetStorageReader() {
                    @Override
                    public <T> Map<String, Object> offset(final Map<String, T> partition) {
                        @SuppressWarnings("unchecked")
                        final Map<String, Object> p = (Map<String, Object>) partition;
                        return store.get(storeKey(p));
                    }

                    @Override
                    public <T> Map<Map<String, T>, Map<String, Object>> offsets(
                            final java.util.Collection<Map<String, T>> partitions) {
                        throw new UnsupportedOperationException();
                    }
                };
        final Map<String, Object> partition =
                SourceOffsets.channelPartition("00DORG", "/event/A__e");
        assertThat(reader.offset(partition)).as("not under the fixed order").isNull();
        assertThat(SourceOffsets.committed(reader, partition)).containsEntry("replayId", 41L);
        // Once a position is committed under the fixed order, that one is read.
        store.put(storeKey(partition), Map.of("replayId", 57L));
        assertThat(SourceOffsets.committed(reader, partition)).containsEntry("replayId", 57L);
    }

    @Test
    void eachTransportStoresAndReadsOnlyItsOwnPosition() {
        final Map<String, Object> cometd =
                SourceOffsets.replayOffset(Transport.COMETD, ReplayId.of(42));
        final Map<String, Object> pubsub =
                SourceOffsets.replayOffset(
                        Transport.PUBSUB, ReplayId.ofBytes(new byte[] {1, 2, 3}));
        assertThat(cometd).containsEntry("replayId", 42L);
        assertThat(SourceOffsets.replayFrom(Transport.COMETD, cometd)).isEqualTo(ReplayId.of(42));
        assertThat(SourceOffsets.replayFrom(Transport.PUBSUB, pubsub))
                .isEqualTo(ReplayId.ofBytes(new byte[] {1, 2, 3}));
        // A transport switch: the other's position is recognised, not misread.
        assertThat(SourceOffsets.replayFrom(Transport.PUBSUB, cometd)).isNull();
        assertThat(SourceOffsets.hasOtherTransport(Transport.PUBSUB, cometd)).isTrue();
        assertThat(SourceOffsets.hasOtherTransport(Transport.COMETD, cometd)).isFalse();
        assertThat(SourceOffsets.replayOffset(Transport.PUBSUB, ReplayId.LATEST)).isNull();
        assertThat(SourceOffsets.replayFrom(Transport.COMETD, null)).isNull();
    }

    @Test
    void onlyChannelPartitionsNameAChannel() {
        assertThat(SourceOffsets.channelOf(SourceOffsets.channelPartition("00D", "/event/A__e")))
                .isEqualTo("/event/A__e");
        assertThat(SourceOffsets.channelOf(SourceOffsets.pollerPartition("00D", "DeployRequest")))
                .isNull();
    }
}
