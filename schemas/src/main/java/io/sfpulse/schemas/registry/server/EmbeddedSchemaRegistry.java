package io.sfpulse.schemas.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sfpulse.schemas.registry.InMemorySchemaStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        final Thread t = new Thread(r, "sfpulse-schema-registry");
        t.setDaemon(true);
        return t;
    });
    private final String expectedAuthorization;

    /**
     * @param bootstrapServers Kafka holding the schema topic
     * @param topic            compacted topic name
     * @param port             0 for a free port
     * @param userInfo         {@code user:password} required from clients, or null for none
     */
    public EmbeddedSchemaRegistry(final String bootstrapServers, final String topic, final int port, final String userInfo) {
        this.log = new KafkaSchemaLog(bootstrapServers, topic);
        this.expectedAuthorization = userInfo == null ? null
            : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        try {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot bind schema registry on port " + port, e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Loads stored schemas, then starts serving. */
    public EmbeddedSchemaRegistry start() {
        log.load(store);
        server.start();
        LOG.info("Schema registry listening on {}", url());
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            if (expectedAuthorization != null
                && !expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, error(40101, "Unauthorized"));
                return;
            }
            final String[] parts = exchange.getRequestURI().getRawPath().replaceAll("^/+|/+$", "").split("/");
            final String method = exchange.getRequestMethod();
            route(exchange, method, parts);
        } catch (SchemaParseException e) {
            reply(exchange, 422, error(42201, "Invalid schema: " + e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("Schema registry request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            reply(exchange, 500, error(50001, "Error in the backend data store"));
        }
    }

    private void route(final HttpExchange ex, final String method, final String[] p) throws IOException {
        if (p.length == 1 && p[0].isEmpty()) {
            reply(ex, 200, Map.of());
        } else if (p.length == 3 && p[0].equals("schemas") && p[1].equals("ids") && method.equals("GET")) {
            final Optional<String> schema = parseInt(p[2]).flatMap(store::schemaById);
            reply(ex, schema.isPresent() ? 200 : 404, schema.isPresent() ? Map.of("schema", schema.get()) : error(40403, "Schema not found"));
        } else if (p.length == 1 && p[0].equals("subjects") && method.equals("GET")) {
            reply(ex, 200, store.subjects());
        } else if (p.length == 2 && p[0].equals("subjects") && method.equals("POST")) {
            lookup(ex, decode(p[1]));
        } else if (p.length == 3 && p[0].equals("subjects") && p[2].equals("versions") && method.equals("POST")) {
            register(ex, decode(p[1]));
        } else if (p.length == 3 && p[0].equals("subjects") && p[2].equals("versions") && method.equals("GET")) {
            final List<InMemorySchemaStore.Entry> versions = store.versions(decode(p[1]));
            reply(ex, versions.isEmpty() ? 404 : 200, versions.isEmpty() ? error(40401, "Subject not found")
                : versions.stream().map(InMemorySchemaStore.Entry::version).toList());
        } else if (p.length == 4 && p[0].equals("subjects") && p[2].equals("versions") && method.equals("GET")) {
            version(ex, decode(p[1]), p[3]);
        } else {
            reply(ex, 404, error(404, "HTTP 404 Not Found"));
        }
    }

    private void register(final HttpExchange ex, final String subject) throws IOException {
        final String schema = schemaFrom(ex.getRequestBody());
        final InMemorySchemaStore.Entry entry;
        synchronized (store) {
            final Optional<InMemorySchemaStore.Entry> existing = store.find(subject, schema);
            if (existing.isPresent()) {
                entry = existing.get();
            } else {
                entry = store.prepare(subject, schema);
                log.append(entry);
                store.apply(entry);
                LOG.info("Registered schema id {} as version {} of subject '{}'", entry.id(), entry.version(), subject);
            }
        }
        reply(ex, 200, Map.of("id", entry.id()));
    }

    private void lookup(final HttpExchange ex, final String subject) throws IOException {
        final Optional<InMemorySchemaStore.Entry> found = store.find(subject, schemaFrom(ex.getRequestBody()));
        if (found.isEmpty()) {
            reply(ex, 404, store.versions(subject).isEmpty() ? error(40401, "Subject not found") : error(40403, "Schema not found"));
        } else {
            reply(ex, 200, entryJson(found.get()));
        }
    }

    private void version(final HttpExchange ex, final String subject, final String version) throws IOException {
        final List<InMemorySchemaStore.Entry> versions = store.versions(subject);
        final Optional<InMemorySchemaStore.Entry> found = version.equals("latest")
            ? versions.stream().reduce((a, b) -> b)
            : parseInt(version).flatMap(v -> versions.stream().filter(e -> e.version() == v).findFirst());
        if (found.isEmpty()) {
            reply(ex, 404, versions.isEmpty() ? error(40401, "Subject not found") : error(40402, "Version not found"));
        } else {
            reply(ex, 200, entryJson(found.get()));
        }
    }

    private static Map<String, Object> entryJson(final InMemorySchemaStore.Entry e) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", e.subject());
        m.put("version", e.version());
        m.put("id", e.id());
        m.put("schema", e.schema());
        return m;
    }

    private static String schemaFrom(final InputStream body) throws IOException {
        final JsonNode node = JSON.readTree(body);
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

    private static String decode(final String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static void reply(final HttpExchange ex, final int status, final Object body) throws IOException {
        final byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        log.close();
    }
}
