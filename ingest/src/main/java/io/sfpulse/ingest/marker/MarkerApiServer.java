package io.sfpulse.ingest.marker;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.http.BearerToken;
import io.sfpulse.http.HttpEndpoint;
import io.sfpulse.http.HttpError;
import io.sfpulse.http.RouteRequest;
import io.sfpulse.http.RouteResponse;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.id.SalesforceIds;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP endpoint for CI/CD pipelines to announce releases: {@code POST /v1/markers} with a bearer
 * token and {@code {"orgId","label","commit","components":[...],"time"}} writes a
 * {@link DeploymentMarker} (source MARKER_API) and answers 202 once Kafka acknowledged it.
 */
public final class MarkerApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MarkerApiServer.class);
    private static final int MAX_BODY = 256 * 1024;

    private final HttpEndpoint endpoint;
    private final KafkaProducer<String, DeploymentMarker> producer;

    public MarkerApiServer(
            final String bootstrap,
            final Topics topics,
            final String host,
            final int port,
            final String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("The marker API needs a token (marker.api.token)");
        }
        this.producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                true),
                        new StringSerializer(),
                        topics.deploymentMarkers().valueSerde().serializer());
        this.endpoint =
                HttpEndpoint.on("marker-api", host, port)
                        .token(BearerToken.of(token))
                        .maxBodyBytes(MAX_BODY)
                        .build()
                        .route(
                                "/v1/markers",
                                Set.of("POST"),
                                false,
                                Set.of("application/json"),
                                this::handle);
    }

    public MarkerApiServer start() {
        try {
            endpoint.start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot bind the marker API on " + endpoint.host() + ":" + endpoint.port(), e);
        }
        LOG.info("Marker API listening on port {}", port());
        return this;
    }

    public int port() {
        return endpoint.port();
    }

    private RouteResponse handle(final RouteRequest request) {
        if (!request.path().equals("/v1/markers")) {
            throw HttpError.notFound("no such path: " + request.path());
        }
        final DeploymentMarker marker;
        try {
            marker = parse(request.jsonObject());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw HttpError.badRequest("invalid marker: " + e.getMessage());
        }
        try {
            final RecordMetadata meta =
                    producer.send(
                                    new ProducerRecord<>(
                                            TopicNames.DEPLOYMENT_MARKERS,
                                            null,
                                            marker.getCompletedTime().toEpochMilli(),
                                            marker.getOrgId(),
                                            marker))
                            .get(30, TimeUnit.SECONDS);
            LOG.atInfo()
                    .addKeyValue("org", marker.getOrgId())
                    .addKeyValue("deployId", marker.getDeployId())
                    .log(
                            "Marker ({}) at {} accepted",
                            marker.getLabel(),
                            marker.getCompletedTime());
            final Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("deployId", marker.getDeployId());
            answer.put("orgId", marker.getOrgId());
            answer.put("completedTime", marker.getCompletedTime().toString());
            answer.put("partition", meta.partition());
            answer.put("offset", meta.offset());
            return RouteResponse.jsonOf(202, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RouteResponse.error(503, "interrupted; marker not stored, retry");
        } catch (ExecutionException | TimeoutException e) {
            LOG.atError()
                    .addKeyValue("org", marker.getOrgId())
                    .log("Marker API could not store a marker: {}", e.toString());
            return RouteResponse.error(
                    503, "marker not stored (Kafka did not acknowledge it); retry");
        }
    }

    /** Validates and converts a request body. */
    static DeploymentMarker parse(final JsonNode json) {
        final String given = json.path("orgId").asText("");
        if (!SalesforceIds.isId(given)) {
            throw new IllegalArgumentException(
                    "orgId must be a 15 or 18 character Salesforce org id");
        }
        // Events are keyed by the 18-character id: a 15-character id from CI must land on the same
        // key.
        final String org = SalesforceIds.to18(given);
        final String label = json.path("label").asText(json.path("version").asText(""));
        if (label.isBlank()) {
            throw new IllegalArgumentException("label (or version) is required");
        }
        final List<String> components = new ArrayList<>();
        json.path("components").forEach(c -> components.add(c.asText()));
        final Instant time =
                json.hasNonNull("time") ? Instant.parse(json.get("time").asText()) : Instant.now();
        return DeploymentMarker.newBuilder()
                .setOrgId(org)
                .setDeployId(json.path("deployId").asText("ci-" + UUID.randomUUID()))
                .setSource(MarkerSource.MARKER_API)
                .setStatus(json.path("status").asText("Succeeded"))
                .setCompletedTime(time)
                .setCreatedBy(json.hasNonNull("createdBy") ? json.get("createdBy").asText() : null)
                .setLabel(label)
                .setCommit(json.hasNonNull("commit") ? json.get("commit").asText() : null)
                .setCommitTime(
                        json.hasNonNull("commitTime")
                                ? Instant.parse(json.get("commitTime").asText())
                                : null)
                .setComponents(components)
                .setComponentCount(components.size())
                .build();
    }

    @Override
    public void close() {
        endpoint.close();
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
