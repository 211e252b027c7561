package io.sfpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.ingest.SalesforceSourceConfig.Transport;
import io.sfpulse.schemas.event.DeadLetter;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Connection faults injected by the emulator while the connector runs on a real Connect worker and broker. */
class IngestFaultIT extends IngestITBase {

    private static List<String> publish(final String channel, final int n) {
        return h.publish(channel, n, Map.of());
    }

    private static void awaitAll(
            final KafkaConsumer<String, SalesforceEvent> consumer,
            final Set<String> seen,
            final List<String> expected) {
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            IngestHarness.drain(consumer).forEach(e -> seen.add(e.getEventUuid()));
                            assertThat(seen).containsAll(expected);
                        });
    }

    private static String startConnector(
            final String name, final String channel, final Map<String, String> extra) {
        return startConnector(Transport.COMETD, name, channel, extra);
    }

    private static String startConnector(
            final Transport transport,
            final String name,
            final String channel,
            final Map<String, String> extra) {
        h.emulator.org().defineChannel(channel);
        final Map<String, String> config = h.connectorConfig(transport, channel);
        config.putAll(extra);
        if (h.connect == null) {
            h.startConnect();
        }
        h.connect.putConnector(name, config);
        await().atMost(Duration.ofSeconds(60)).until(() -> h.connect.isRunning(name));
        return name;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldLogInAgainWhenTheTokenExpires(final Transport transport) {
        final String channel = "/event/Token_Expiry_" + transport + "__e";
        startConnector(transport, "token-expiry", channel, Map.of());
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final Set<String> seen = new HashSet<>();
            final List<String> expected = new ArrayList<>(publish(channel, 5));
            awaitAll(consumer, seen, expected);
            final int tokensBefore = h.emulator.tokens().issuedCount();
            h.emulator.tokens().expireAll();
            // The next /meta/connect meets 401::Authentication invalid, the Pub/Sub stream ends
            // UNAUTHENTICATED: the task must log in again...
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> h.emulator.tokens().issuedCount() > tokensBefore);
            // ...and keep streaming with the new token.
            expected.addAll(publish(channel, 5));
            awaitAll(consumer, seen, expected);
        }
    }

    @Test
    void shouldLogInAgainWhenTheReHandshakeIsDenied() {
        final String channel = "/event/Handshake_Denied__e";
        startConnector("handshake-denied", channel, Map.of());
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final Set<String> seen = new HashSet<>();
            final List<String> expected = new ArrayList<>(publish(channel, 3));
            awaitAll(consumer, seen, expected);
            final int tokensBefore = h.emulator.tokens().issuedCount();
            // The server forgets the client; its re-handshake is then denied (403::Handshake denied
            // / 401).
            final long deniedBefore = h.emulator.faults().fired("handshake-denied");
            h.emulator.faults().rejectNextHandshake().unknownClientOnNextConnect();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> h.emulator.tokens().issuedCount() > tokensBefore);
            assertThat(h.emulator.faults().fired("handshake-denied") - deniedBefore).isEqualTo(1);
            expected.addAll(publish(channel, 3));
            awaitAll(consumer, seen, expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldKeepSeparateSessionsAndPositionsPerOrg(final Transport transport) {
        final String channel = "/event/Multi_Org_" + transport + "__e";
        try (io.sfpulse.emulator.SalesforceEmulator second =
                io.sfpulse.emulator.SalesforceEmulator.builder()
                        .orgId("00D000000000002EAA")
                        .longPollTimeout(Duration.ofSeconds(3))
                        .pubSubKeepalive(Duration.ofSeconds(1))
                        .build()
                        .start()) {
            second.org().defineChannel(channel);
            startConnector(transport, "org-one", channel, Map.of());
            final Map<String, String> other =
                    IngestHarness.connectorConfig(second, transport, channel);
            other.put(SalesforceSourceConfig.LOGIN_URL_CONFIG, second.baseUrl());
            h.connect.putConnector("org-two", other);
            await().atMost(Duration.ofSeconds(60)).until(() -> h.connect.isRunning("org-two"));
            final List<String> expected = new ArrayList<>(publish(channel, 4));
            for (int i = 0; i < 4; i++) {
                final String id = "org2-" + UUID.randomUUID();
                second.org()
                        .publishPlatformEvent(channel, Map.of("Message__c", "second org " + i), id);
                expected.add(id);
            }
            try (KafkaConsumer<String, SalesforceEvent> consumer =
                    h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
                final List<SalesforceEvent> events = new ArrayList<>();
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(
                                () -> {
                                    events.addAll(IngestHarness.drain(consumer));
                                    assertThat(events)
                                            .extracting(SalesforceEvent::getEventUuid)
                                            .containsAll(expected);
                                });
                assertThat(events)
                        .filteredOn(e -> e.getEventUuid().startsWith("org2-"))
                        .allSatisfy(e -> assertThat(e.getOrgId()).isEqualTo("00D000000000002EAA"));
                assertThat(events)
                        .filteredOn(e -> !e.getEventUuid().startsWith("org2-"))
                        .allSatisfy(
                                e -> assertThat(e.getOrgId()).isEqualTo(h.emulator.org().orgId()));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldSurfaceDailyLimitAsMetricAndKeepTrying(final Transport transport) throws Exception {
        final String channel = "/event/Daily_Limit_" + transport + "__e";
        startConnector(transport, "daily-limit", channel, Map.of());
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final Set<String> seen = new HashSet<>();
            final List<String> expected = new ArrayList<>(publish(channel, 3));
            awaitAll(consumer, seen, expected);
            assertThat(IngestHarness.metric("events-received-total")).isGreaterThanOrEqualTo(3);
            final long limitBefore = h.emulator.faults().fired("daily-limit");
            if (transport == Transport.COMETD) {
                h.emulator.faults().dailyLimitOnNextConnect();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> h.emulator.faults().fired("daily-limit") == limitBefore + 1);
            } else {
                // The stream is reset after one more event; the resubscribe meets the exhausted
                // allocation.
                h.emulator
                        .faults()
                        .pubSubDailyLimitOnNextSubscribe()
                        .dropPubSubStreamAfterEvents(1);
                expected.addAll(publish(channel, 1));
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> IngestHarness.metric("daily-limit-exceeded-total") >= 1);
            expected.addAll(publish(channel, 3));
            awaitAll(consumer, seen, expected);
            assertThat(IngestHarness.metric("reconnects-total")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void shouldRecoverFromServerBusy() {
        final String channel = "/event/Busy__e";
        startConnector("busy", channel, Map.of());
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final Set<String> seen = new HashSet<>();
            final List<String> expected = new ArrayList<>(publish(channel, 3));
            awaitAll(consumer, seen, expected);
            final long busyBefore = h.emulator.faults().fired("server-busy");
            h.emulator.faults().serverBusyOnNextConnects(2);
            expected.addAll(publish(channel, 3));
            awaitAll(consumer, seen, expected);
            // Both busy replies are served (the client keeps reconnecting through them).
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> h.emulator.faults().fired("server-busy") - busyBefore == 2);
        }
    }

    @Test
    void aConnectReplyThatNeverComesIsGivenUpOnAfterTheAdvisedTimeoutPlusAMargin() {
        final String channel = "/event/Stalled_Connect__e";
        startConnector("stalled-connect", channel, Map.of());
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final Set<String> seen = new HashSet<>();
            final List<String> expected = new ArrayList<>(publish(channel, 3));
            awaitAll(consumer, seen, expected);
            final long stallsBefore = h.emulator.faults().fired("connect-stall");
            h.emulator.faults().stallNextConnect();
            try {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> h.emulator.faults().fired("connect-stall") > stallsBefore);
                expected.addAll(publish(channel, 3));
                // The server holds the reply for minutes; the client gives up after the 3 s long
                // poll
                // plus the 15 s margin and connects again, so the events arrive well before the
                // stall ends.
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(
                                () -> {
                                    IngestHarness.drain(consumer)
                                            .forEach(e -> seen.add(e.getEventUuid()));
                                    assertThat(seen).containsAll(expected);
                                });
            } finally {
                h.emulator.faults().releaseConnectStalls();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldFollowEarliestPolicyWhenCommittedReplayIdAgedOut(final Transport transport) {
        final String channel = "/event/Aged_Out_" + transport + "__e";
        startConnector(
                transport,
                "aged-out",
                channel,
                Map.of(SalesforceSourceConfig.REPLAY_INVALID_POLICY_CONFIG, "earliest"));
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            final Set<String> seen = new HashSet<>();
            awaitAll(consumer, seen, publish(channel, 5));
            h.stopConnect();
            // Everything the committed id points into ages out of the retention window while the
            // worker is down.
            h.emulator.org().channel(channel).orElseThrow().purge();
            final List<String> retained = publish(channel, 5);
            startConnector(
                    transport,
                    "aged-out",
                    channel,
                    Map.of(SalesforceSourceConfig.REPLAY_INVALID_POLICY_CONFIG, "earliest"));
            awaitAll(consumer, seen, retained);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldFailTheTaskUnderFailPolicyWhenCommittedReplayIdAgedOut(final Transport transport) {
        final String channel = "/event/Aged_Out_Fail_" + transport + "__e";
        startConnector(transport, "aged-out-fail", channel, Map.of());
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            awaitAll(consumer, new HashSet<>(), publish(channel, 3));
        }
        h.stopConnect();
        h.emulator.org().channel(channel).orElseThrow().purge();
        publish(channel, 2);
        h.startConnect();
        h.connect.putConnector("aged-out-fail", h.connectorConfig(transport, channel));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            final var status = h.connect.status("aged-out-fail");
                            assertThat(status).isNotNull();
                            assertThat(status.tasks())
                                    .anySatisfy(
                                            t -> {
                                                assertThat(t.state()).isEqualTo("FAILED");
                                                assertThat(t.trace())
                                                        .contains(
                                                                "no longer retained by Salesforce");
                                            });
                        });
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldDeadLetterMalformedEventsAndKeepGoing(final Transport transport) {
        final String channel = "/event/Malformed_" + transport + "__e";
        startConnector(transport, "malformed", channel, Map.of());
        final String good = UUID.randomUUID().toString();
        h.emulator
                .org()
                .publishPlatformEvent(channel, Map.of("CreatedDate", "not-a-date"), "bad-" + good);
        h.emulator
                .org()
                .publishPlatformEvent(
                        channel, Map.of("Body__c", "y".repeat(920_000)), "huge-" + good);
        h.emulator.org().publishPlatformEvent(channel, Map.of("Message__c", "fine"), good);
        try (KafkaConsumer<String, SalesforceEvent> events =
                        h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel));
                KafkaConsumer<String, DeadLetter> dlq =
                        h.consumer(DeadLetter.class, TopicNames.INGEST_DLQ)) {
            awaitAll(events, new HashSet<>(), List.of(good));
            final List<DeadLetter> letters = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                letters.addAll(IngestHarness.drain(dlq));
                                assertThat(letters)
                                        .anySatisfy(
                                                l -> {
                                                    assertThat(l.getChannel()).isEqualTo(channel);
                                                    // CometD carries the bad date as text; over
                                                    // Pub/Sub it does not fit the schema's long and
                                                    // cannot be decoded.
                                                    assertThat(l.getError())
                                                            .contains(
                                                                    transport == Transport.COMETD
                                                                            ? "not-a-date"
                                                                            : "could not be decoded");
                                                    assertThat(l.getRaw()).contains("bad-" + good);
                                                });
                                // Too large for a Kafka record: dead-lettered with a truncated
                                // copy, the task keeps running.
                                assertThat(letters)
                                        .anySatisfy(
                                                l -> {
                                                    assertThat(l.getError())
                                                            .contains("above the 900000");
                                                    assertThat(l.getRaw().length())
                                                            .isLessThanOrEqualTo(256 * 1024);
                                                });
                            });
        }
        // Counted: the task's plugin metric (what /metrics exports as
        // sfpulse_connect_plugins_malformed_events_total).
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(malformedEventsCounted()).isGreaterThanOrEqualTo(2));
    }

    /** Sum of the ingest tasks' malformed-events-total over the worker's JMX MBeans (type=plugins). */
    private static double malformedEventsCounted() throws Exception {
        final javax.management.MBeanServer server =
                java.lang.management.ManagementFactory.getPlatformMBeanServer();
        double sum = 0;
        for (final javax.management.ObjectName name :
                server.queryNames(
                        new javax.management.ObjectName("kafka.connect:type=plugins,*"), null)) {
            for (final javax.management.MBeanAttributeInfo a :
                    server.getMBeanInfo(name).getAttributes()) {
                if (a.getName().equals("malformed-events-total")) {
                    sum += ((Number) server.getAttribute(name, a.getName())).doubleValue();
                }
            }
        }
        return sum;
    }
}
