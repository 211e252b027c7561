package io.sfpulse.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfpulse.embedded.registry.EmbeddedSchemaRegistry;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.registry.RestSchemaRegistryClient;
import io.sfpulse.schemas.registry.SchemaRegistryException;
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
            try (EmbeddedSchemaRegistry registry =
                    new EmbeddedSchemaRegistry(kafka.bootstrapServers(), TOPIC, 0, "sr:secret")
                            .start()) {
                final RestSchemaRegistryClient client =
                        new RestSchemaRegistryClient(List.of(registry.url()), "sr:secret");
                eventId = client.register("events-value", SalesforceEvent.getClassSchema());
                markerId = client.register("markers-value", DeploymentMarker.getClassSchema());
                assertThat(markerId).isNotEqualTo(eventId);
                // Same schema under another subject keeps its global id; registering again is
                // idempotent.
                assertThat(client.register("other-value", SalesforceEvent.getClassSchema()))
                        .isEqualTo(eventId);
                assertThat(client.register("events-value", SalesforceEvent.getClassSchema()))
                        .isEqualTo(eventId);
                assertThat(client.lookup("events-value", SalesforceEvent.getClassSchema()))
                        .isEqualTo(eventId);
                assertThat(client.getById(eventId)).isEqualTo(SalesforceEvent.getClassSchema());

                final RestSchemaRegistryClient anonymous =
                        new RestSchemaRegistryClient(List.of(registry.url()), null);
                assertThatThrownBy(() -> anonymous.getById(eventId))
                        .isInstanceOf(SchemaRegistryException.class)
                        .satisfies(
                                e ->
                                        assertThat(((SchemaRegistryException) e).status())
                                                .isEqualTo(401));
                assertThatThrownBy(
                                () ->
                                        client.lookup(
                                                "events-value", DeploymentMarker.getClassSchema()))
                        .satisfies(
                                e ->
                                        assertThat(((SchemaRegistryException) e).errorCode())
                                                .isEqualTo(40403));

                final HttpResponse<String> latest =
                        HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                registry.url()
                                                                        + "/subjects/events-value/versions/latest"))
                                                .header(
                                                        "Authorization",
                                                        "Basic "
                                                                + java.util.Base64.getEncoder()
                                                                        .encodeToString(
                                                                                "sr:secret"
                                                                                        .getBytes()))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                assertThat(latest.statusCode()).isEqualTo(200);
                assertThat(latest.body())
                        .contains(
                                "\"subject\":\"events-value\"",
                                "\"version\":1",
                                "\"id\":" + eventId);
            }
            try (EmbeddedSchemaRegistry restarted =
                    new EmbeddedSchemaRegistry(kafka.bootstrapServers(), TOPIC, 0, null).start()) {
                final RestSchemaRegistryClient client =
                        new RestSchemaRegistryClient(List.of(restarted.url()), null);
                assertThat(client.getById(eventId)).isEqualTo(SalesforceEvent.getClassSchema());
                assertThat(client.register("markers-value", DeploymentMarker.getClassSchema()))
                        .isEqualTo(markerId);
                assertThat(
                                client.register(
                                        "new-value",
                                        org.apache.avro.Schema.create(
                                                org.apache.avro.Schema.Type.STRING)))
                        .isGreaterThan(Math.max(eventId, markerId));
            }
        }
    }

    private static HttpResponse<String> send(
            final String method, final String url, final String type, final String body)
            throws Exception {
        final HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            b.header("Content-Type", type);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusesMalformedRequestsInTheConfluentErrorFormatAndKeepsServing() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
                EmbeddedSchemaRegistry registry =
                        new EmbeddedSchemaRegistry(kafka.bootstrapServers(), TOPIC, 0, null)
                                .start()) {
            final String versions = registry.url() + "/subjects/x-value/versions";
            final String type = "application/vnd.schemaregistry.v1+json";
            final HttpResponse<String> badJson = send("POST", versions, type, "{\"schema\":");
            assertThat(badJson.statusCode()).isEqualTo(400);
            assertThat(badJson.body())
                    .contains("\"error_code\":400")
                    .contains("not valid JSON")
                    .doesNotContain("Exception");
            final HttpResponse<String> noSchema =
                    send("POST", versions, type, "{\"schemaType\":\"AVRO\"}");
            assertThat(noSchema.statusCode()).isEqualTo(422);
            assertThat(noSchema.body()).contains("\"error_code\":42201");
            final HttpResponse<String> badSchema =
                    send("POST", versions, type, "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}");
            assertThat(badSchema.statusCode()).isEqualTo(422);
            assertThat(badSchema.body())
                    .contains("\"error_code\":42201")
                    .contains("Invalid schema");
            final HttpResponse<String> protobuf =
                    send(
                            "POST",
                            versions,
                            type,
                            "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax\"}");
            assertThat(protobuf.statusCode()).isEqualTo(422);
            assertThat(protobuf.body()).contains("Only AVRO schemas are supported");
            final HttpResponse<String> unknown =
                    send("GET", registry.url() + "/nowhere/at/all", null, null);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("\"error_code\":404");
            final HttpResponse<String> notAnId =
                    send("GET", registry.url() + "/schemas/ids/abc", null, null);
            assertThat(notAnId.statusCode()).isEqualTo(404);
            assertThat(notAnId.body()).contains("\"error_code\":40403");
            final HttpResponse<String> huge =
                    send(
                            "POST",
                            versions,
                            type,
                            "{\"schema\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}");
            assertThat(huge.statusCode()).isEqualTo(413);
            assertThat(huge.body()).contains("body larger than").doesNotContain("Exception");
            // and it keeps serving
            assertThat(send("GET", registry.url() + "/subjects", null, null).body())
                    .isEqualTo("[]");
        }
    }
}
