package io.sfpulse.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every refusal of the one HTTP stack, over real HTTP: a clear 4xx as JSON, never a stack trace, and the endpoint keeps serving. */
class HttpEndpointIT {

    private static final String TOKEN = "s3cret-token";
    private static HttpEndpoint endpoint;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        endpoint =
                HttpEndpoint.on("test", "127.0.0.1", 0)
                        .token(BearerToken.of(TOKEN))
                        .maxBodyBytes(1024)
                        .build()
                        .route(
                                "/v1/things",
                                Set.of("GET", "POST"),
                                false,
                                Set.of("application/json"),
                                r ->
                                        r.method().equals("POST")
                                                ? RouteResponse.json(
                                                        201,
                                                        "{\"name\":\""
                                                                + r.jsonObject()
                                                                        .path("name")
                                                                        .asText()
                                                                + "\"}")
                                                : RouteResponse.jsonOf(200, r.query()))
                        .get(
                                "/v1/broken",
                                r -> {
                                    throw new IllegalStateException("a bug deep inside");
                                })
                        .route(
                                "/health",
                                Set.of("GET"),
                                true,
                                Set.of(),
                                r -> RouteResponse.json(200, "{\"status\":\"UP\"}"))
                        .start();
    }

    @AfterAll
    static void stop() {
        endpoint.close();
    }

    private static java.net.http.HttpResponse<String> send(
            final String method,
            final String path,
            final String token,
            final String contentType,
            final String body)
            throws Exception {
        final java.net.http.HttpRequest.Builder b =
                java.net.http.HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + endpoint.port() + path))
                        .method(
                                method,
                                body == null
                                        ? BodyPublishers.noBody()
                                        : BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), BodyHandlers.ofString());
    }

    private static void assertRefused(
            final java.net.http.HttpResponse<String> r, final int status, final String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body())
                .startsWith("{\"error\":")
                .contains(message)
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void answersARouteWithItsQueryAndTakesAJsonBody() throws Exception {
        final var get = send("GET", "/v1/things?org=00D%2F1&x", TOKEN, null, null);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("{\"org\":\"00D/1\",\"x\":\"\"}");
        final var post =
                send(
                        "POST",
                        "/v1/things",
                        TOKEN,
                        "application/json; charset=utf-8",
                        "{\"name\":\"a\"}");
        assertThat(post.statusCode()).isEqualTo(201);
        assertThat(post.body()).isEqualTo("{\"name\":\"a\"}");
        assertThat(post.headers().firstValue("Server")).isEmpty();
    }

    @Test
    void refusesAMissingOrWrongTokenButNotOnOpenRoutes() throws Exception {
        final var none = send("GET", "/v1/things", null, null, null);
        assertRefused(none, 401, "missing or wrong bearer token");
        assertThat(none.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"sfpulse\"");
        assertRefused(send("GET", "/v1/things", "wrong", null, null), 401, "bearer token");
        // a refused request's body is still read: the client's connection serves its next request
        assertRefused(
                send("POST", "/v1/things", null, "application/json", "{\"name\":\"a\"}"),
                401,
                "bearer token");
        assertRefused(
                send("POST", "/v1/things", "wrong", "application/json", "{\"name\":\"a\"}"),
                401,
                "bearer token");
        assertThat(send("GET", "/health", null, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesUnknownPathsAndWrongMethods() throws Exception {
        assertRefused(send("GET", "/nope", TOKEN, null, null), 404, "no such path: /nope");
        final var delete = send("DELETE", "/v1/things", TOKEN, null, null);
        assertRefused(delete, 405, "GET, HEAD, POST only");
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET, HEAD, POST");
    }

    @Test
    void refusesBadJsonWrongContentTypeAndOversizedBodies() throws Exception {
        assertRefused(
                send("POST", "/v1/things", TOKEN, "application/json", "{not json"),
                400,
                "body is not valid JSON");
        assertRefused(
                send("POST", "/v1/things", TOKEN, "application/json", "[1,2]"),
                400,
                "body must be a JSON object");
        assertRefused(
                send("POST", "/v1/things", TOKEN, "text/plain", "{\"name\":\"a\"}"),
                415,
                "content type must be application/json, not text/plain");
        assertRefused(
                send("POST", "/v1/things", TOKEN, null, "{\"name\":\"a\"}"), 415, "(none given)");
        assertRefused(
                send(
                        "POST",
                        "/v1/things",
                        TOKEN,
                        "application/json",
                        "{\"name\":\"" + "x".repeat(2000) + "\"}"),
                413,
                "body larger than 1024 bytes");
        // A query a client library would not even send: over a raw socket.
        assertThat(
                        raw(
                                "GET /v1/things?bad=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                                        + TOKEN
                                        + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 400")
                .contains("malformed percent-encoding")
                .doesNotContain("\tat ");
    }

    @Test
    void aRouteFailureIs500WithoutItsStackAndTheEndpointKeepsServing() throws Exception {
        final var broken = send("GET", "/v1/broken", TOKEN, null, null);
        assertRefused(broken, 500, "internal error, see the sfpulse log");
        assertThat(broken.body()).doesNotContain("a bug deep inside");
        assertThat(send("GET", "/health", null, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestJettyCannotParseIs400WithoutAStackAndTheEndpointKeepsServing() throws Exception {
        assertThat(raw("GARBAGE\r\n\r\n"))
                .startsWith("HTTP/1.1 400")
                .doesNotContain("\tat ")
                .doesNotContain("Exception");
        assertThat(send("GET", "/health", null, null, null).statusCode()).isEqualTo(200);
    }

    private static String raw(final String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", endpoint.port())) {
            final OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void thePortIsKnownOnceBuiltBeforeItStarts() throws Exception {
        try (HttpEndpoint unstarted = HttpEndpoint.on("early", "127.0.0.1", 0).build()) {
            assertThat(unstarted.port()).isPositive();
            unstarted.get("/x", r -> RouteResponse.json(200, "{}")).start();
            assertThat(
                            HTTP.send(
                                            java.net.http.HttpRequest.newBuilder(
                                                            URI.create(
                                                                    "http://127.0.0.1:"
                                                                            + unstarted.port()
                                                                            + "/x"))
                                                    .build(),
                                            BodyHandlers.ofString())
                                    .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void headAnswersWithoutABody() throws Exception {
        final var head = send("HEAD", "/health", null, null, null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }
}
