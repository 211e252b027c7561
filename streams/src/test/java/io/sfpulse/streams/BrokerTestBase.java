package io.sfpulse.streams;

import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.schemas.topic.TopicNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A real KRaft broker and schema registry, started once for the tests of each subclass. */
abstract class BrokerTestBase {

    static EmbeddedKafka kafka;
    static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.startTemporary();
        registry =
                new EmbeddedSchemaRegistry(
                                kafka.bootstrapServers(), TopicNames.SCHEMA_REGISTRY, 0, null)
                        .start();
    }

    @AfterAll
    static void stopBroker() {
        registry.close();
        kafka.close();
    }
}
