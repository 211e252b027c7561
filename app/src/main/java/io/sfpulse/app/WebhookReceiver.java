package io.sfpulse.app;

import io.sfpulse.http.HttpEndpoint;
import io.sfpulse.http.RouteResponse;
import io.sfpulse.sink.channel.StandardWebhookSigner;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A local webhook endpoint for the demo and the end-to-end benchmark: verifies Standard Webhooks signatures and records what arrived. */
public final class WebhookReceiver implements AutoCloseable {

    /** One received request ({@code receivedAtNanos}: {@link System#nanoTime()} on arrival). */
    public record Received(
            String body, boolean signatureValid, String idempotencyKey, long receivedAtNanos) {}

    private final HttpEndpoint endpoint;
    private final String secret;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public WebhookReceiver(final Consumer<Received> onReceive) throws IOException {
        final byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        this.secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        final StandardWebhookSigner signer = new StandardWebhookSigner(secret);
        endpoint =
                HttpEndpoint.on("webhook-receiver", "127.0.0.1", 0)
                        .maxBodyBytes(8 * 1024 * 1024)
                        .build()
                        .route(
                                "/alerts",
                                Set.of("POST"),
                                true,
                                Set.of(),
                                request -> {
                                    final long arrived = System.nanoTime();
                                    final String body = request.bodyText();
                                    final String id = request.header("webhook-id");
                                    final String ts = request.header("webhook-timestamp");
                                    final String sig = request.header("webhook-signature");
                                    final boolean valid =
                                            id != null
                                                    && ts != null
                                                    && sig != null
                                                    && ts.matches("\\d{1,12}")
                                                    && signer.sign(id, Long.parseLong(ts), body)
                                                            .equals(sig);
                                    final Received r =
                                            new Received(
                                                    body,
                                                    valid,
                                                    request.header("Idempotency-Key"),
                                                    arrived);
                                    received.add(r);
                                    onReceive.accept(r);
                                    return valid
                                            ? RouteResponse.json(202, "{}")
                                            : RouteResponse.error(
                                                    401,
                                                    "missing or invalid Standard Webhooks signature");
                                })
                        .start();
    }

    public String url() {
        return "http://127.0.0.1:" + endpoint.port() + "/alerts";
    }

    public String secret() {
        return secret;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
