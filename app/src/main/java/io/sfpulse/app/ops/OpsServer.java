package io.sfpulse.app.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint of an sfpulse process: {@code /metrics} (Prometheus text format),
 * {@code /health/live}, {@code /health/ready} (200 when every readiness check passes, else 503,
 * with each check's state as JSON), plus routes other parts register (the release-health page, the
 * verdict and silence APIs).
 * With a token configured every route needs {@code Authorization: Bearer <token>} (compared in
 * constant time); the health routes may stay public for orchestrator probes.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);

    /** One GET route: returns the status, content type and body. */
    public interface Route {
        Response handle(HttpExchange exchange) throws IOException;
    }

    /** An HTTP answer. */
    public record Response(int status, String contentType, byte[] body) {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

        public static Response json(final int status, final String json) {
            return new Response(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        /** {@code {"error": message}} with {@code status}: how every API of the endpoint refuses a request. */
        public static Response error(final int status, final String message) {
            try {
                return json(status, JSON.writeValueAsString(Map.of("error", message)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("A string map always serializes", e);
            }
        }
    }

    private final HttpServer server;
    private final byte[] token;
    private final boolean healthPublic;
    private final Map<String, Supplier<Boolean>> readiness = new LinkedHashMap<>();

    public OpsServer(final String host, final int port, final String token, final boolean healthPublic,
                     final Supplier<String> prometheusScrape) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.healthPublic = healthPublic;
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            final Thread t = new Thread(r, "sfpulse-ops-http");
            t.setDaemon(true);
            return t;
        }));
        route("/health/live", healthPublic, x -> Response.json(200, "{\"status\":\"UP\"}"));
        route("/health/ready", healthPublic, x -> ready());
        route("/metrics", false, x -> new Response(200, "text/plain; version=0.0.4; charset=utf-8",
            prometheusScrape.get().getBytes(StandardCharsets.UTF_8)));
    }

    /** Adds a readiness check (e.g. "kafka", "streams", "ingest:acme", "sink"). */
    public OpsServer readiness(final String name, final Supplier<Boolean> check) {
        readiness.put(name, check);
        return this;
    }

    /** Registers a GET route; {@code open} routes skip the token. Paths are prefixes, as in {@link HttpServer}. */
    public OpsServer route(final String path, final boolean open, final Route route) {
        return route(path, open, Set.of("GET", "HEAD"), route);
    }

    /** Registers a route answering {@code methods} (the route reads the method and body from the exchange). */
    public OpsServer route(final String path, final boolean open, final Set<String> methods, final Route route) {
        server.createContext(path, exchange -> {
            try (exchange) {
                respond(exchange, path, open, methods, route);
            }
        });
        return this;
    }

    private void respond(final HttpExchange exchange, final String path, final boolean open, final Set<String> methods, final Route route) {
        try {
            if (!methods.contains(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", String.join(", ", new java.util.TreeSet<>(methods)));
                send(exchange, new Response(405, "text/plain", (String.join(", ", new java.util.TreeSet<>(methods)) + " only")
                    .getBytes(StandardCharsets.UTF_8)));
            } else if (!open && !authorized(exchange)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"sfpulse\"");
                send(exchange, Response.json(401, "{\"error\":\"missing or wrong bearer token\"}"));
            } else {
                send(exchange, route.handle(exchange));
            }
        } catch (RuntimeException | IOException e) {
            LOG.error("Operations endpoint failed on {}: {}", path, e.toString());
            try {
                send(exchange, Response.json(500, "{\"error\":\"internal error, see the sfpulse log\"}"));
            } catch (IOException | RuntimeException ignored) {
                // the response was already started or the client left
            }
        }
    }

    private boolean authorized(final HttpExchange exchange) {
        if (token == null) {
            return true;
        }
        final String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.startsWith("Bearer ")
            && MessageDigest.isEqual(token, header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8));
    }

    private Response ready() {
        final StringBuilder json = new StringBuilder("{\"checks\":{");
        boolean all = true;
        boolean first = true;
        for (final Map.Entry<String, Supplier<Boolean>> check : readiness.entrySet()) {
            boolean ok;
            try {
                ok = Boolean.TRUE.equals(check.getValue().get());
            } catch (RuntimeException e) {
                ok = false;
            }
            all &= ok;
            json.append(first ? "" : ",").append('"').append(check.getKey().replace("\"", "'")).append("\":\"").append(ok ? "UP" : "DOWN").append('"');
            first = false;
        }
        json.append("},\"status\":\"").append(all ? "UP" : "DOWN").append("\"}");
        return Response.json(all ? 200 : 503, json.toString());
    }

    private static void send(final HttpExchange exchange, final Response r) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", r.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        final boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(r.status(), head ? -1 : r.body().length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(r.body());
            }
        }
    }

    public OpsServer start() {
        server.start();
        LOG.info("Operations endpoint on http://{}:{} (/metrics, /health/live, /health/ready){}", server.getAddress().getHostString(),
            port(), token == null ? " without authentication" : " with bearer-token authentication" + (healthPublic ? " (health public)" : ""));
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
