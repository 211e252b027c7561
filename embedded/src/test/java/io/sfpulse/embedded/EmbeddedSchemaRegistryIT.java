package io.sfpulse.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfpulse.embedded.EmbeddedKafka;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.registry.RestSchemaRegistryClient;
import io.sfpulse.schemas.registry.SchemaRegistryException;
import io.sfpulse.schemas.registry.server.EmbeddedSchemaRegistry;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedSchemaRegistryIT {

    private static final String TOPIC = "sfpulse.schemas.registry.v1";

    @Test
    void shouldServeConfluentRestSubsetWithBasicAuthAndKeepIdsAcrossRestart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
            final int eventId;
            final int markerId;
            try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(kafka.bootstrapServers(), TOPIC, 0, "sr:secret").start()) {
                final RestSchemaRegistryClient client = new RestSchemaRegistryClient(List.of(registry.url()), "sr:secret");
                eventId = client.register("events-value", SalesforceEvent.getClassSchema());
                markerId = client.register("markers-value", DeploymentMarker.getClassSchema());
                assertThat(markerId).isNotEqualTo(eventId);
                // Same schema under another subject keeps its global id; registering again is idempotent.
                assertThat(client.register("other-value", SalesforceEvent.getClassSchema())).isEqualTo(eventId);
                assertThat(client.register("events-value", SalesforceEvent.getClassSchema())).isEqualTo(eventId);
                assertThat(client.lookup("events-value", SalesforceEvent.getClassSchema())).isEqualTo(eventId);
                assertThat(client.getById(eventId)).isEqualTo(SalesforceEvent.getClassSchema());

                final RestSchemaRegistryClient anonymous = new RestSchemaRegistryClient(List.of(registry.url()), null);
                assertThatThrownBy(() -> anonymous.getById(eventId)).isInstanceOf(SchemaRegistryException.class)
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).status()).isEqualTo(401));
                assertThatThrownBy(() -> client.lookup("events-value", DeploymentMarker.getClassSchema()))
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(40403));

                final HttpResponse<String> latest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(registry.url() + "/subjects/events-value/versions/latest"))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("sr:secret".getBytes())).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertThat(latest.statusCode()).isEqualTo(200);
                assertThat(latest.body()).contains("\"subject\":\"events-value\"", "\"version\":1", "\"id\":" + eventId);
            }
            try (EmbeddedSchemaRegistry restarted = new EmbeddedSchemaRegistry(kafka.bootstrapServers(), TOPIC, 0, null).start()) {
                final RestSchemaRegistryClient client = new RestSchemaRegistryClient(List.of(restarted.url()), null);
                assertThat(client.getById(eventId)).isEqualTo(SalesforceEvent.getClassSchema());
                assertThat(client.register("markers-value", DeploymentMarker.getClassSchema())).isEqualTo(markerId);
                assertThat(client.register("new-value", org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING)))
                    .isGreaterThan(Math.max(eventId, markerId));
            }
        }
    }
}
