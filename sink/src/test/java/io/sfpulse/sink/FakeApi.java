package io.sfpulse.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A local HTTP server impersonating an alerting API: records requests, answers with scripted statuses (then a default). */
final class FakeApi implements AutoCloseable {

    record Request(String path, Map<String, String> headers, String body) {
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, List<Integer>> scripts = new ConcurrentHashMap<>();

    FakeApi(final int defaultStatus, final String defaultBody) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", ex -> {
            try (ex) {
                final String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                final Map<String, String> headers = new ConcurrentHashMap<>();
                ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
                requests.add(new Request(ex.getRequestURI().getPath(), headers, body));
                final List<Integer> script = scripts.get(ex.getRequestURI().getPath());
                int status = defaultStatus;
                if (script != null) {
                    synchronized (script) {
                        if (!script.isEmpty()) {
                            status = script.remove(0);
                        }
                    }
                }
                if (status == 429) {
                    ex.getResponseHeaders().set("Retry-After", "1");
                }
                final byte[] out = (status / 100 == 2 ? defaultBody : "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\"}")
                    .getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    ex.getResponseBody().write(out);
                }
            }
        });
        server.start();
    }

    /** The next requests to {@code path} get these statuses, in order. */
    FakeApi script(final String path, final Integer... statuses) {
        scripts.put(path, new ArrayList<>(List.of(statuses)));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests(final String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
