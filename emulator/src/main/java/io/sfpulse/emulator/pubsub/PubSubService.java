package io.sfpulse.emulator.pubsub;

import com.google.protobuf.ByteString;
import com.salesforce.eventbus.protobuf.ConsumerEvent;
import com.salesforce.eventbus.protobuf.FetchRequest;
import com.salesforce.eventbus.protobuf.FetchResponse;
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
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pub/Sub API over the org's channels (the same retained logs the CometD server reads, so an
 * event published once is visible on both, with the same replay id): {@code GetTopic},
 * {@code GetSchema}, and {@code Subscribe} with pull-based flow control. Publish, PublishStream and
 * ManagedSubscribe answer {@code UNIMPLEMENTED}.
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

    PubSubService(final EmulatedOrg org, final TokenStore tokens, final FaultPlan faults, final Duration keepalive, final ExecutorService streams,
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
            response.onError(PubSubErrors.invalid("topic.validation.empty", "The topic name is blank."));
            return;
        }
        final Optional<ChannelLog> log = org.channel(topic);
        if (log.isEmpty()) {
            response.onError(PubSubErrors.topicNotFound(org.orgId(), topic));
            return;
        }
        final String schemaId = currentSchemaId(log.get());
        response.onNext(TopicInfo.newBuilder().setTopicName(topic).setTenantGuid(org.orgId()).setCanPublish(topic.startsWith("/event/"))
            .setCanSubscribe(true).setSchemaId(schemaId == null ? "" : schemaId).setRpcId(UUID.randomUUID().toString()).build());
        response.onCompleted();
    }

    @Override
    public void getSchema(final SchemaRequest request, final StreamObserver<SchemaInfo> response) {
        if (request.getSchemaId().isBlank()) {
            response.onError(PubSubErrors.invalid("schema.validation.failed", "The schema ID is blank."));
            return;
        }
        final Optional<EventSchemas.Version> version = org.schemas().byId(request.getSchemaId());
        if (version.isEmpty()) {
            response.onError(PubSubErrors.error(io.grpc.Status.NOT_FOUND, "schema.meta.permission",
                "The schema information for schema ID " + request.getSchemaId() + " not found."));
            return;
        }
        response.onNext(SchemaInfo.newBuilder().setSchemaId(version.get().id()).setSchemaJson(version.get().schema().toString())
            .setRpcId(UUID.randomUUID().toString()).build());
        response.onCompleted();
    }

    @Override
    public StreamObserver<FetchRequest> subscribe(final StreamObserver<FetchResponse> response) {
        final ServerCallStreamObserver<FetchResponse> out = (ServerCallStreamObserver<FetchResponse>) response;
        final String token = PubSubAuthInterceptor.TOKEN.get();
        return new Subscription(out, token);
    }

    private String currentSchemaId(final ChannelLog log) {
        final var latest = log.readAfter(Math.max(Long.MIN_VALUE, log.latestReplayId() - 1), 1);
        return latest.isEmpty() ? null : String.valueOf(latest.get(0).data().get("schema"));
    }

    static ByteString replayBytes(final long replayId) {
        return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(replayId).array());
    }

    /** One Subscribe call: requests add demand; one thread per call writes events and keepalives. */
    private final class Subscription implements StreamObserver<FetchRequest> {
        private final ServerCallStreamObserver<FetchResponse> out;
        private final String token;
        private final Object lock = new Object();
        private ChannelLog log;
        private String topic;
        private long cursor;
        private int demand;
        private volatile boolean done;

        Subscription(final ServerCallStreamObserver<FetchResponse> out, final String token) {
            this.out = out;
            this.token = token;
            out.setOnCancelHandler(this::finish);
        }

        @Override
        public void onNext(final FetchRequest request) {
            synchronized (lock) {
                if (done) {
                    return;
                }
                if (log == null) {
                    start(request);
                    return;
                }
                if (!request.getTopicName().isEmpty() && !request.getTopicName().equals(topic)) {
                    fail(PubSubErrors.invalid("subscription.fetch.topic.mismatch", "The topic name in a FetchRequest must match the first request's."));
                    return;
                }
                if (request.getNumRequested() <= 0) {
                    fail(PubSubErrors.invalid("subscription.fetch.requested.events.invalid", "The number of requested events must be greater than zero."));
                    return;
                }
                demand += request.getNumRequested();
                stats.outstanding(topic, demand);
                lock.notifyAll();
            }
        }

        private void start(final FetchRequest first) {
            topic = first.getTopicName();
            if (faults.takePubSubUnavailable()) {
                fail(PubSubErrors.unavailable());
                return;
            }
            if (faults.takePubSubDailyLimit()) {
                fail(PubSubErrors.error(io.grpc.Status.RESOURCE_EXHAUSTED, "subscription.limit.exceeded",
                    "The number of events delivered in the last 24 hours exceeds your org's allocation."));
                return;
            }
            final Optional<ChannelLog> channel = org.channel(topic);
            if (topic.isBlank() || channel.isEmpty()) {
                fail(topic.isBlank() ? PubSubErrors.invalid("topic.validation.empty", "The topic name is blank.") : PubSubErrors.cannotSubscribe(topic));
                return;
            }
            if (first.getNumRequested() <= 0) {
                fail(PubSubErrors.invalid("subscription.fetch.requested.events.invalid", "The number of requested events must be greater than zero."));
                return;
            }
            final ChannelLog l = channel.get();
            if (first.getReplayPreset() == ReplayPreset.CUSTOM) {
                if (first.getReplayId().isEmpty()) {
                    fail(PubSubErrors.invalid("subscription.fetch.replayid.validation.failed", "A replay ID is required with the CUSTOM replay preset."));
                    return;
                }
                final long id = first.getReplayId().size() == 8 ? first.getReplayId().asReadOnlyByteBuffer().getLong() : Long.MIN_VALUE;
                if (id == Long.MIN_VALUE || faults.takeInvalidReplayId() || !l.isRetained(id, org.clock().instant())) {
                    fail(PubSubErrors.replayIdCorrupted());
                    return;
                }
                cursor = id;
            } else {
                cursor = first.getReplayPreset() == ReplayPreset.EARLIEST ? Long.MIN_VALUE : l.latestReplayId();
            }
            log = l;
            demand = first.getNumRequested();
            stats.subscribed();
            stats.outstanding(topic, demand);
            LOG.info("Pub/Sub subscription to '{}' from {} ({} requested)", topic, first.getReplayPreset(), demand);
            streams.execute(this::deliver);
        }

        /** The writer loop: events while there is demand, an empty response (keepalive) when nothing was sent for a while. */
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
                    final long keepaliveLeft = keepalive.toMillis() - (System.nanoTime() - lastSent) / 1_000_000L;
                    if (want > 0 && !log.readAfter(cursor, 1).isEmpty()) {
                        if (send(want)) {
                            return;
                        }
                        lastSent = System.nanoTime();
                    } else if (keepaliveLeft <= 0) {
                        synchronized (lock) {
                            out.onNext(FetchResponse.newBuilder().setLatestReplayId(replayBytes(Math.max(cursor, log.latestReplayId())))
                                .setPendingNumRequested(demand).setRpcId(UUID.randomUUID().toString()).build());
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
                    LOG.warn("Pub/Sub subscription to '{}' ended: {}", topic, e.toString());
                    finish();
                }
            }
        }

        /** Sends up to {@code want} events; true when a fault ended the stream. */
        private boolean send(final int want) {
            final FetchResponse.Builder batch = FetchResponse.newBuilder().setRpcId(UUID.randomUUID().toString());
            int sent = 0;
            for (final ChannelLog.StoredEvent stored : log.readAfter(cursor, want)) {
                final ConsumerEvent event = consumerEvent(stored);
                batch.addEvents(event);
                if (faults.takeDuplicate()) {
                    batch.addEvents(event);
                }
                cursor = stored.replayId();
                sent++;
                if (faults.countPubSubDeliveredAndCheckDrop()) {
                    synchronized (lock) {
                        demand -= sent;
                        out.onNext(batch.setLatestReplayId(replayBytes(cursor)).setPendingNumRequested(demand).build());
                    }
                    fail(PubSubErrors.streamReset());
                    return true;
                }
            }
            synchronized (lock) {
                demand -= sent;
                out.onNext(batch.setLatestReplayId(replayBytes(cursor)).setPendingNumRequested(demand).build());
            }
            stats.eventsSent(batch.getEventsCount());
            return false;
        }

        private ConsumerEvent consumerEvent(final ChannelLog.StoredEvent stored) {
            final Map<String, Object> data = stored.data();
            final String schemaId = String.valueOf(data.get("schema"));
            final EventSchemas.Version version = org.schemas().byId(schemaId)
                .orElseThrow(() -> new IllegalStateException("No schema " + schemaId + " for an event on " + topic));
            @SuppressWarnings("unchecked")
            final Map<String, Object> payload = (Map<String, Object>) data.get("payload");
            final Object uuid = data.get("event") instanceof Map<?, ?> e ? e.get("EventUuid") : null;
            final String id = uuid != null ? uuid.toString()
                : UUID.nameUUIDFromBytes((topic + "#" + stored.replayId()).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
            byte[] bytes;
            try {
                bytes = AvroPayloads.encode(version.schema(), payload);
            } catch (RuntimeException e) {
                // Publishing does not validate payloads: one that does not fit its schema reaches subscribers undecodable.
                bytes = String.valueOf(payload).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            return ConsumerEvent.newBuilder().setReplayId(replayBytes(stored.replayId())).setEvent(ProducerEvent.newBuilder()
                .setId(id).setSchemaId(schemaId).setPayload(ByteString.copyFrom(bytes))).build();
        }

        private void fail(final Throwable error) {
            synchronized (lock) {
                if (done) {
                    return;
                }
                done = true;
                lock.notifyAll();
                out.onError(error);
            }
        }

        private void finish() {
            synchronized (lock) {
                done = true;
                lock.notifyAll();
            }
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
        }
    }
}
