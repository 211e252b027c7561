package io.sfpulse.app.bench;

import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.DetectionTopology;
import io.sfpulse.streams.time.SalesforceEventTimestampExtractor;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The reference of {@code bench streams}: what Kafka Streams itself costs on this machine for the
 * detection app's input and output - the same event topics, serdes and timestamp extractor in, a
 * {@link Signal} per event out with the same serde - and nothing else (no parsing of the payload,
 * no state, no release attribution, no detector). Deserialize, map, serialize, produce.
 */
final class PassThroughTopology {

    static final String OUTPUT = "sfpulse.bench.pass-through.v1";

    private PassThroughTopology() {}

    static Topology build(final DetectionConfig config, final Topics topics) {
        final Serde<SalesforceEvent> eventSerde = topics.serdes().valueSerde(SalesforceEvent.class);
        final Serde<Signal> signalSerde = topics.serdes().valueSerde(Signal.class);
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(
                        DetectionTopology.eventTopics(config),
                        Consumed.with(Serdes.String(), eventSerde)
                                .withTimestampExtractor(new SalesforceEventTimestampExtractor())
                                .withName("pass-through-source"))
                .mapValues(
                        e ->
                                Signal.newBuilder()
                                        .setOrgId(e.getOrgId())
                                        .setKind(SignalKind.OBSERVATION)
                                        .setSubject(e.getChannel())
                                        .setChannel(e.getChannel())
                                        .setEventUuid(e.getEventUuid())
                                        .setEventTime(e.getEventTime())
                                        .build(),
                        Named.as("pass-through-map"))
                .to(
                        OUTPUT,
                        Produced.with(Serdes.String(), signalSerde).withName("pass-through-sink"));
        return builder.build();
    }
}
