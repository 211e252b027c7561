package io.sfpulse.emulator.pubsub;

import com.google.protobuf.ByteString;
import com.salesforce.eventbus.protobuf.CommitReplayRequest;
import com.salesforce.eventbus.protobuf.CommitReplayResponse;
import com.salesforce.eventbus.protobuf.ConsumerEvent;
import com.salesforce.eventbus.protobuf.FetchRequest;
import com.salesforce.eventbus.protobuf.FetchResponse;
import com.salesforce.eventbus.protobuf.ManagedFetchRequest;
import com.salesforce.eventbus.protobuf.ManagedFetchResponse;
import com.salesforce.eventbus.protobuf.ProducerEvent;
import com.salesforce.eventbus.protobuf.PubSubGrpc;
import com.salesforce.eventbus.protobuf.ReplayPreset;
import com.salesforce.eventbus.protobuf.SchemaInfo;
import com.salesforce.eventbus.protobuf.SchemaRequest;
import com.salesforce.eventbus.protobuf.TopicInfo;
import com.salesforce.eventbus.protobuf.TopicRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.sfpulse.emulator.auth.TokenStore;
import io.sfpulse.emulator.faults.FaultPlan;
import io.sfpulse.emulator.org.ChannelLog;
import io.sfpulse.emulator.org.EmulatedOrg;
import io.sfpulse.emulator.org.EventSchemas;
import io.sfpulse.emulator.org.ManagedSubscriptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pub/Sub API over the org's channels (the same retained logs the CometD server reads, so an
 * event published once is visible on both, with the same replay id): {@code GetTopic},
 * {@code GetSchema}, {@code Subscribe} with pull-based flow control, and {@code ManagedSubscribe}
 * (beta: server-side committed replay). Publish and PublishStream answer {@code UNIMPLEMENTED}.
 */
