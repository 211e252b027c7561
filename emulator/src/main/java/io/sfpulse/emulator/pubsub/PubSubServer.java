package io.sfpulse.emulator.pubsub;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.sfpulse.emulator.auth.TokenStore;
import io.sfpulse.emulator.faults.FaultPlan;
import io.sfpulse.emulator.org.EmulatedOrg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The org's Pub/Sub API endpoint: a grpc-java server (plaintext HTTP/2 on localhost) with the auth-header check. */
public final class PubSubServer implements AutoCloseable {

    private final Server server;
    private final PubSubStats stats = new PubSubStats();
    private final ExecutorService streams =
            Executors.newCachedThreadPool(
                    r -> {
                        final Thread t = new Thread(r, "emulator-pubsub-stream");
                        t.setDaemon(true);
                        return t;
                    });

    public PubSubServer(
            final EmulatedOrg org,
            final TokenStore tokens,
            final FaultPlan faults,
            final int port,
            final Duration keepalive) {
        final PubSubService service =
                new PubSubService(org, tokens, faults, keepalive, streams, stats);
        this.server =
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                        .addService(
                                ServerInterceptors.intercept(
                                        service,
                                        new PubSubAuthInterceptor(tokens, org.orgId()),
                                        new OrgDateHeader(org)))
                        .build();
    }

    public PubSubServer start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Pub/Sub endpoint", e);
        }
        return this;
    }

    public PubSubStats stats() {
        return stats;
    }

    /** {@code 127.0.0.1:<port>}, the value of the connector's {@code salesforce.pubsub.endpoint}. */
    public String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    /** Sends the org's clock in a {@code date} response header, as its HTTP endpoints send Date (scenarios run the clock at an offset). */
    private static final class OrgDateHeader implements io.grpc.ServerInterceptor {
        private static final io.grpc.Metadata.Key<String> DATE =
                io.grpc.Metadata.Key.of("date", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
        private final EmulatedOrg org;

        OrgDateHeader(final EmulatedOrg org) {
            this.org = org;
        }

        @Override
        public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(
                final io.grpc.ServerCall<Q, R> call,
                final io.grpc.Metadata headers,
                final io.grpc.ServerCallHandler<Q, R> next) {
            return next.startCall(
                    new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                        @Override
                        public void sendHeaders(final io.grpc.Metadata responseHeaders) {
                            responseHeaders.put(
                                    DATE,
                                    java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                                            org.clock()
                                                    .instant()
                                                    .atZone(java.time.ZoneOffset.UTC)));
                            super.sendHeaders(responseHeaders);
                        }
                    },
                    headers);
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
        streams.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
