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

/** REST pollers under Salesforce errors: transient ones are retried with back-off, permanent ones stop that poller loudly. */
class RestPollerFaultIT extends IngestITBase {


    private static List<DeploymentMarker> awaitMarker(final KafkaConsumer<String, DeploymentMarker> consumer, final String deployId) {
        final List<DeploymentMarker> markers = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            markers.addAll(IngestHarness.drain(consumer));
            assertThat(markers).extracting(DeploymentMarker::getDeployId).contains(deployId);
        });
        return markers;
    }

    @Test
    void transientErrorsAreRetriedFromTheSameCursor() throws Exception {
        final Instant completed = Instant.now().minusSeconds(30);
        h.emulator.org().addDeployRequest(new DeployRequestRecord("0Af00000000T001AAA", "Succeeded", false, completed.minusSeconds(20),
            completed, "Release Bot", List.of("ApexClass:InvoiceService"), 0));
        final long injectedBefore = h.emulator.faults().restFaultsInjected();
        h.emulator.faults().failRestQueries("DeployRequest", 3, 503, "SERVER_UNAVAILABLE", "Server is temporarily unavailable");
        final Map<String, String> config = h.connectorConfig();
        config.put(SalesforceSourceConfig.DEPLOY_POLL_INTERVAL_MS_CONFIG, "200");
        h.startConnect().putConnector("transient", config);
        try (KafkaConsumer<String, DeploymentMarker> consumer = h.consumer(DeploymentMarker.class, TopicNames.DEPLOYMENT_MARKERS)) {
            awaitMarker(consumer, "0Af00000000T001AAA");
        }
        assertThat(h.emulator.faults().restFaultsInjected() - injectedBefore).as("503s answered").isEqualTo(3);
        assertThat(IngestHarness.metric("poll-failures-total")).isGreaterThanOrEqualTo(3);
        assertThat(IngestHarness.metric("pollers-stopped")).isZero();
    }

    @Test
    void aPermanentErrorStopsThatPollerOnceAndTheOtherSourcesGoOn() throws Exception {
        final String channel = "/event/Poller_Fault__e";
        h.emulator.org().defineChannel(channel);
        final long injectedBefore = h.emulator.faults().restFaultsInjected();
        h.emulator.faults().failRestQueries("SetupAuditTrail", -1, 403, "INSUFFICIENT_ACCESS",
            "Insufficient Privileges: You don't have access to this object (View Setup and Configuration).");
        final Map<String, String> config = h.connectorConfig(channel);
        config.put(SalesforceSourceConfig.SETUP_AUDIT_POLL_INTERVAL_MS_CONFIG, "200");
        config.put(SalesforceSourceConfig.DEPLOY_POLL_INTERVAL_MS_CONFIG, "200");
        config.put("tasks.max", "1");
        h.startConnect().putConnector("permanent", config);
        await().atMost(Duration.ofSeconds(60)).until(() -> IngestHarness.metric("pollers-stopped") == 1);
        assertThat(h.emulator.faults().restFaultsInjected() - injectedBefore).as("the refused query was asked once").isEqualTo(1);
        // Streaming and the DeployRequest poller are unaffected.
        final Instant completed = Instant.now().minusSeconds(5);
        h.emulator.org().addDeployRequest(new DeployRequestRecord("0Af00000000P001AAA", "Succeeded", false, completed.minusSeconds(20),
            completed, "Release Bot", List.of("ApexClass:InvoiceService"), 0));
        final String id = UUID.randomUUID().toString();
        h.emulator.org().publishPlatformEvent(channel, Map.of("Message__c", "still streaming"), id);
        try (KafkaConsumer<String, DeploymentMarker> markers = h.consumer(DeploymentMarker.class, TopicNames.DEPLOYMENT_MARKERS);
             KafkaConsumer<String, SalesforceEvent> events = h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            awaitMarker(markers, "0Af00000000P001AAA");
            final List<String> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                IngestHarness.drain(events).forEach(e -> seen.add(e.getEventUuid()));
                return seen.contains(id);
            });
        }
        assertThat(h.emulator.faults().restFaultsInjected() - injectedBefore).as("never asked again").isEqualTo(1);
        assertThat(h.connect.isRunning("permanent")).isTrue();
    }
}
