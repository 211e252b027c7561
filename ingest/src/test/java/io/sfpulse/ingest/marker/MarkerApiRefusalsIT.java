package io.sfpulse.ingest.marker;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The marker API refuses what CI/CD might send by mistake with a clear 4xx and keeps serving. Every
 * refusal happens before a marker is produced, so no broker is needed (its producer points nowhere).
 */
class MarkerApiRefusalsIT {

    private static MarkerApiServer api;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        api =
                new MarkerApiServer(
                                "127.0.0.1:1",
                                Topics.create(SfpulseSerdes.forRegistry("mock://marker-refusals")),
                                "127.0.0.1",
                                0,
                                "ci-token")
                        .start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static HttpResponse<String> send(
            final String method,
            final String path,
            final String token,
            final String type,
            final String body)
            throws Exception {
        final HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (type != null) {
            b.header("Content-Type", type);
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
    void refusesEachMalformedRequestWithAClear4xx() throws Exception {
        final String json = "application/json";
        final String marker = "{\"orgId\":\"00D000000000001\",\"label\":\"v1\"}";
        assertRefused(
                send("POST", "/v1/markers", null, json, marker),
                401,
                "missing or wrong bearer token");
        assertRefused(send("POST", "/v1/markers", "wrong", json, marker), 401, "bearer token");
        assertRefused(send("GET", "/v1/markers", "ci-token", null, null), 405, "POST only");
        assertRefused(send("POST", "/v1/other", "ci-token", json, marker), 404, "no such path");
        assertRefused(
                send("POST", "/v1/markers/x", "ci-token", json, marker),
                404,
                "no such path: /v1/markers/x");
        assertRefused(
                send("POST", "/v1/markers", "ci-token", "text/plain", marker),
                415,
                "content type must be application/json");
        assertRefused(
                send("POST", "/v1/markers", "ci-token", json, "{\"orgId\":"),
                400,
                "body is not valid JSON");
        assertRefused(
                send("POST", "/v1/markers", "ci-token", json, "[]"),
                400,
                "body must be a JSON object");
        assertRefused(
                send(
                        "POST",
                        "/v1/markers",
                        "ci-token",
                        json,
                        "{\"orgId\":\"nope\",\"label\":\"v1\"}"),
                400,
                "invalid marker: orgId must be a 15 or 18 character Salesforce org id");
        assertRefused(
                send(
                        "POST",
                        "/v1/markers",
                        "ci-token",
                        json,
                        "{\"orgId\":\"00D000000000001\",\"label\":\"v1\",\"time\":\"yesterday\"}"),
                400,
                "invalid marker");
        assertRefused(
                send(
                        "POST",
                        "/v1/markers",
                        "ci-token",
                        json,
                        "{\"label\":\"" + "x".repeat(300 * 1024) + "\"}"),
                413,
                "body larger than");
        // and it keeps serving
        assertRefused(send("POST", "/v1/markers", "ci-token", json, "{}"), 400, "invalid marker");
    }
}
