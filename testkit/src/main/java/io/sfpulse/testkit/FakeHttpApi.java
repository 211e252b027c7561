package io.sfpulse.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.http.HttpEndpoint;
import io.sfpulse.http.RouteResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The one fake of the HTTP APIs sfpulse calls (PagerDuty, Slack, Teams, webhooks, GitHub, GitLab,
 * Jenkins), over real HTTP on the project's own stack: records every request, and answers per path
 * with scripted statuses (then the path's fixed answer, then the default), or with a responder that
 * decides per request (a storm of 503s, say).
 */
public final class FakeHttpApi implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived. */
    public record Request(
            String method, String path, String rawQuery, Map<String, String> headers, String body) {
        /** The path with its query, as the client sent them. */
        public String pathAndQuery() {
            return rawQuery == null ? path : path + "?" + rawQuery;
        }

        /** A header (case-insensitive), or null. */
        public String header(final String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** How the fake answers one request. */
    public record Reply(int status, String body) {
        public static Reply of(final int status) {
            return new Reply(status, "");
        }
    }

    private final HttpEndpoint endpoint;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, List<Integer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Function<Request, Reply>> responders = new ConcurrentHashMap<>();
    private volatile Reply defaultReply;
    private volatile Function<Request, Reply> otherwise;

    private FakeHttpApi(final Reply defaultReply) {
        this.defaultReply = defaultReply;
        this.endpoint =
                HttpEndpoint.on("fake-api", "127.0.0.1", 0)
                        .maxBodyBytes(16 * 1024 * 1024)
                        .build()
                        .route(
                                "/",
                                Set.of("GET", "POST", "PUT", "PATCH", "DELETE"),
                                true,
                                Set.of(),
                                r -> {
                                    final Request request =
                                            new Request(
                                                    r.method(),
                                                    r.path(),
                                                    r.rawQuery(),
                                                    r.headers(),
                                                    r.bodyText());
                                    requests.add(request);
                                    return answer(request);
                                });
        try {
            endpoint.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A started fake answering every request with {@code status} and {@code body} unless told otherwise. */
    public static FakeHttpApi answering(final int status, final String body) {
        return new FakeHttpApi(new Reply(status, body));
    }

    /** The next requests to {@code path} get these statuses, in order (with the default body for a 2xx). */
    public FakeHttpApi script(final String path, final Integer... statuses) {
        scripts.put(path, new ArrayList<>(List.of(statuses)));
        return this;
    }

    /** Requests to {@code path} are answered by {@code responder} (after any script). */
    public FakeHttpApi on(final String path, final Function<Request, Reply> responder) {
        responders.put(path, responder);
        return this;
    }

    /** Requests to any path without a script or responder of its own are answered by {@code responder}. */
    public FakeHttpApi otherwise(final Function<Request, Reply> responder) {
        this.otherwise = responder;
        return this;
    }

    private RouteResponse answer(final Request request) {
        final List<Integer> script = scripts.get(request.path());
        Reply reply = null;
        if (script != null) {
            synchronized (script) {
                if (!script.isEmpty()) {
                    final int status = script.remove(0);
                    reply =
                            new Reply(
                                    status,
                                    status / 100 == 2
                                            ? defaultReply.body()
                                            : "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\"}");
                }
            }
        }
        if (reply == null) {
            final Function<Request, Reply> responder = responders.get(request.path());
            reply =
                    responder != null
                            ? responder.apply(request)
                            : otherwise != null ? otherwise.apply(request) : defaultReply;
        }
        final RouteResponse response =
                new RouteResponse(
                        reply.status(),
                        "application/json",
                        reply.body().getBytes(StandardCharsets.UTF_8));
        return reply.status() == 429 ? response.withHeader("Retry-After", "1") : response;
    }

    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + endpoint.port();
    }

    /** Every request, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests to {@code path}. */
    public List<Request> requests(final String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
