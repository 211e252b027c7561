package io.sfpulse.ingest.pubsub;

import com.google.protobuf.ByteString;
import com.salesforce.eventbus.protobuf.CommitReplayRequest;
import com.salesforce.eventbus.protobuf.CommitReplayResponse;
import com.salesforce.eventbus.protobuf.ConsumerEvent;
import com.salesforce.eventbus.protobuf.FetchRequest;
import com.salesforce.eventbus.protobuf.ManagedFetchRequest;
import com.salesforce.eventbus.protobuf.PubSubGrpc;
import com.salesforce.eventbus.protobuf.ReplayPreset;
import com.salesforce.eventbus.protobuf.SchemaRequest;
import com.salesforce.eventbus.protobuf.TopicRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.sfpulse.ingest.SalesforceSourceConfig;
import io.sfpulse.ingest.SalesforceSourceConfig.InvalidReplayPolicy;
import io.sfpulse.ingest.auth.AccessToken;
import io.sfpulse.ingest.auth.AuthenticationException;
import io.sfpulse.ingest.auth.OAuthClient;
import io.sfpulse.ingest.error.Backoff;
import io.sfpulse.ingest.error.PubSubErrorClassifier;
import io.sfpulse.ingest.error.StreamingAction;
import io.sfpulse.ingest.progress.ServerDates;
import io.sfpulse.ingest.stream.ReplayId;
import io.sfpulse.ingest.stream.ReplayPositions;
import io.sfpulse.ingest.stream.StreamingSource;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pub/Sub API (gRPC) transport: one {@code Subscribe} stream per channel, with pull-based flow
 * control (never more events in flight per channel, requested and not yet handed to Kafka Connect,
 * than {@code salesforce.pubsub.max.in.flight}, asked for {@code salesforce.pubsub.batch.size} ≤ 100
 * per request), a stall watchdog (a stream that sends nothing,
 * not even the keepalive Salesforce sends within 270 s, is cancelled and resubscribed from the last
 * acknowledged replay id), and the streaming path's error classes: bounded jittered back-off on
 * {@code UNAVAILABLE} and other transient statuses, a new login on {@code UNAUTHENTICATED}, the
 * invalid-replay policy on a corrupted or expired replay id, and a task failure with the reason on
 * {@code PERMISSION_DENIED} or an unknown topic.
 *
 * <p>Delivery progress (the org time up to which every event was handed over) comes from a
 * {@code GetTopic} probe per progress interval: its response's {@code date} header is the org's
 * clock (the wall clock when absent), and a keepalive received after that response, on a stream with
 * demand outstanding, shows that stream had nothing older to deliver.
 */
public final class PubSubSource implements StreamingSource {

