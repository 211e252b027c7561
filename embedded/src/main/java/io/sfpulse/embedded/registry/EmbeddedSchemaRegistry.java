package io.sfpulse.embedded.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.http.HttpEndpoint;
import io.sfpulse.http.RouteRequest;
import io.sfpulse.http.RouteResponse;
import io.sfpulse.schemas.registry.InMemorySchemaStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process Schema Registry serving the subset of the Confluent REST API that serdes use
 * (register, lookup, fetch by id, list subjects and versions), storing schemas durably in a
 * compacted Kafka topic so ids survive restarts. For the embedded default only; production users
 * point {@code schema.registry.url} at their own registry. Optional basic auth.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final InMemorySchemaStore store = new InMemorySchemaStore();
    private final KafkaSchemaLog log;
    private final HttpEndpoint endpoint;
    private final String expectedAuthorization;

    /**
     * @param bootstrapServers Kafka holding the schema topic
     * @param topic            compacted topic name
     * @param port             0 for a free port
     * @param userInfo         {@code user:password} required from clients, or null for none
     */
    public EmbeddedSchemaRegistry(
            final String bootstrapServers,
            final String topic,
            final int port,
            final String userInfo) {
        this.log = new KafkaSchemaLog(bootstrapServers, topic);
        this.expectedAuthorization =
                userInfo == null
                        ? null
                        : "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        // Every path and method reaches the registry's own routing: it answers in the Confluent
        // error format
        // ({"error_code", "message"}) that registry clients parse; the endpoint still bounds bodies
        // and hides stacks.
        this.endpoint =
                HttpEndpoint.on("schema-registry", "127.0.0.1", port)
                        .build()
                        .route(
                                "/",
                                Set.of("GET", "POST", "PUT", "DELETE"),
                                true,
                                Set.of(),
                                this::handle);
    }

    /** Loads stored schemas, then starts serving. */
    public EmbeddedSchemaRegistry start() {
        log.load(store);
        try {
            endpoint.start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot bind schema registry on port " + endpoint.port(), e);
        }
        LOG.info("Schema registry listening on {}", url());
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + endpoint.port();
    }

    private RouteResponse handle(final RouteRequest request) throws IOException {
        if (expectedAuthorization != null
                && !expectedAuthorization.equals(request.header("Authorization"))) {
            return reply(401, error(40101, "Unauthorized"));
        }
        try {
            return route(
                    request, request.method(), request.path().replaceAll("^/+|/+$", "").split("/"));
        } catch (SchemaParseException e) {
            return reply(422, error(42201, "Invalid schema: " + e.getMessage()));
        } catch (JsonProcessingException e) {
            return reply(400, error(400, "Bad request: the body is not valid JSON"));
        }
    }

    private RouteResponse route(final RouteRequest r, final String method, final String[] p)
            throws IOException {
        if (p.length == 1 && p[0].isEmpty()) {
            return reply(200, Map.of());
        } else if (p.length == 3
                && p[0].equals("schemas")
                && p[1].equals("ids")
                && method.equals("GET")) {
            final Optional<String> schema = parseInt(p[2]).flatMap(store::schemaById);
            return reply(
                    schema.isPresent() ? 200 : 404,
                    schema.isPresent()
                            ? Map.of("schema", schema.get())
                            : error(40403, "Schema not found"));
        } else if (p.length == 1 && p[0].equals("subjects") && method.equals("GET")) {
            return reply(200, store.subjects());
        } else if (p.length == 2 && p[0].equals("subjects") && method.equals("POST")) {
            return lookup(r, p[1]);
        } else if (p.length == 3
                && p[0].equals("subjects")
                && p[2].equals("versions")
                && method.equals("POST")) {
            return register(r, p[1]);
        } else if (p.length == 3
                && p[0].equals("subjects")
                && p[2].equals("versions")
                && method.equals("GET")) {
            final List<InMemorySchemaStore.Entry> versions = store.versions(p[1]);
            return reply(
                    versions.isEmpty() ? 404 : 200,
                    versions.isEmpty()
                            ? error(40401, "Subject not found")
                            : versions.stream().map(InMemorySchemaStore.Entry::version).toList());
        } else if (p.length == 4
                && p[0].equals("subjects")
                && p[2].equals("versions")
                && method.equals("GET")) {
            return version(p[1], p[3]);
        }
        return reply(404, error(404, "HTTP 404 Not Found"));
    }

    private RouteResponse register(final RouteRequest r, final String subject) throws IOException {
        final String schema = schemaFrom(r.body());
        final InMemorySchemaStore.Entry entry;
        synchronized (store) {
            final Optional<InMemorySchemaStore.Entry> existing = store.find(subject, schema);
            if (existing.isPresent()) {
                entry = existing.get();
            } else {
                entry = store.prepare(subject, schema);
                log.append(entry);
                store.apply(entry);
                LOG.info(
                        "Registered schema id {} as version {} of subject '{}'",
                        entry.id(),
                        entry.version(),
                        subject);
            }
        }
        return reply(200, Map.of("id", entry.id()));
    }

    private RouteResponse lookup(final RouteRequest r, final String subject) throws IOException {
        final Optional<InMemorySchemaStore.Entry> found = store.find(subject, schemaFrom(r.body()));
        if (found.isEmpty()) {
            return reply(
                    404,
                    store.versions(subject).isEmpty()
                            ? error(40401, "Subject not found")
                            : error(40403, "Schema not found"));
        }
        return reply(200, entryJson(found.get()));
    }

    private RouteResponse version(final String subject, final String version) {
        final List<InMemorySchemaStore.Entry> versions = store.versions(subject);
        final Optional<InMemorySchemaStore.Entry> found =
                version.equals("latest")
                        ? versions.stream().reduce((a, b) -> b)
                        : parseInt(version)
                                .flatMap(
                                        v ->
                                                versions.stream()
                                                        .filter(e -> e.version() == v)
                                                        .findFirst());
        if (found.isEmpty()) {
            return reply(
                    404,
                    versions.isEmpty()
                            ? error(40401, "Subject not found")
                            : error(40402, "Version not found"));
        }
        return reply(200, entryJson(found.get()));
    }

    private static Map<String, Object> entryJson(final InMemorySchemaStore.Entry e) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", e.subject());
        m.put("version", e.version());
        m.put("id", e.id());
        m.put("schema", e.schema());
        return m;
    }

    private static String schemaFrom(final byte[] body) throws IOException {
        final JsonNode node = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        if (node == null || !node.path("schema").isTextual()) {
            throw new SchemaParseException("the body must be a JSON object with a 'schema' string");
        }
        final String type = node.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaParseException("Only AVRO schemas are supported, got " + type);
        }
        return InMemorySchemaStore.canonical(node.path("schema").asText());
    }

    private static Map<String, Object> error(final int code, final String message) {
        return Map.of("error_code", code, "message", message);
    }

    private static Optional<Integer> parseInt(final String s) {
        try {
            return Optional.of(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static RouteResponse reply(final int status, final Object body) {
        try {
            return new RouteResponse(status, CONTENT_TYPE, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A registry answer always serializes", e);
        }
    }

    @Override
    public void close() {
        endpoint.close();
        log.close();
    }
}