final class PubSubService extends PubSubGrpc.PubSubImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(PubSubService.class);

    /** Events per FetchResponse at most. */
    static final int MAX_EVENTS_PER_RESPONSE = 100;

    private final EmulatedOrg org;
    private final TokenStore tokens;
    private final FaultPlan faults;
    private final Duration keepalive;
    private final ExecutorService streams;
    private final PubSubStats stats;

    PubSubService(
            final EmulatedOrg org,
            final TokenStore tokens,
            final FaultPlan faults,
            final Duration keepalive,
            final ExecutorService streams,
            final PubSubStats stats) {
        this.stats = stats;
        this.org = org;
        this.tokens = tokens;
        this.faults = faults;
        this.keepalive = keepalive;
        this.streams = streams;
    }

    @Override
    public void getTopic(final TopicRequest request, final StreamObserver<TopicInfo> response) {
        final String topic = request.getTopicName();
        if (topic.isBlank()) {
            response.onError(
                    PubSubErrors.invalid("topic.validation.empty", "The topic name is blank."));
            return;
        }
        final Optional<ChannelLog> log = org.channel(topic);
        if (log.isEmpty()) {
            response.onError(PubSubErrors.topicNotFound(org.orgId(), topic));
            return;
        }
        final String schemaId = currentSchemaId(log.get());
        response.onNext(
                TopicInfo.newBuilder()
                        .setTopicName(topic)
                        .setTenantGuid(org.orgId())
                        .setCanPublish(topic.startsWith("/event/"))
                        .setCanSubscribe(true)
                        .setSchemaId(schemaId == null ? "" : schemaId)
                        .setRpcId(UUID.randomUUID().toString())
                        .build());
        response.onCompleted();
    }

    @Override
    public void getSchema(final SchemaRequest request, final StreamObserver<SchemaInfo> response) {
        if (request.getSchemaId().isBlank()) {
            response.onError(
                    PubSubErrors.invalid("schema.validation.failed", "The schema ID is blank."));
            return;
        }
        final Optional<EventSchemas.Version> version = org.schemas().byId(request.getSchemaId());
        if (version.isEmpty()) {
            response.onError(
                    PubSubErrors.error(
                            io.grpc.Status.NOT_FOUND,
                            "schema.meta.permission",
                            "The schema information for schema ID "
                                    + request.getSchemaId()
                                    + " not found."));
            return;
        }
        response.onNext(
                SchemaInfo.newBuilder()
                        .setSchemaId(version.get().id())
                        .setSchemaJson(version.get().schema().toString())
                        .setRpcId(UUID.randomUUID().toString())
                        .build());
        response.onCompleted();
    }

    @Override
    public StreamObserver<FetchRequest> subscribe(final StreamObserver<FetchResponse> response) {
        final ServerCallStreamObserver<FetchResponse> out =
                (ServerCallStreamObserver<FetchResponse>) response;
        final String token = PubSubAuthInterceptor.TOKEN.get();
        return new Subscription(out, token);
    }

    @Override
    public StreamObserver<ManagedFetchRequest> managedSubscribe(
            final StreamObserver<ManagedFetchResponse> response) {
        return new ManagedSubscription(
                (ServerCallStreamObserver<ManagedFetchResponse>) response,
                PubSubAuthInterceptor.TOKEN.get());
    }

    private ConsumerEvent consumerEvent(final String topic, final ChannelLog.StoredEvent stored) {
        final Map<String, Object> data = stored.data();
        final String schemaId = String.valueOf(data.get("schema"));
        final EventSchemas.Version version =
                org.schemas()
                        .byId(schemaId)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "No schema "
                                                        + schemaId
                                                        + " for an event on "
                                                        + topic));
        @SuppressWarnings("unchecked")
        final Map<String, Object> payload = (Map<String, Object>) data.get("payload");
        final Object uuid = data.get("event") instanceof Map<?, ?> e ? e.get("EventUuid") : null;
        final String id =
                uuid != null
                        ? uuid.toString()
                        : UUID.nameUUIDFromBytes(
                                        (topic + "#" + stored.replayId())
                                                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                .toString();
        byte[] bytes;
        try {
            bytes = AvroPayloads.encode(version.schema(), payload);
        } catch (RuntimeException e) {
            // Publishing does not validate payloads: one that does not fit its schema reaches
            // subscribers undecodable.
            bytes = String.valueOf(payload).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return ConsumerEvent.newBuilder()
                .setReplayId(replayBytes(stored.replayId()))
                .setEvent(
                        ProducerEvent.newBuilder()
                                .setId(id)
                                .setSchemaId(schemaId)
                                .setPayload(ByteString.copyFrom(bytes)))
                .build();
    }

    private String currentSchemaId(final ChannelLog log) {
        final var latest = log.readAfter(log.latestReplayId() - 1, 1);
        return latest.isEmpty() ? null : String.valueOf(latest.get(0).data().get("schema"));
    }

    static ByteString replayBytes(final long replayId) {
        return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(replayId).array());
    }

    /**
     * One streaming call (Subscribe or ManagedSubscribe): requests add demand; one thread per call
     * writes events while there is demand and an empty response (keepalive) when nothing was sent for
     * the keepalive interval; faults and token expiry end it with Salesforce's statuses.
     */
    private abstract class Stream<Q, R> implements StreamObserver<Q> {
        final ServerCallStreamObserver<R> out;
        final String token;
        final Object lock = new Object();
        ChannelLog log;
        String topic;
        long cursor;
        int demand;
        volatile boolean done;

        Stream(final ServerCallStreamObserver<R> out, final String token) {
            this.out = out;
            this.token = token;
            out.setOnCancelHandler(this::finish);
        }

        /** A response with these events (none: a keepalive), the position after them and what is still owed. */
        abstract R response(List<ConsumerEvent> events, long latestReplayId, int pending);

        /** Called when the call ends for any reason. */
        void ended() {}

        /** The call's first request: where and what to stream. Holds the lock. */
        abstract void start(Q first);

        /** A later request: more demand (and, for managed subscriptions, commits). Holds the lock. */
        abstract void later(Q request);

        @Override
        public void onNext(final Q request) {
            synchronized (lock) {
                if (done) {
                    return;
                }
                if (log == null) {
                    start(request);
                } else {
                    later(request);
                }
            }
        }

        /** Adds demand from a later request; false (and the call failed) when the request is invalid. */
        boolean addDemand(final int requested) {
            if (requested <= 0) {
                fail(PubSubErrors.requestedEventsInvalid());
                return false;
            }
            demand += requested;
            stats.requested(topic, requested);
            stats.outstanding(topic, demand);
            lock.notifyAll();
            return true;
        }

        /** Starts delivering {@code firstDemand} events of {@code channel} after {@code from}. Holds the lock. */
        void begin(final ChannelLog channel, final long from, final int firstDemand) {
            log = channel;
            cursor = from;
            demand = firstDemand;
            stats.requested(topic, firstDemand);
            stats.subscribed();
            stats.outstanding(topic, demand);
            streams.execute(this::deliver);
        }

        /** Validates a first request's topic; the channel, or null when the call failed. */
        ChannelLog channelFor(final String name, final int requested) {
            topic = name;
            if (faults.takePubSubUnavailable()) {
                fail(PubSubErrors.unavailable());
                return null;
            }
            if (faults.takePubSubDailyLimit()) {
                fail(
                        PubSubErrors.error(
                                io.grpc.Status.RESOURCE_EXHAUSTED,
                                "subscription.limit.exceeded",
                                "The number of events delivered in the last 24 hours exceeds your org's allocation."));
                return null;
            }
            final Optional<ChannelLog> channel = org.channel(name);
            if (name.isBlank() || channel.isEmpty()) {
                fail(
                        name.isBlank()
                                ? PubSubErrors.invalid(
                                        "topic.validation.empty", "The topic name is blank.")
                                : PubSubErrors.cannotSubscribe(name));
                return null;
            }
            if (requested <= 0) {
                fail(PubSubErrors.requestedEventsInvalid());
                return null;
            }
            return channel.get();
        }

        private void deliver() {
            final boolean stalled = faults.takePubSubStall();
            long lastSent = System.nanoTime();
            try {
                while (!done) {
                    if (!tokens.isValid(token)) {
                        fail(PubSubErrors.authError());
                        return;
                    }
                    if (stalled) {
                        synchronized (lock) {
                            lock.wait(200); // silent until the client gives up on the stream
                        }
                        continue;
                    }
                    final int want;
                    synchronized (lock) {
                        want = Math.min(demand, MAX_EVENTS_PER_RESPONSE);
                    }
                    final long keepaliveLeft =
                            keepalive.toMillis() - (System.nanoTime() - lastSent) / 1_000_000L;
                    if (want > 0 && !log.readAfter(cursor, 1).isEmpty()) {
                        if (send(want)) {
                            return;
                        }
                        lastSent = System.nanoTime();
                    } else if (keepaliveLeft <= 0) {
                        synchronized (lock) {
                            out.onNext(
                                    response(
                                            List.of(),
                                            Math.max(cursor, log.latestReplayId()),
                                            demand));
                        }
                        stats.keepaliveSent();
                        lastSent = System.nanoTime();
                    } else if (want > 0) {
                        log.awaitAfter(cursor, Math.min(keepaliveLeft, 200));
                    } else {
                        synchronized (lock) {
                            lock.wait(Math.min(keepaliveLeft, 200));
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (!done) {
                    LOG.warn("Pub/Sub stream of '{}' ended: {}", topic, e.toString());
                    finish();
                }
            }
        }

        /** Sends up to {@code want} events; true when a fault ended the stream. */
        private boolean send(final int want) {
            final List<ConsumerEvent> batch = new ArrayList<>();
            int sent = 0;
            boolean drop = false;
            for (final ChannelLog.StoredEvent stored : log.readAfter(cursor, want)) {
                final ConsumerEvent event = consumerEvent(topic, stored);
                batch.add(event);
                if (faults.takeDuplicate()) {
                    batch.add(event);
                }
                cursor = stored.replayId();
                sent++;
                if (faults.countPubSubDeliveredAndCheckDrop()) {
                    drop = true;
                    break;
                }
            }
            synchronized (lock) {
                demand -= sent;
                out.onNext(response(batch, cursor, demand));
            }
            stats.eventsSent(batch.size());
            if (drop) {
                fail(PubSubErrors.streamReset());
            }
            return drop;
        }

        void fail(final Throwable error) {
            synchronized (lock) {
                if (done) {
                    return;
                }
                done = true;
                lock.notifyAll();
                out.onError(error);
            }
            ended();
        }

        void finish() {
            synchronized (lock) {
                done = true;
                lock.notifyAll();
            }
            ended();
        }

        @Override
        public void onError(final Throwable t) {
            finish();
        }

        @Override
        public void onCompleted() {
            synchronized (lock) {
                if (!done) {
                    done = true;
                    lock.notifyAll();
                    out.onCompleted();
                }
            }
            ended();
        }
    }

    /** A Subscribe call: the replay preset or id of the first request says where it starts. */
    private final class Subscription extends Stream<FetchRequest, FetchResponse> {

        Subscription(final ServerCallStreamObserver<FetchResponse> out, final String token) {
            super(out, token);
        }

        @Override
        FetchResponse response(
                final List<ConsumerEvent> events, final long latestReplayId, final int pending) {
            return FetchResponse.newBuilder()
                    .addAllEvents(events)
                    .setLatestReplayId(replayBytes(latestReplayId))
                    .setPendingNumRequested(pending)
                    .setRpcId(UUID.randomUUID().toString())
                    .build();
        }

        @Override
        void later(final FetchRequest request) {
            if (!request.getTopicName().isEmpty() && !request.getTopicName().equals(topic)) {
                fail(
                        PubSubErrors.invalid(
                                "subscription.fetch.topic.mismatch",
                                "The topic name in a FetchRequest must match the first request's."));
                return;
            }
            addDemand(request.getNumRequested());
        }

        @Override
        void start(final FetchRequest first) {
            final ChannelLog channel = channelFor(first.getTopicName(), first.getNumRequested());
            if (channel == null) {
                return;
            }
            final long from;
            if (first.getReplayPreset() == ReplayPreset.CUSTOM) {
                if (first.getReplayId().isEmpty()) {
                    fail(
                            PubSubErrors.invalid(
                                    "subscription.fetch.replayid.validation.failed",
                                    "A replay ID is required with the CUSTOM replay preset."));
                    return;
                }
                final long id =
                        first.getReplayId().size() == 8
                                ? first.getReplayId().asReadOnlyByteBuffer().getLong()
                                : Long.MIN_VALUE;
                if (id == Long.MIN_VALUE
                        || faults.takeInvalidReplayId()
                        || !channel.isRetained(id, org.clock().instant())) {
                    fail(PubSubErrors.replayIdCorrupted());
                    return;
                }
                from = id;
            } else {
                from =
                        first.getReplayPreset() == ReplayPreset.EARLIEST
                                ? Long.MIN_VALUE
                                : channel.latestReplayId();
            }
            LOG.info(
                    "Pub/Sub subscription to '{}' from {} ({} requested)",
                    topic,
                    first.getReplayPreset(),
                    first.getNumRequested());
            begin(channel, from, first.getNumRequested());
        }
    }

    /**
     * A ManagedSubscribe call (beta): the org's managed subscription, named by id or developer name,
     * starts after the replay id the server committed for it (else at its configured start), one
     * client at a time; commit requests move the committed position and are answered in a response
     * without events; a failed commit is reported there and does not end the stream.
     */
    private final class ManagedSubscription
            extends Stream<ManagedFetchRequest, ManagedFetchResponse> {
        private ManagedSubscriptions.Subscription subscription;

        ManagedSubscription(
                final ServerCallStreamObserver<ManagedFetchResponse> out, final String token) {
            super(out, token);
        }

        @Override
        ManagedFetchResponse response(
                final List<ConsumerEvent> events, final long latestReplayId, final int pending) {
            return ManagedFetchResponse.newBuilder()
                    .addAllEvents(events)
                    .setLatestReplayId(replayBytes(latestReplayId))
                    .setPendingNumRequested(pending)
                    .setRpcId(UUID.randomUUID().toString())
                    .build();
        }

        @Override
        void ended() {
            if (subscription != null) {
                org.managedSubscriptions().deactivate(subscription.id());
            }
        }

        @Override
        void later(final ManagedFetchRequest request) {
            if (request.hasCommitReplayIdRequest()) {
                commit(request.getCommitReplayIdRequest());
            }
            if (request.getNumRequested() > 0) {
                addDemand(request.getNumRequested());
            }
        }

        private void commit(final CommitReplayRequest request) {
            final CommitReplayResponse.Builder answer =
                    CommitReplayResponse.newBuilder()
                            .setCommitRequestId(request.getCommitRequestId())
                            .setReplayId(request.getReplayId())
                            .setProcessTime(org.clock().instant().toEpochMilli());
            if (request.getReplayId().size() == 8) {
                org.managedSubscriptions()
                        .commit(
                                subscription.id(),
                                request.getReplayId().asReadOnlyByteBuffer().getLong());
            } else {
                answer.setError(
                        com.salesforce.eventbus.protobuf.Error.newBuilder()
                                .setCode(com.salesforce.eventbus.protobuf.ErrorCode.COMMIT)
                                .setMsg("The replay ID to commit is not valid."));
            }
            out.onNext(
                    ManagedFetchResponse.newBuilder()
                            .setCommitResponse(answer)
                            .setLatestReplayId(replayBytes(cursor))
                            .setPendingNumRequested(demand)
                            .setRpcId(UUID.randomUUID().toString())
                            .build());
        }

        @Override
        void start(final ManagedFetchRequest first) {
            final Optional<ManagedSubscriptions.Subscription> found;
            if (!first.getSubscriptionId().isBlank()) {
                found = org.managedSubscriptions().byId(first.getSubscriptionId());
            } else if (!first.getDeveloperName().isBlank()) {
                found = org.managedSubscriptions().byDeveloperName(first.getDeveloperName());
            } else {
                fail(
                        PubSubErrors.invalid(
                                "managed.subscription.id.or.developer.name.empty",
                                "Provide a subscription ID or developer name."));
                return;
            }
            if (found.isEmpty()) {
                fail(
                        PubSubErrors.error(
                                io.grpc.Status.NOT_FOUND,
                                first.getSubscriptionId().isBlank()
                                        ? "managed.subscription.developer.name.not.found"
                                        : "managed.subscription.subscription.id.not.found",
                                "The managed subscription "
                                        + (first.getSubscriptionId().isBlank()
                                                ? first.getDeveloperName()
                                                : first.getSubscriptionId())
                                        + " was not found."));
                return;
            }
            final ChannelLog channel = channelFor(found.get().topic(), first.getNumRequested());
            if (channel == null) {
                return;
            }
            if (!org.managedSubscriptions().activate(found.get().id())) {
                fail(
                        PubSubErrors.error(
                                io.grpc.Status.FAILED_PRECONDITION,
                                "managed.subscription.already.active",
                                "The managed subscription "
                                        + found.get().developerName()
                                        + " is already active in another stream."));
                return;
            }
            subscription = found.get();
            final Long committed = subscription.committedReplayId();
            final long from =
                    committed != null && channel.isRetained(committed, org.clock().instant())
                            ? committed
                            : subscription.earliest() ? Long.MIN_VALUE : channel.latestReplayId();
            LOG.info(
                    "Pub/Sub managed subscription '{}' to '{}' from {} ({} requested)",
                    subscription.developerName(),
                    topic,
                    committed != null
                            ? "committed " + committed
                            : subscription.earliest() ? "EARLIEST" : "LATEST",
                    first.getNumRequested());
            begin(channel, from, first.getNumRequested());
        }
    }
}