    private static final Logger LOG = LoggerFactory.getLogger(PubSubSource.class);
    private static final Metadata.Key<String> ERROR_CODE =
            Metadata.Key.of("error-code", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> DATE =
            Metadata.Key.of("date", Metadata.ASCII_STRING_MARSHALLER);

    private final SalesforceSourceConfig config;
    private final OAuthClient oauth;
    private final Listener listener;
    private final ScheduledExecutorService scheduler;
    private final ReplayPositions positions = new ReplayPositions();
    private final Map<String, TopicStream> streams = new LinkedHashMap<>();
    private final AtomicLong stalls = new AtomicLong();
    private final AtomicLong resubscribes = new AtomicLong();
    private final AtomicLong reauthentications = new AtomicLong();
    private final AtomicLong keepalives = new AtomicLong();
    private final AtomicLong dailyLimitHits = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong commitFailures = new AtomicLong();

    /** Topic to managed subscription developer name (ManagedSubscribe, beta). */
    private final Map<String, String> managedSubscriptions;

    /** Events per request (≤ 100) and the most in flight per channel (requested, not yet handed to Connect). */
    private final int batch;

    private final int maxInFlight;
    private ManagedChannel channel;
    private PubSubGrpc.PubSubStub async;
    private PubSubGrpc.PubSubBlockingStub blocking;
    private PubSubEventDecoder decoder;
    private volatile AccessToken token;
    private volatile boolean closed;

    /** Org time from the latest GetTopic probe's response, and when (nanoTime) that response arrived. */
    private volatile Instant probeDate;

    private volatile long probeNanos;

    /** @param starts where each channel starts (its committed position or the initial preset) */
    public PubSubSource(
            final SalesforceSourceConfig config,
            final OAuthClient oauth,
            final Map<String, ReplayId> starts,
            final Listener listener,
            final ScheduledExecutorService scheduler) {
        this.config = config;
        this.oauth = oauth;
        this.listener = listener;
        this.scheduler = scheduler;
        this.batch = config.pubSubBatchSize();
        this.maxInFlight = config.pubSubMaxInFlight();
        this.managedSubscriptions = config.pubSubManagedSubscriptions();
        starts.forEach(
                (topic, from) -> {
                    positions.setStart(topic, from);
                    streams.put(topic, new TopicStream(topic));
                });
    }

    @Override
    public void start() {
        token = oauth.token();
        final NettyChannelBuilder builder =
                NettyChannelBuilder.forTarget(config.pubSubEndpoint())
                        .maxInboundMessageSize(100 * 1024 * 1024)
                        .intercept(new AuthHeaders());
        channel =
                (config.pubSubTls() ? builder.useTransportSecurity() : builder.usePlaintext())
                        .build();
        async = PubSubGrpc.newStub(channel);
        blocking = PubSubGrpc.newBlockingStub(channel);
        decoder =
                new PubSubEventDecoder(
                        id ->
                                blocking.withDeadlineAfter(30, TimeUnit.SECONDS)
                                        .getSchema(
                                                SchemaRequest.newBuilder().setSchemaId(id).build())
                                        .getSchemaJson());
        LOG.atInfo()
                .addKeyValue("org", token.orgId())
                .log(
                        "Pub/Sub API at {} ({}), channels {}",
                        config.pubSubEndpoint(),
                        config.pubSubTls() ? "TLS" : "plaintext",
                        streams.keySet());
        streams.values().forEach(TopicStream::subscribe);
        final long watchMs =
                Math.max(100, Math.min(1_000, config.pubSubStallTimeout().toMillis() / 4));
        scheduler.scheduleWithFixedDelay(this::watchdog, watchMs, watchMs, TimeUnit.MILLISECONDS);
        final long probeMs =
                Math.max(
                        200,
                        config.progressInterval().isZero()
                                ? 10_000
                                : config.progressInterval().toMillis());
        scheduler.scheduleWithFixedDelay(this::probe, 0, probeMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void acknowledged(final String topic, final ReplayId replayId) {
        positions.acked(topic, replayId);
    }

    @Override
    public void handedOver(final String topic, final int records) {
        final TopicStream stream = streams.get(topic);
        if (stream != null) {
            stream.handedOver(records);
        }
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of(
                "stalls-total",
                stalls.get(),
                "resubscribes-total",
                resubscribes.get(),
                "reconnects-total",
                resubscribes.get(),
                "reauthentications-total",
                reauthentications.get(),
                "keepalives-total",
                keepalives.get(),
                "daily-limit-exceeded-total",
                dailyLimitHits.get(),
                "schemas-cached",
                (long) (decoder == null ? 0 : decoder.cachedSchemas()),
                "managed-commits-total",
                commits.get(),
                "managed-commit-failures-total",
                commitFailures.get());
    }

    private void watchdog() {
        final long now = System.nanoTime();
        streams.values().forEach(s -> s.checkStall(now));
    }

    /** Reads the org's clock with a cheap unary call (see the class comment). */
    private void probe() {
        if (closed || streams.isEmpty()) {
            return;
        }
        streams.values().forEach(TopicStream::commitAcknowledged);
        final Metadata[] headers = new Metadata[1];
        try {
            // Logs in again ahead of the token's configured maximum age, so resubscribes never
            // start with an expiring token.
            token = oauth.token();
            blocking.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .withInterceptors(new HeaderCapture(headers))
                    .getTopic(
                            TopicRequest.newBuilder()
                                    .setTopicName(streams.keySet().iterator().next())
                                    .build());
            final Instant date =
                    headers[0] == null ? null : ServerDates.parse(headers[0].get(DATE));
            probeDate = date != null ? date : Instant.now();
            probeNanos = System.nanoTime();
        } catch (AuthenticationException e) {
            LOG.atWarn()
                    .addKeyValue("org", orgId())
                    .log(
                            "Login ahead of token expiry failed, the current token stays in use: {}",
                            e.getMessage());
        } catch (StatusRuntimeException e) {
            LOG.atDebug()
                    .addKeyValue("org", orgId())
                    .log("GetTopic probe failed: {}", e.getStatus());
        } catch (RuntimeException e) {
            LOG.atDebug().addKeyValue("org", orgId()).setCause(e).log("GetTopic probe failed");
        }
    }

    /** Every stream caught up after the latest probe: report the probe's org time. */
    private void maybeReportDelivered() {
        final Instant date = probeDate;
        if (date == null) {
            return;
        }
        for (final TopicStream s : streams.values()) {
            if (s.caughtUpNanos - probeNanos < 0) {
                return;
            }
        }
        final Instant through = ServerDates.deliveredThrough(date);
        if (through != null) {
            listener.onDelivered(through);
        }
    }

    private String orgId() {
        return token == null ? config.orgId() : token.orgId();
    }

    @Override
    public void close() {
        closed = true;
        streams.values().forEach(TopicStream::cancel);
        if (channel != null) {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One channel's Subscribe stream; a new call (generation) after every failure or stall. */
    private final class TopicStream {
        private final String topic;
        private final Backoff backoff =
                new Backoff(
                        Duration.ofMillis(500), config.retryMaxBackoff(), config.retryMaxElapsed());
        private int generation;

        /** The current call and whether its first request went out (later ones may follow). */
        private Call call;

        private boolean started;

        /** The last position committed to a managed subscription. */
        private ReplayId committed;

        /** Events Salesforce still owes this call (our requests minus its deliveries). */
        private int pending;

        /** Events handed to the task and not yet given to Kafka Connect. */
        private int unhanded;

        private volatile long lastResponseNanos = System.nanoTime();
        private volatile long caughtUpNanos = Long.MIN_VALUE / 2;
        private boolean stallLogged;

        TopicStream(final String topic) {
            this.topic = topic;
        }

        void subscribe() {
            final ReplayId from = positions.forSubscribe(topic);
            final String managed = managedSubscriptions.get(topic);
            final int gen;
            final int n;
            synchronized (this) {
                gen = ++generation;
                n = Math.max(1, Math.min(batch, maxInFlight - unhanded));
                pending = n;
                lastResponseNanos = System.nanoTime();
                stallLogged = false;
                started = false;
            }
            final Call c;
            if (managed != null) {
                LOG.atInfo()
                        .addKeyValue("org", orgId())
                        .addKeyValue("channel", topic)
                        .log(
                                "Subscribing with managed subscription '{}' "
                                        + "(server-side committed replay, beta; {} requested)",
                                managed,
                                n);
                c = new ManagedCall(gen, managed, n);
            } else {
                LOG.atInfo()
                        .addKeyValue("org", orgId())
                        .addKeyValue("channel", topic)
                        .log("Subscribing from {} ({} requested)", from, n);
                c = new PlainCall(gen, from, n);
            }
            synchronized (this) {
                if (gen == generation) {
                    call = c;
                    started = true;
                    requestMore();
                } else {
                    c.cancel();
                }
            }
        }

        private void onResponse(
                final int gen, final List<ConsumerEvent> events, final int serverPending) {
            synchronized (this) {
                if (gen != generation || closed) {
                    return;
                }
                lastResponseNanos = System.nanoTime();
            }
            for (final ConsumerEvent consumed : events) {
                final ReplayId replayId = ReplayId.ofBytes(consumed.getReplayId().toByteArray());
                positions.received(topic, replayId);
                synchronized (this) {
                    // Our own count of what is owed: the response's pending_num_requested predates
                    // requests still in flight.
                    pending = Math.max(0, pending - 1);
                    unhanded++;
                }
                listener.onEvent(
                        topic,
                        replayId,
                        decoder.decode(consumed)); // may block: the task's queue is full
            }
            synchronized (this) {
                if (gen != generation) {
                    return;
                }
                backoff.reset();
                if (events.isEmpty()) {
                    keepalives.incrementAndGet();
                    if (pending > 0 && serverPending > 0) {
                        caughtUpNanos = System.nanoTime();
                    }
                }
                requestMore();
            }
            if (events.isEmpty()) {
                maybeReportDelivered();
            }
        }

        /** Managed subscriptions: commits the last acknowledged position when it moved (server-side replay). */
        void commitAcknowledged() {
            final Call c;
            synchronized (this) {
                c = call;
            }
            final ReplayId acked = positions.forSubscribe(topic);
            if (c instanceof ManagedCall managed && !acked.isPreset() && !acked.equals(committed)) {
                managed.commit(acked);
                committed = acked;
            }
        }

        void handedOver(final int records) {
            synchronized (this) {
                unhanded = Math.max(0, unhanded - records);
                requestMore();
            }
        }

        /**
         * Asks for more, a batch (≤ 100) per request, while the in-flight bound leaves room for a whole
         * batch (or nothing is owed at all); never beyond the bound. Holds the lock.
         */
        private void requestMore() {
            while (call != null && started) {
                final int free = maxInFlight - pending - unhanded;
                final int n = Math.min(batch, free);
                if (n <= 0 || (n < batch && pending > 0)) {
                    return;
                }
                pending += n;
                call.request(n);
            }
        }

        void checkStall(final long now) {
            synchronized (this) {
                if (closed
                        || call == null
                        || now - lastResponseNanos < config.pubSubStallTimeout().toNanos()
                        || stallLogged) {
                    return;
                }
                stallLogged = true;
            }
            stalls.incrementAndGet();
            LOG.atWarn()
                    .addKeyValue("org", orgId())
                    .addKeyValue("channel", topic)
                    .log(
                            "Pub/Sub stream sent nothing (no event, no keepalive) "
                                    + "for {} ms; cancelling it and resubscribing from {}",
                            config.pubSubStallTimeout().toMillis(),
                            positions.forSubscribe(topic));
            cancel();
            resubscribes.incrementAndGet();
            scheduler.execute(this::subscribe);
        }

        void cancel() {
            final Call c;
            synchronized (this) {
                c = call;
                call = null;
                generation++;
                pending = 0;
            }
            if (c != null) {
                c.cancel();
            }
        }

        private void onFailure(final int gen, final Throwable t) {
            synchronized (this) {
                if (gen != generation || closed) {
                    return;
                }
                call = null;
                pending = 0;
            }
            final Status status = Status.fromThrowable(t);
            final Metadata trailers = Status.trailersFromThrowable(t);
            final String code = trailers == null ? null : trailers.get(ERROR_CODE);
            final StreamingAction action = PubSubErrorClassifier.classify(status.getCode(), code);
            LOG.atWarn()
                    .addKeyValue("org", orgId())
                    .addKeyValue("channel", topic)
                    .log(
                            "Pub/Sub stream failed: {} {} (error-code {}) -> {}",
                            status.getCode(),
                            status.getDescription(),
                            code,
                            action);
            switch (action) {
                case FATAL ->
                        listener.onFatal(
                                "Pub/Sub subscription to '"
                                        + topic
                                        + "' refused: "
                                        + status.getCode()
                                        + " "
                                        + status.getDescription()
                                        + (code == null ? "" : " (" + code + ")"),
                                t);
                case INVALID_REPLAY -> onInvalidReplay(status);
                case REAUTHENTICATE -> retry(true);
                case DAILY_LIMIT -> {
                    dailyLimitHits.incrementAndGet();
                    LOG.atError()
                            .addKeyValue("org", orgId())
                            .log(
                                    "Org exceeded its daily event delivery allocation; events are not delivered until it resets");
                    retry(false);
                }
                default -> retry(false);
            }
        }

        private void onInvalidReplay(final Status status) {
            final InvalidReplayPolicy policy = config.invalidReplayPolicy();
            final ReplayId rejected = positions.forSubscribe(topic);
            if (policy == InvalidReplayPolicy.FAIL) {
                LOG.atError()
                        .addKeyValue("org", orgId())
                        .addKeyValue("channel", topic)
                        .log(
                                "Salesforce refused replay id {} ({}); policy 'fail' "
                                        + "stops the task. Set salesforce.replay.invalid.policy to earliest or latest to resume with a possible gap.",
                                rejected,
                                status.getDescription());
                listener.onFatal(
                        "Replay id "
                                + rejected
                                + " for '"
                                + topic
                                + "' is no longer retained by Salesforce",
                        null);
                return;
            }
            final ReplayId restart =
                    policy == InvalidReplayPolicy.EARLIEST ? ReplayId.EARLIEST : ReplayId.LATEST;
            LOG.atWarn()
                    .addKeyValue("org", orgId())
                    .addKeyValue("channel", topic)
                    .log(
                            "Salesforce refused replay id {} ({}); policy '{}' "
                                    + "resubscribes from {} - events between may be missing",
                            rejected,
                            status.getDescription(),
                            policy,
                            restart);
            positions.setStart(topic, restart);
            resubscribes.incrementAndGet();
            scheduler.execute(this::subscribe);
        }

        private void retry(final boolean relogin) {
            final Duration delay;
            synchronized (this) {
                delay = backoff.next();
            }
            if (delay == null) {
                listener.onFatal(
                        "Gave up resubscribing to '"
                                + topic
                                + "' of org '"
                                + orgId()
                                + "' after "
                                + backoff.attempt()
                                + " attempts over "
                                + config.retryMaxElapsed(),
                        null);
                return;
            }
            LOG.atWarn()
                    .addKeyValue("org", orgId())
                    .addKeyValue("channel", topic)
                    .log(
                            "Resubscribing in {} ms (attempt {}{})",
                            delay.toMillis(),
                            backoff.attempt(),
                            relogin ? ", with a new login" : "");
            scheduler.schedule(
                    () -> {
                        if (closed) {
                            return;
                        }
                        try {
                            if (relogin) {
                                token = oauth.refresh(token);
                                reauthentications.incrementAndGet();
                            }
                            resubscribes.incrementAndGet();
                            subscribe();
                        } catch (AuthenticationException e) {
                            if (e.permanent()) {
                                listener.onFatal(e.getMessage(), e);
                            } else {
                                LOG.atWarn()
                                        .addKeyValue("org", orgId())
                                        .log("Login failed, will retry: {}", e.getMessage());
                                retry(true);
                            }
                        } catch (RuntimeException e) {
                            LOG.atWarn()
                                    .addKeyValue("org", orgId())
                                    .setCause(e)
                                    .log("Resubscribe failed, will retry");
                            retry(relogin);
                        } catch (Error e) {
                            // Never silent: a scheduled task's error would otherwise vanish into
                            // its Future and the channel stop for good.
                            LOG.atError()
                                    .addKeyValue("org", orgId())
                                    .addKeyValue("channel", topic)
                                    .setCause(e)
                                    .log("Resubscribe failed with {}", e.toString());
                            listener.onFatal("Resubscribing to '" + topic + "' failed: " + e, e);
                        }
                    },
                    delay.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        /** The response side of one call of this stream: its responses, its end (an error, or Salesforce completing it). */
        private <R> io.grpc.stub.StreamObserver<R> responses(
                final int gen, final String rpc, final java.util.function.Consumer<R> onNext) {
            return new io.grpc.stub.StreamObserver<>() {
                @Override
                public void onNext(final R response) {
                    onNext.accept(response);
                }

                @Override
                public void onError(final Throwable t) {
                    onFailure(gen, t);
                }

                @Override
                public void onCompleted() {
                    onFailure(
                            gen,
                            Status.UNAVAILABLE
                                    .withDescription("Salesforce completed the " + rpc + " stream")
                                    .asRuntimeException());
                }
            };
        }

        /** One RPC of this stream: Subscribe or ManagedSubscribe. */
        private interface Call {
            void request(int n);

            void cancel();
        }

        /** {@code Subscribe}: where to start is in the first request. */
        private final class PlainCall implements Call {
            private final ClientCallStreamObserver<FetchRequest> requests;

            PlainCall(final int gen, final ReplayId from, final int n) {
                final FetchRequest.Builder first =
                        FetchRequest.newBuilder().setTopicName(topic).setNumRequested(n);
                if (from.isPreset()) {
                    first.setReplayPreset(
                            from.isEarliest() ? ReplayPreset.EARLIEST : ReplayPreset.LATEST);
                } else {
                    first.setReplayPreset(ReplayPreset.CUSTOM)
                            .setReplayId(ByteString.copyFrom(from.bytes()));
                }
                requests =
                        (ClientCallStreamObserver<FetchRequest>)
                                async.subscribe(
                                        responses(
                                                gen,
                                                "Subscribe",
                                                response ->
                                                        onResponse(
                                                                gen,
                                                                response.getEventsList(),
                                                                response
                                                                        .getPendingNumRequested())));
                requests.onNext(first.build());
            }

            @Override
            public void request(final int n) {
                requests.onNext(FetchRequest.newBuilder().setNumRequested(n).build());
            }

            @Override
            public void cancel() {
                requests.cancel("sfpulse: resubscribing", null);
            }
        }

        /** {@code ManagedSubscribe} (beta): the server keeps the position; this stream commits what Kafka acknowledged. */
        private final class ManagedCall implements Call {
            private final ClientCallStreamObserver<ManagedFetchRequest> requests;

            ManagedCall(final int gen, final String developerName, final int n) {
                requests =
                        (ClientCallStreamObserver<ManagedFetchRequest>)
                                async.managedSubscribe(
                                        responses(
                                                gen,
                                                "ManagedSubscribe",
                                                response -> {
                                                    if (response.hasCommitResponse()) {
                                                        onCommitted(response.getCommitResponse());
                                                        if (response.getEventsCount() == 0) {
                                                            return;
                                                        }
                                                    }
                                                    onResponse(
                                                            gen,
                                                            response.getEventsList(),
                                                            response.getPendingNumRequested());
                                                }));
                requests.onNext(
                        ManagedFetchRequest.newBuilder()
                                .setDeveloperName(developerName)
                                .setNumRequested(n)
                                .build());
            }

            @Override
            public synchronized void request(final int n) {
                requests.onNext(ManagedFetchRequest.newBuilder().setNumRequested(n).build());
            }

            synchronized void commit(final ReplayId replayId) {
                requests.onNext(
                        ManagedFetchRequest.newBuilder()
                                .setCommitReplayIdRequest(
                                        CommitReplayRequest.newBuilder()
                                                .setCommitRequestId(UUID.randomUUID().toString())
                                                .setReplayId(ByteString.copyFrom(replayId.bytes())))
                                .build());
            }

            @Override
            public void cancel() {
                requests.cancel("sfpulse: resubscribing", null);
            }
        }

        private void onCommitted(final CommitReplayResponse response) {
            if (response.hasError()) {
                commitFailures.incrementAndGet();
                LOG.atWarn()
                        .addKeyValue("org", orgId())
                        .addKeyValue("channel", topic)
                        .log(
                                "Managed subscription commit {} failed: {} {}",
                                response.getCommitRequestId(),
                                response.getError().getCode(),
                                response.getError().getMsg());
            } else {
                commits.incrementAndGet();
            }
        }
    }

    /** Adds the auth headers ({@code accesstoken}, {@code instanceurl}, {@code tenantid}) and a trace id to every call. */
    private final class AuthHeaders implements ClientInterceptor {
        private final Metadata.Key<String> accessToken =
                Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER);
        private final Metadata.Key<String> instanceUrl =
                Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER);
        private final Metadata.Key<String> tenantId =
                Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER);
        private final Metadata.Key<String> traceId =
                Metadata.Key.of("x-client-trace-id", Metadata.ASCII_STRING_MARSHALLER);

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(
                final MethodDescriptor<Q, R> method,
                final CallOptions options,
                final Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(
                    next.newCall(method, options)) {
                @Override
                public void start(final Listener<R> responseListener, final Metadata headers) {
                    final AccessToken t = token;
                    headers.put(accessToken, t.value());
                    headers.put(instanceUrl, t.instanceUrl());
                    headers.put(tenantId, t.orgId());
                    headers.put(traceId, UUID.randomUUID().toString());
                    super.start(responseListener, headers);
                }
            };
        }
    }

    /** Keeps a call's response headers (the probe reads the org's clock from them). */
    private static final class HeaderCapture implements ClientInterceptor {
        private final Metadata[] into;

        HeaderCapture(final Metadata[] into) {
            this.into = into;
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(
                final MethodDescriptor<Q, R> method,
                final CallOptions options,
                final Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(
                    next.newCall(method, options)) {
                @Override
                public void start(final Listener<R> responseListener, final Metadata headers) {
                    super.start(
                            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(
                                    responseListener) {
                                @Override
                                public void onHeaders(final Metadata h) {
                                    into[0] = h;
                                    super.onHeaders(h);
                                }
                            },
                            headers);
                }
            };
        }
    }
}
