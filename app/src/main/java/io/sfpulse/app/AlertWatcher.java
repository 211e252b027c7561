package io.sfpulse.app;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.serde.AvroSerdeConfig;
import io.sfpulse.schemas.serde.AvroWireDeserializer;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Follows the alert topic (as an SRE team's consumer would) and reports each alert state. */
final class AlertWatcher implements AutoCloseable {

    private final KafkaConsumer<String, Alert> consumer;
    private final List<Alert> seen = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    AlertWatcher(final String bootstrap, final String registryUrl, final Consumer<Alert> onAlert) {
        final AvroWireDeserializer<Alert> values = new AvroWireDeserializer<>(Alert.class);
        values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl), false);
        consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "sfpulse-demo-watcher-" + UUID.randomUUID(),
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        values);
        thread =
                new Thread(
                        () -> {
                            try {
                                consumer.subscribe(List.of(TopicNames.ALERTS));
                                while (running) {
                                    for (final ConsumerRecord<String, Alert> r :
                                            consumer.poll(Duration.ofMillis(300))) {
                                        seen.add(r.value());
                                        onAlert.accept(r.value());
                                    }
                                }
                            } catch (WakeupException e) {
                                // closing
                            } finally {
                                consumer.close();
                            }
                        },
                        "sfpulse-alert-watcher");
        thread.start();
    }

    List<Alert> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
