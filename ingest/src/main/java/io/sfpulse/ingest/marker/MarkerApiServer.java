package io.sfpulse.ingest.marker;

import io.sfpulse.schemas.id.SalesforceIds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 256 * 1024;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> new Thread(r, "sfpulse-marker-api"));
    private final KafkaProducer<String, DeploymentMarker> producer;
    private final byte[] token;

    public MarkerApiServer(final String bootstrap, final Topics topics, final String host, final int port, final String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("The marker API needs a token (marker.api.token)");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), topics.deploymentMarkers().valueSerde().serializer());
        try {
            this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot bind the marker API on " + host + ":" + port, e);
        }
        server.setExecutor(executor);
        server.createContext("/v1/markers", this::handle);
    }

    public MarkerApiServer start() {
        server.start();
        LOG.info("Marker API listening on port {}", port());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(final HttpExchange ex) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                reply(ex, 405, Map.of("error", "method_not_allowed"));
                return;
            }
            final String auth = ex.getRequestHeaders().getFirst("Authorization");
            final byte[] given = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
            if (!MessageDigest.isEqual(given, token)) {
                reply(ex, 401, Map.of("error", "unauthorized"));
                return;
            }
            final byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                reply(ex, 413, Map.of("error", "payload_too_large"));
                return;
            }
            final DeploymentMarker marker;
            try {
                marker = parse(JSON.readTree(body));
            } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
                reply(ex, 400, Map.of("error", "invalid_marker", "message", String.valueOf(e.getMessage())));
                return;
            }
            final RecordMetadata meta = producer.send(new ProducerRecord<>(TopicNames.DEPLOYMENT_MARKERS, null,
                marker.getCompletedTime().toEpochMilli(), marker.getOrgId(), marker)).get(30, TimeUnit.SECONDS);
            LOG.atInfo().addKeyValue("org", marker.getOrgId()).addKeyValue("deployId", marker.getDeployId()).log("Marker ({}) at {} accepted",
                marker.getLabel(), marker.getCompletedTime());
            final Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("deployId", marker.getDeployId());
            answer.put("orgId", marker.getOrgId());
            answer.put("completedTime", marker.getCompletedTime().toString());
            answer.put("partition", meta.partition());
            answer.put("offset", meta.offset());
            reply(ex, 202, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(ex, 503, Map.of("error", "interrupted"));
        } catch (Exception e) {
            LOG.error("Marker API could not store a marker", e);
            reply(ex, 503, Map.of("error", "unavailable", "message", "marker not stored; retry"));
        }
    }

    /** Validates and converts a request body. */
    static DeploymentMarker parse(final JsonNode json) {
        final String given = json.path("orgId").asText("");
        if (!SalesforceIds.isId(given)) {
            throw new IllegalArgumentException("orgId must be a 15 or 18 character Salesforce org id");
        }
        // Events are keyed by the 18-character id: a 15-character id from CI must land on the same key.
        final String org = SalesforceIds.to18(given);
        final String label = json.path("label").asText(json.path("version").asText(""));
        if (label.isBlank()) {
            throw new IllegalArgumentException("label (or version) is required");
        }
        final List<String> components = new ArrayList<>();
        json.path("components").forEach(c -> components.add(c.asText()));
        final Instant time = json.hasNonNull("time") ? Instant.parse(json.get("time").asText()) : Instant.now();
        return DeploymentMarker.newBuilder()
            .setOrgId(org)
            .setDeployId(json.path("deployId").asText("ci-" + UUID.randomUUID()))
            .setSource(MarkerSource.MARKER_API)
            .setStatus(json.path("status").asText("Succeeded"))
            .setCompletedTime(time)
            .setCreatedBy(json.hasNonNull("createdBy") ? json.get("createdBy").asText() : null)
            .setLabel(label)
            .setCommit(json.hasNonNull("commit") ? json.get("commit").asText() : null)
            .setCommitTime(json.hasNonNull("commitTime") ? Instant.parse(json.get("commitTime").asText()) : null)
            .setComponents(components)
            .setComponentCount(components.size())
            .build();
    }

    private static void reply(final HttpExchange ex, final int status, final Object body) throws IOException {
        final byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
