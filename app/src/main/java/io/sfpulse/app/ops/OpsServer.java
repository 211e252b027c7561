package io.sfpulse.app.ops;

import io.sfpulse.http.BearerToken;
import io.sfpulse.http.HttpEndpoint;
import io.sfpulse.http.RouteResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint of an sfpulse process: {@code /metrics} (Prometheus text format),
 * {@code /health/live}, {@code /health/ready} (200 when every readiness check passes, else 503,
 * with each check's state as JSON), plus routes other parts register (the release-health page, the
 * verdict and silence APIs).
 * With a token configured every route needs {@code Authorization: Bearer <token>} ({@link BearerToken});
 * the health routes may stay public for orchestrator probes. Served by the one HTTP stack
 * ({@link HttpEndpoint}): unknown paths, wrong methods and bodies are refused there.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);

    private final HttpEndpoint endpoint;
    private final BearerToken token;
    private final boolean healthPublic;
    private final Map<String, Supplier<Boolean>> readiness = new LinkedHashMap<>();

    public OpsServer(
            final String host,
            final int port,
            final String token,
            final boolean healthPublic,
            final Supplier<String> prometheusScrape)
            throws IOException {
        this.token = BearerToken.of(token);
        this.healthPublic = healthPublic;
        this.endpoint = HttpEndpoint.on("ops", host, port).token(this.token).build();
        route("/health/live", healthPublic, x -> RouteResponse.json(200, "{\"status\":\"UP\"}"));
        route("/health/ready", healthPublic, x -> ready());
        route(
                "/metrics",
                false,
                x ->
                        RouteResponse.text(
                                200,
                                "text/plain; version=0.0.4; charset=utf-8",
                                prometheusScrape.get()));
    }

    /** Adds a readiness check (e.g. "kafka", "streams", "ingest:acme", "sink"). */
    public OpsServer readiness(final String name, final Supplier<Boolean> check) {
        readiness.put(name, check);
        return this;
    }

    /** Registers a GET route; {@code open} routes skip the token. Paths are prefixes (the longest wins). */
    public OpsServer route(final String path, final boolean open, final HttpEndpoint.Route route) {
        return route(path, open, Set.of("GET"), route);
    }

    /** Registers a route answering {@code methods} (the route reads the method and body from the request). */
    public OpsServer route(
            final String path,
            final boolean open,
            final Set<String> methods,
            final HttpEndpoint.Route route) {
        endpoint.route(path, methods, open, Set.of(), route);
        return this;
    }

    private RouteResponse ready() {
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
            json.append(first ? "" : ",")
                    .append('"')
                    .append(check.getKey().replace("\"", "'"))
                    .append("\":\"")
                    .append(ok ? "UP" : "DOWN")
                    .append('"');
            first = false;
        }
        json.append("},\"status\":\"").append(all ? "UP" : "DOWN").append("\"}");
        return RouteResponse.json(all ? 200 : 503, json.toString());
    }

    public OpsServer start() throws IOException {
        endpoint.start();
        LOG.info(
                "Operations endpoint on http://{}:{} (/metrics, /health/live, /health/ready){}",
                endpoint.host(),
                port(),
                token.required()
                        ? " with bearer-token authentication"
                                + (healthPublic ? " (health public)" : "")
                        : " without authentication");
        return this;
    }

    public int port() {
        return endpoint.port();
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
