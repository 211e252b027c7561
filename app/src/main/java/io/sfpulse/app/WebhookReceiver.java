package io.sfpulse.app;

import com.sun.net.httpserver.HttpServer;
import io.sfpulse.sink.channel.StandardWebhookSigner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A local webhook endpoint for the demo: verifies Standard Webhooks signatures and records what arrived. */
final class WebhookReceiver implements AutoCloseable {

    /** One received request ({@code receivedAtNanos}: {@link System#nanoTime()} on arrival). */
    record Received(String body, boolean signatureValid, String idempotencyKey, long receivedAtNanos) {
    }

    private final HttpServer server;
    private final String secret;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    WebhookReceiver(final Consumer<Received> onReceive) throws IOException {
        final byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        this.secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        final StandardWebhookSigner signer = new StandardWebhookSigner(secret);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/alerts", ex -> {
            try (ex) {
                final long arrived = System.nanoTime();
                final String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                final String id = ex.getRequestHeaders().getFirst("webhook-id");
                final String ts = ex.getRequestHeaders().getFirst("webhook-timestamp");
                final String sig = ex.getRequestHeaders().getFirst("webhook-signature");
                final boolean valid = id != null && ts != null && sig != null && signer.sign(id, Long.parseLong(ts), body).equals(sig);
                final Received r = new Received(body, valid, ex.getRequestHeaders().getFirst("Idempotency-Key"), arrived);
                received.add(r);
                onReceive.accept(r);
                ex.sendResponseHeaders(valid ? 202 : 401, -1);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
    }

    String secret() {
        return secret;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
