package io.sfpulse.app.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chaos benchmark's webhook: accepts deliveries and records their idempotency keys (counting
 * any key delivered twice), or, during a storm, refuses every delivery with 503 or with 429 and a
 * {@code Retry-After}, counting the refusals.
 */
final class StormWebhook implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger storm = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final Map<String, Integer> accepted = new ConcurrentHashMap<>();

    StormWebhook() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                final int status = storm.get();
                if (status != 0) {
                    refused.incrementAndGet();
                    if (status == 429) {
                        ex.getResponseHeaders().add("Retry-After", "1");
                    }
                    ex.sendResponseHeaders(status, -1);
                } else {
                    final String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
                    if (key != null) {
                        accepted.merge(key, 1, Integer::sum);
                    }
                    ex.sendResponseHeaders(202, -1);
                }
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** 503 or 429 refuses every delivery from now on; 0 ends the storm. */
    void storm(final int status) {
        storm.set(status);
    }

    long refused() {
        return refused.get();
    }

    Set<String> acceptedKeys() {
        return Set.copyOf(accepted.keySet());
    }

    long deliveredTwice() {
        return accepted.values().stream().filter(n -> n > 1).count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
