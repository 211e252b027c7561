package io.sfpulse.app.bench;

import io.sfpulse.embedded.EmbeddedConnect;
import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.emulator.org.EventLogFileRecord;
import io.sfpulse.ingest.SalesforceSourceConfig;
import io.sfpulse.schemas.topic.TopicNames;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * EventLogFile throughput: hourly RestApi log files in the emulated org (CSV rows as Salesforce
 * writes them) downloaded by the connector's EventLogFile poller, parsed, mapped to Avro and
 * written to Kafka, from connector start until every row is on the topic. The reference, on the
 * same broker in the same run: a plain producer writing the very records the connector wrote (same
 * keys, same value bytes, read back from its topic) to a topic of their own, from producer
 * creation until the last is acknowledged. The ratio says how far CSV-to-Kafka is from what the
 * broker and the producer allow here.
 */
public final class EventLogFileBenchmark {

    private static final int ROWS_PER_FILE = 10_000;
    private static final String TYPE = "RestApi";
    private final PrintStream out;

    public EventLogFileBenchmark(final PrintStream out) {
        this.out = out;
    }

    public void run(final int rows) throws Exception {
        final String topic = TopicNames.forChannel("elf/" + TYPE);
        final String referenceTopic = "sfpulse.bench.producer-reference.v1";
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
                EmbeddedSchemaRegistry registry =
                        new EmbeddedSchemaRegistry(
                                        kafka.bootstrapServers(),
                                        TopicNames.SCHEMA_REGISTRY,
                                        0,
                                        null)
                                .start();
                SalesforceEmulator emulator = SalesforceEmulator.builder().build().start()) {
            kafka.createTopics(
                    1, List.of(topic, referenceTopic, TopicNames.forChannel("/event/Bench_0__e")));
            emulator.org()
                    .defineChannel(
                            "/event/Bench_0__e"); // the connector streams a channel; this one stays
            // quiet
            final long csvBytes = addLogFiles(emulator, rows);
            final double connectorSeconds;
            try (EmbeddedConnect connect = IngestBenchmark.startConnect(kafka, registry);
                    Admin admin = kafka.admin()) {
                final Map<String, String> c =
                        IngestBenchmark.connectorConfig(
                                emulator,
                                io.sfpulse.ingest.SalesforceSourceConfig.Transport.COMETD,
                                1,
                                List.of("/event/Bench_0__e"));
                c.put(SalesforceSourceConfig.ELF_EVENT_TYPES_CONFIG, TYPE);
                c.put(SalesforceSourceConfig.ELF_INTERVAL_CONFIG, "Hourly");
                c.put(SalesforceSourceConfig.ELF_POLL_INTERVAL_MS_CONFIG, "100");
                final long start = System.nanoTime();
                connect.putConnector("bench-elf", c);
                while (endOffset(admin, topic) < rows) {
                    Thread.sleep(50); // sampling the end offset
                    if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
                        throw new IllegalStateException("EventLogFile benchmark did not finish");
                    }
                }
                connectorSeconds = (System.nanoTime() - start) / 1e9;
            }
            final List<ProducerRecord<byte[], byte[]>> written =
                    readBack(kafka.bootstrapServers(), topic, referenceTopic, rows);
            final long valueBytes = written.stream().mapToLong(r -> r.value().length).sum();
            final double producerSeconds = produce(kafka.bootstrapServers(), written);
            final double connectorRate = rows / connectorSeconds;
            final double producerRate = rows / producerSeconds;
            out.printf(
                    Locale.ROOT,
                    "%nEventLogFile (emulator -> REST download of %d hourly %s files, %.1f MB of CSV -> parse -> Avro -> Kafka)"
                            + " next to a plain producer writing the same %d records (%.0f bytes per value on average)%n",
                    rows / ROWS_PER_FILE,
                    TYPE,
                    csvBytes / 1e6,
                    rows,
                    (double) valueBytes / rows);
            out.printf(
                    "| rows | connector seconds | connector rows/s | producer seconds | producer records/s | connector / producer |%n"
                            + "|---|---|---|---|---|---|%n");
            out.printf(
                    Locale.ROOT,
                    "| %d | %.2f | %.0f | %.2f | %.0f | %.2f |%n",
                    rows,
                    connectorSeconds,
                    connectorRate,
                    producerSeconds,
                    producerRate,
                    connectorRate / producerRate);
        }
    }

    /** Hourly files of ROWS_PER_FILE rows each, an hour apart, created two days ago; returns the CSV bytes. */
    private static long addLogFiles(final SalesforceEmulator emulator, final int rows) {
        final Instant day = Instant.parse("2026-11-20T00:00:00Z");
        long bytes = 0;
        for (int f = 0; f * ROWS_PER_FILE < rows; f++) {
            final Instant hour = day.plus(Duration.ofHours(f));
            final StringBuilder csv =
                    new StringBuilder(
                            "\"EVENT_TYPE\",\"TIMESTAMP\",\"REQUEST_ID\",\"ORGANIZATION_ID\",\"USER_ID\",\"RUN_TIME\","
                                    + "\"CPU_TIME\",\"URI\",\"METHOD\",\"STATUS_CODE\",\"REQUEST_SIZE\",\"RESPONSE_SIZE\",\"TIMESTAMP_DERIVED\"\n");
            for (int i = 0; i < ROWS_PER_FILE && f * ROWS_PER_FILE + i < rows; i++) {
                final Instant at = hour.plusMillis(i * 3_600_000L / ROWS_PER_FILE);
                csv.append(
                        String.format(
                                Locale.ROOT,
                                "\"RestApi\",\"%s\",\"%s\",\"00D000000000001\",\"005000000000%03d\",\"%d\",\"%d\","
                                        + "\"/services/data/v62.0/sobjects/Account/001000000000%03dAAA\",\"GET\",\"%d\",\"0\",\"%d\",\"%s\"\n",
                                at.toString().replaceAll("[-:TZ]", ""),
                                UUID.nameUUIDFromBytes(("r" + f + "-" + i).getBytes()),
                                i % 100,
                                20 + i % 400,
                                5 + i % 50,
                                i % 1000,
                                i % 97 == 0 ? 500 : 200,
                                800 + i % 3000,
                                at));
            }
            bytes += csv.length();
            emulator.org()
                    .addEventLogFile(
                            new EventLogFileRecord(
                                    String.format("0AT%012dAAA", f),
                                    TYPE,
                                    "Hourly",
                                    hour,
                                    1,
                                    day.plus(Duration.ofDays(1)),
                                    csv.toString()));
        }
        return bytes;
    }

    /** The records the connector wrote, as raw bytes, addressed to the reference topic. */
    private static List<ProducerRecord<byte[], byte[]>> readBack(
            final String bootstrap, final String topic, final String to, final int rows) {
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(rows);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (records.size() < rows && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> r :
                        consumer.poll(Duration.ofMillis(500))) {
                    records.add(new ProducerRecord<>(to, r.key(), r.value()));
                }
            }
        }
        return records;
    }

    /** Seconds for a plain producer (default settings, acks=all) to send every record and have it acknowledged. */
    private static double produce(
            final String bootstrap, final List<ProducerRecord<byte[], byte[]>> records) {
        final long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static long endOffset(final Admin admin, final String topic) throws Exception {
        return admin.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest()))
                .all()
                .get()
                .values()
                .iterator()
                .next()
                .offset();
    }
}
