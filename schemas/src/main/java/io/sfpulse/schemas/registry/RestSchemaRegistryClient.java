package io.sfpulse.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Client for the Confluent Schema Registry REST API ({@code POST /subjects/{s}/versions},
 * {@code POST /subjects/{s}}, {@code GET /schemas/ids/{id}}), caching every answer. Works against
 * Confluent's registry, Karapace, Apicurio's ccompat API and sfpulse's embedded registry.
 * Thread-safe.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> baseUrls;
    private final String authorization;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, Integer> idCache = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaCache = new ConcurrentHashMap<>();

    /**
     * @param urls     one or more base URLs (comma separated in config); tried in order
     * @param userInfo {@code user:password} for HTTP basic auth, or null
     */
    public RestSchemaRegistryClient(final List<String> urls, final String userInfo) {
        this.baseUrls = urls.stream().map(u -> URI.create(u.endsWith("/") ? u : u + "/")).toList();
        this.authorization =
                userInfo == null || userInfo.isBlank()
                        ? null
                        : "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int register(final String subject, final Schema schema) {
        return idCache.computeIfAbsent(
                "register|" + subject + "|" + schema,
                k -> post("subjects/" + encode(subject) + "/versions", schema).get("id").asInt());
    }

    @Override
    public int lookup(final String subject, final Schema schema) {
        return idCache.computeIfAbsent(
                "lookup|" + subject + "|" + schema,
                k -> post("subjects/" + encode(subject), schema).get("id").asInt());
    }

    @Override
    public Schema getById(final int id) {
        return schemaCache.computeIfAbsent(
                id,
                i ->
                        new Schema.Parser()
                                .parse(
                                        send(HttpRequest.newBuilder().GET(), "schemas/ids/" + i)
                                                .get("schema")
                                                .asText()));
    }

    private JsonNode post(final String path, final Schema schema) {
        final String body;
        try {
            body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (IOException e) {
            throw new SchemaRegistryException("Cannot encode schema", e);
        }
        return send(
                HttpRequest.newBuilder()
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", CONTENT_TYPE),
                path);
    }

    private JsonNode send(final HttpRequest.Builder builder, final String path) {
        SchemaRegistryException last = null;
        for (final URI base : baseUrls) {
            final HttpRequest.Builder request =
                    builder.copy()
                            .uri(base.resolve(path))
                            .header("Accept", CONTENT_TYPE)
                            .timeout(Duration.ofSeconds(30));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            try {
                final HttpResponse<String> response =
                        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                final JsonNode body =
                        response.body().isEmpty()
                                ? JSON.createObjectNode()
                                : JSON.readTree(response.body());
                if (response.statusCode() / 100 == 2) {
                    return body;
                }
                // A 4xx is an answer (not found, incompatible, unauthorized): other URLs would say
                // the same.
                throw new SchemaRegistryException(
                        "Schema registry " + path + " failed: " + body.path("message").asText(""),
                        response.statusCode(),
                        body.path("error_code").asInt(-1));
            } catch (IOException e) {
                last =
                        new SchemaRegistryException(
                                "Schema registry at " + base + " unreachable", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted calling schema registry", e);
            }
        }
        throw last;
    }

    private static String encode(final String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
