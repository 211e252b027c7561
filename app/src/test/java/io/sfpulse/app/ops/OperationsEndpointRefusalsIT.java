package io.sfpulse.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operations endpoint (metrics, health, and the silence API as a route taking a body) refuses
 * malformed requests with a clear 4xx and keeps serving. The silence API's refusals all happen
 * before anything is produced or read, so it runs without a broker (its producer points nowhere,
 * it has no silence book: listing is {@code SilenceIT}'s).
 */
class OperationsEndpointRefusalsIT {

    private static final String TOKEN = "ops-token";
    private static OpsServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = new OpsServer("127.0.0.1", 0, TOKEN, true, () -> "# no metrics\n");
        new SilenceApi(
                        "127.0.0.1:1",
                        Topics.create(SfpulseSerdes.forRegistry("mock://ops-refusals")),
                        null,
                        Clock.systemUTC())
                .register(server);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> send(
            final String method, final String path, final String token, final String body)
            throws Exception {
        final HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(
            final HttpResponse<String> r, final int status, final String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body())
                .startsWith("{\"error\":")
                .contains(message)
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void refusesEachMalformedRequestWithAClear4xxAndKeepsServing() throws Exception {
        assertRefused(send("GET", "/metrics", null, null), 401, "missing or wrong bearer token");
        assertRefused(send("GET", "/metrics", "wrong", null), 401, "bearer token");
        assertRefused(send("POST", "/metrics", TOKEN, "{}"), 405, "GET, HEAD only");
        assertRefused(send("GET", "/no/such/thing", TOKEN, null), 404, "no such path");
        assertRefused(
                send("PUT", "/v1/silences", TOKEN, "{}"), 405, "DELETE, GET, HEAD, POST only");
        assertRefused(send("POST", "/v1/silences", null, "{}"), 401, "bearer token");
        assertRefused(send("POST", "/v1/silences", TOKEN, "{\"orgId\":"), 400, "body is not JSON");
        assertRefused(
                send("POST", "/v1/silences", TOKEN, "{\"orgId\":\"nope\"}"),
                400,
                "orgId must be a 15- or 18-character Salesforce org id");
        assertRefused(
                send(
                        "POST",
                        "/v1/silences",
                        TOKEN,
                        "{\"orgId\":\"00D000000000001\",\"reason\":\"r\",\"createdBy\":\"a\",\"duration\":\"soon\"}"),
                400,
                "give duration");
        assertRefused(
                send(
                        "POST",
                        "/v1/silences",
                        TOKEN,
                        "{\"orgId\":\"00D000000000001\",\"reason\":\"r\",\"createdBy\":\"a\",\"duration\":\"90d\"}"),
                400,
                "within 30 days");
        assertRefused(
                send(
                        "POST",
                        "/v1/silences",
                        TOKEN,
                        "{\"reason\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}"),
                413,
                "body larger than");
        // health stays open for probes, and everything keeps being served
        assertThat(send("GET", "/health/live", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", TOKEN, null).body()).isEqualTo("# no metrics\n");
    }
}
