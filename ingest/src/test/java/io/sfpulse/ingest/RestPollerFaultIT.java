package io.sfpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.emulator.org.DeployRequestRecord;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** REST pollers under Salesforce errors: transient ones are retried with back-off, permanent ones stop that poller loudly. */
class RestPollerFaultIT extends IngestITBase {

    private static List<DeploymentMarker> awaitMarker(
            final KafkaConsumer<String, DeploymentMarker> consumer, final String deployId) {
        final List<DeploymentMarker> markers = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            markers.addAll(IngestHarness.drain(consumer));
                            assertThat(markers)
                                    .extracting(DeploymentMarker::getDeployId)
                                    .contains(deployId);
                        });
        return markers;
    }

    @Test
    void transientErrorsAreRetriedFromTheSameCursor() throws Exception {
        final Instant completed = Instant.now().minusSeconds(30);
        h.emulator
                .org()
                .addDeployRequest(
                        new DeployRequestRecord(
                                "0Af00000000T001AAA",
                                "Succeeded",
                                false,
                                completed.minusSeconds(20),
                                completed,
                                "Release Bot",
                                List.of("ApexClass:InvoiceService"),
                                0));
        final long injectedBefore = h.emulator.faults().restFaultsInjected();
        h.emulator
                .faults()
                .failRestQueries(
                        "DeployRequest",
                        3,
                        503,
                        "SERVER_UNAVAILABLE",
                        "Server is temporarily unavailable");
        final Map<String, String> config = h.connectorConfig();
        config.put(SalesforceSourceConfig.DEPLOY_POLL_INTERVAL_MS_CONFIG, "200");
        h.startConnect().putConnector("transient", config);
        try (KafkaConsumer<String, DeploymentMarker> consumer =
                h.consumer(DeploymentMarker.class, TopicNames.DEPLOYMENT_MARKERS)) {
            awaitMarker(consumer, "0Af00000000T001AAA");
        }
        assertThat(h.emulator.faults().restFaultsInjected() - injectedBefore)
                .as("503s answered")
                .isEqualTo(3);
        assertThat(IngestHarness.metric("poll-failures-total")).isGreaterThanOrEqualTo(3);
        assertThat(IngestHarness.metric("pollers-stopped")).isZero();
    }

    /** Every permanent error kind Salesforce answers a poll with: malformed query, session refused after a new login, no permission, no such resource. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "400|MALFORMED_QUERY|unexpected token: 'FORM'|1",
                "401|INVALID_SESSION_ID|Session expired or invalid|2",
                "403|INSUFFICIENT_ACCESS|Insufficient Privileges: You don't have access to this object (View Setup and Configuration).|1",
                "404|NOT_FOUND|The requested resource does not exist|1"
            })
    void aPermanentErrorStopsThatPollerOnceAndTheOtherSourcesGoOn(
            final int status,
            final String errorCode,
            final String message,
            final int answersPerStop)
            throws Exception {
        final String channel = "/event/Poller_Fault_" + status + "__e";
        h.emulator.org().defineChannel(channel);
        final long injectedBefore = h.emulator.faults().restFaultsInjected();
        final java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        final java.io.PrintStream stderr = System.err;
        // The task logs to stderr (slf4j-simple): keep a copy to read the poller's message.
        System.setErr(
                new java.io.PrintStream(
                        new java.io.OutputStream() {
                            @Override
                            public void write(final int b) {
                                stderr.write(b);
                                synchronized (log) {
                                    log.write(b);
                                }
                            }

                            @Override
                            public void write(final byte[] b, final int off, final int len) {
                                stderr.write(b, off, len);
                                synchronized (log) {
                                    log.write(b, off, len);
                                }
                            }
                        },
                        true));
        try {
            h.emulator.faults().failRestQueries("SetupAuditTrail", -1, status, errorCode, message);
            final Map<String, String> config = h.connectorConfig(channel);
            config.put(SalesforceSourceConfig.SETUP_AUDIT_POLL_INTERVAL_MS_CONFIG, "200");
            config.put(SalesforceSourceConfig.DEPLOY_POLL_INTERVAL_MS_CONFIG, "200");
            config.put("tasks.max", "1");
            h.startConnect().putConnector("permanent-" + status, config);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> IngestHarness.metric("pollers-stopped") == 1);
            // One clear message naming the poller, the status and Salesforce's errorCode.
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () ->
                                    log.toString()
                                            .contains(
                                                    "SetupAuditTrail poller stopped: Salesforce refused it "
                                                            + "permanently ("
                                                            + status
                                                            + " "
                                                            + errorCode
                                                            + ")"));
            assertThat(h.emulator.faults().restFaultsInjected() - injectedBefore)
                    .as("the refused query was answered")
                    .isEqualTo(answersPerStop);
            // Streaming and the DeployRequest poller are unaffected.
            final Instant completed = Instant.now().minusSeconds(5);
            final String deployId = "0Af00000000P" + status + "AAA";
            h.emulator
                    .org()
                    .addDeployRequest(
                            new DeployRequestRecord(
                                    deployId,
                                    "Succeeded",
                                    false,
                                    completed.minusSeconds(20),
                                    completed,
                                    "Release Bot",
                                    List.of("ApexClass:InvoiceService"),
                                    0));
            final String id = UUID.randomUUID().toString();
            h.emulator
                    .org()
                    .publishPlatformEvent(channel, Map.of("Message__c", "still streaming"), id);
            try (KafkaConsumer<String, DeploymentMarker> markers =
                            h.consumer(DeploymentMarker.class, TopicNames.DEPLOYMENT_MARKERS);
                    KafkaConsumer<String, SalesforceEvent> events =
                            h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
                awaitMarker(markers, deployId);
                final List<String> seen = new ArrayList<>();
                await().atMost(Duration.ofSeconds(60))
                        .until(
                                () -> {
                                    IngestHarness.drain(events)
                                            .forEach(e -> seen.add(e.getEventUuid()));
                                    return seen.contains(id);
                                });
            }
            assertThat(h.emulator.faults().restFaultsInjected() - injectedBefore)
                    .as("never asked again")
                    .isEqualTo(answersPerStop);
            assertThat(h.connect.isRunning("permanent-" + status)).isTrue();
            assertThat(log.toString().split("SetupAuditTrail poller stopped", -1))
                    .as("logged once")
                    .hasSize(2);
        } finally {
            System.setErr(stderr);
            h.emulator.faults().failRestQueries("SetupAuditTrail", 0, status, errorCode, message);
        }
    }
}
