package io.sfpulse.app.bench;

import io.sfpulse.http.HttpEndpoint;
import io.sfpulse.http.RouteResponse;
import java.io.IOException;
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

    private final HttpEndpoint endpoint;
    private final AtomicInteger storm = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final Map<String, Integer> accepted = new ConcurrentHashMap<>();

    StormWebhook() throws IOException {
        endpoint =
                HttpEndpoint.on("storm-webhook", "127.0.0.1", 0)
                        .maxBodyBytes(8 * 1024 * 1024)
                        .build()
                        .route(
                                "/hook",
                                Set.of("POST"),
                                true,
                                Set.of(),
                                request -> {
                                    final int status = storm.get();
                                    if (status != 0) {
                                        refused.incrementAndGet();
                                        final RouteResponse refusal =
                                                RouteResponse.error(status, "storm");
                                        return status == 429
                                                ? refusal.withHeader("Retry-After", "1")
                                                : refusal;
                                    }
                                    final String key = request.header("Idempotency-Key");
                                    if (key != null) {
                                        accepted.merge(key, 1, Integer::sum);
                                    }
                                    return RouteResponse.json(202, "{}");
                                })
                        .start();
    }

    String url() {
        return "http://127.0.0.1:" + endpoint.port() + "/hook";
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
        endpoint.close();
    }
}
