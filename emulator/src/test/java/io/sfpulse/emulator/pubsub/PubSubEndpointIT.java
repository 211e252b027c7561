package io.sfpulse.emulator.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.salesforce.eventbus.protobuf.FetchRequest;
import com.salesforce.eventbus.protobuf.FetchResponse;
import com.salesforce.eventbus.protobuf.PubSubGrpc;
import com.salesforce.eventbus.protobuf.ReplayPreset;
import com.salesforce.eventbus.protobuf.SchemaRequest;
import com.salesforce.eventbus.protobuf.TopicInfo;
import com.salesforce.eventbus.protobuf.TopicRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.sfpulse.emulator.SalesforceEmulator;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The emulator's Pub/Sub API over real gRPC: auth headers, topics, schemas, flow control, keepalives, Salesforce's errors. */
class PubSubEndpointIT {

    private static SalesforceEmulator emulator;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() {
        emulator =
                SalesforceEmulator.builder()
                        .pubSubKeepalive(Duration.ofMillis(500))
                        .build()
                        .start();
        channel = NettyChannelBuilder.forTarget(emulator.pubSubEndpoint()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        emulator.close();
    }

    private static Metadata auth(final String token) {
        final Metadata m = new Metadata();
        m.put(Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER), token);
        m.put(Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER), emulator.baseUrl());
        m.put(
                Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER),
                emulator.org().orgId());
        return m;
    }

    private static PubSubGrpc.PubSubBlockingStub blocking() {
        return PubSubGrpc.newBlockingStub(channel)
                .withInterceptors(
                        MetadataUtils.newAttachHeadersInterceptor(auth(emulator.tokens().issue())));
    }

    private static String errorCode(final StatusRuntimeException e) {
        return e.getTrailers().get(Metadata.Key.of("error-code", Metadata.ASCII_STRING_MARSHALLER));
    }

    private static long replay(final ByteString bytes) {
        assertThat(bytes.size()).isEqualTo(8);
        return bytes.asReadOnlyByteBuffer().getLong();
    }

    /** A Subscribe call whose responses and end land in a queue. */
    private static final class Call implements StreamObserver<FetchResponse> {
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        final StreamObserver<FetchRequest> requests;

        Call() {
            requests =
                    PubSubGrpc.newStub(channel)
                            .withInterceptors(
                                    MetadataUtils.newAttachHeadersInterceptor(
                                            auth(emulator.tokens().issue())))
                            .subscribe(this);
        }

        FetchResponse next() throws InterruptedException {
            final Object o = received.poll(10, TimeUnit.SECONDS);
            assertThat(o).as("a response within 10 s").isInstanceOf(FetchResponse.class);
            return (FetchResponse) o;
        }

        Throwable error() throws InterruptedException {
            final Object o = received.poll(10, TimeUnit.SECONDS);
            assertThat(o).as("the call's end within 10 s").isInstanceOf(Throwable.class);
            return (Throwable) o;
        }

        @Override
        public void onNext(final FetchResponse value) {
            received.add(value);
        }

        @Override
        public void onError(final Throwable t) {
            received.add(t);
        }

        @Override
        public void onCompleted() {
            received.add(new IllegalStateException("completed"));
        }
    }

    @Test
    void refusesACallWithoutAValidTokenLikeSalesforce() {
        final PubSubGrpc.PubSubBlockingStub stub =
                PubSubGrpc.newBlockingStub(channel)
                        .withInterceptors(
                                MetadataUtils.newAttachHeadersInterceptor(
                                        auth("00D000000000001EAA!expired")));
        assertThatThrownBy(
                        () ->
                                stub.getTopic(
                                        TopicRequest.newBuilder()
                                                .setTopicName("/event/BatchApexErrorEvent")
                                                .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> {
                            assertThat(e.getStatus().getCode())
                                    .isEqualTo(Status.Code.UNAUTHENTICATED);
                            assertThat(e.getStatus().getDescription())
                                    .startsWith(
                                            "An authentication exception occurred. Provide valid authentication via metadata headers.")
                                    .containsPattern("rpcId: [0-9a-f-]{36}$");
                            assertThat(errorCode(e))
                                    .isEqualTo("sfdc.platform.eventbus.grpc.service.auth.error");
                        });
    }

    @Test
    void servesTopicsAndTheSchemaEachEventWasPublishedWith() {
        emulator.org().defineChannel("/event/Low_Ink__e");
        emulator.org()
                .publishPlatformEvent(
                        "/event/Low_Ink__e", Map.of("Printer_Model__c", "XZO-5"), null);
        final TopicInfo topic =
                blocking()
                        .getTopic(
                                TopicRequest.newBuilder()
                                        .setTopicName("/event/Low_Ink__e")
                                        .build());
        assertThat(topic.getTenantGuid()).isEqualTo(emulator.org().orgId());
        assertThat(topic.getCanSubscribe()).isTrue();
        final Schema schema =
                new Schema.Parser()
                        .parse(
                                blocking()
                                        .getSchema(
                                                SchemaRequest.newBuilder()
                                                        .setSchemaId(topic.getSchemaId())
                                                        .build())
                                        .getSchemaJson());
        assertThat(schema.getField("CreatedDate").schema().getType()).isEqualTo(Schema.Type.LONG);
        assertThat(schema.getField("CreatedDate").doc()).isEqualTo("CreatedDate:DateTime");
        assertThat(schema.getField("Printer_Model__c")).isNotNull();
        assertThatThrownBy(
                        () ->
                                blocking()
                                        .getTopic(
                                                TopicRequest.newBuilder()
                                                        .setTopicName("/data/NoSuchChangeEvent")
                                                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                            assertThat(e.getStatus().getDescription())
                                    .contains(
                                            "The topic information for org CORE/prod/"
                                                    + emulator.org().orgId()
                                                    + " and topic /data/NoSuchChangeEvent not found.");
                            assertThat(errorCode(e))
                                    .isEqualTo("sfdc.platform.eventbus.grpc.topic.not.found");
                        });
    }

    @Test
    void deliversNoMoreThanRequestedThenKeepsTheStreamAliveWithTheLatestReplayId()
            throws Exception {
        final String topic = "/event/Flow__e";
        emulator.org().defineChannel(topic);
        final long first = emulator.org().publishPlatformEvent(topic, Map.of("N__c", 1), null);
        emulator.org().publishPlatformEvent(topic, Map.of("N__c", 2), null);
        final long third = emulator.org().publishPlatformEvent(topic, Map.of("N__c", 3), null);
        final Call call = new Call();
        call.requests.onNext(
                FetchRequest.newBuilder()
                        .setTopicName(topic)
                        .setReplayPreset(ReplayPreset.EARLIEST)
                        .setNumRequested(2)
                        .build());
        final FetchResponse batch = call.next();
        assertThat(batch.getEventsCount()).isEqualTo(2);
        // The same replay ids as the CometD server's, 8 bytes big-endian.
        assertThat(replay(batch.getEvents(0).getReplayId())).isEqualTo(first);
        assertThat(batch.getPendingNumRequested()).isZero();
        // Nothing more until asked: a keepalive, which still tells the position.
        final FetchResponse keepalive = call.next();
        assertThat(keepalive.getEventsCount()).isZero();
        assertThat(replay(keepalive.getLatestReplayId()))
                .isGreaterThanOrEqualTo(replay(batch.getEvents(1).getReplayId()));
        call.requests.onNext(FetchRequest.newBuilder().setNumRequested(5).build());
        FetchResponse more = call.next();
        while (more.getEventsCount() == 0) {
            more = call.next();
        }
        assertThat(more.getEventsCount()).isEqualTo(1);
        assertThat(replay(more.getEvents(0).getReplayId())).isEqualTo(third);
        assertThat(more.getPendingNumRequested()).isEqualTo(4);
        call.requests.onCompleted();
    }

    @Test
    void refusesAReplayIdOutsideTheRetentionWindow() throws Exception {
        final String topic = "/event/Retention__e";
        emulator.org().defineChannel(topic);
        emulator.org().publishPlatformEvent(topic, Map.of("N__c", 1), null);
        final Call call = new Call();
        call.requests.onNext(
                FetchRequest.newBuilder()
                        .setTopicName(topic)
                        .setReplayPreset(ReplayPreset.CUSTOM)
                        .setReplayId(
                                ByteString.copyFrom(
                                        ByteBuffer.allocate(8).putLong(999_999L).array()))
                        .setNumRequested(10)
                        .build());
        final Throwable error = call.error();
        assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(
                        Status.trailersFromThrowable(error)
                                .get(
                                        Metadata.Key.of(
                                                "error-code", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted");
        assertThat(Status.fromThrowable(error).getDescription())
                .startsWith("The Replay ID validation failed.");
    }

    @Test
    void sendsChangeEventsWithBitmapsOverTheSchemasFieldPositions() throws Exception {
        emulator.org().defineChannel("/data/LeadChangeEvent");
        emulator.org()
                .publishChange(
                        "Lead",
                        "CREATE",
                        List.of("00Q000000000001AAA"),
                        Map.of("Company", "Acme", "Status", "Open"),
                        "005000000000001AAA");
        final Map<String, Object> update = new java.util.HashMap<>();
        update.put("Status", "Working");
        update.put("Company", null);
        emulator.org()
                .publishChange(
                        "Lead",
                        "UPDATE",
                        List.of("00Q000000000001AAA"),
                        update,
                        "005000000000001AAA");
        final Call call = new Call();
        call.requests.onNext(
                FetchRequest.newBuilder()
                        .setTopicName("/data/LeadChangeEvent")
                        .setReplayPreset(ReplayPreset.EARLIEST)
                        .setNumRequested(10)
                        .build());
        FetchResponse r = call.next();
        while (r.getEventsCount() < 2) {
            final FetchResponse next = call.next();
            r = r.toBuilder().addAllEvents(next.getEventsList()).build();
        }
        final var event = r.getEvents(1).getEvent();
        final Schema schema =
                new Schema.Parser()
                        .parse(
                                blocking()
                                        .getSchema(
                                                SchemaRequest.newBuilder()
                                                        .setSchemaId(event.getSchemaId())
                                                        .build())
                                        .getSchemaJson());
        final var record =
                new org.apache.avro.generic.GenericDatumReader<
                                org.apache.avro.generic.GenericRecord>(schema)
                        .read(
                                null,
                                org.apache.avro.io.DecoderFactory.get()
                                        .binaryDecoder(event.getPayload().toByteArray(), null));
        final var header = (org.apache.avro.generic.GenericRecord) record.get("ChangeEventHeader");
        final long changed =
                Long.parseLong(
                        String.valueOf(((List<?>) header.get("changedFields")).get(0)).substring(2),
                        16);
        assertThat(changed & (1L << schema.getField("Status").pos())).isNotZero();
        assertThat(changed & (1L << schema.getField("Company").pos())).isNotZero();
        final long nulled =
                Long.parseLong(
                        String.valueOf(((List<?>) header.get("nulledFields")).get(0)).substring(2),
                        16);
        assertThat(nulled).isEqualTo(1L << schema.getField("Company").pos());
        call.requests.onCompleted();
    }

    @Test
    void aManagedSubscriptionCommitsServerSideAndAllowsOneStreamAtATime() throws Exception {
        final String topic = "/event/Managed_Endpoint__e";
        emulator.org().defineChannel(topic);
        final long first = emulator.org().publishPlatformEvent(topic, Map.of("N__c", 1), null);
        final var subscription =
                emulator.org().managedSubscriptions().define("Endpoint_Sub", topic, true);
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        final StreamObserver<com.salesforce.eventbus.protobuf.ManagedFetchRequest> requests =
                PubSubGrpc.newStub(channel)
                        .withInterceptors(
                                MetadataUtils.newAttachHeadersInterceptor(
                                        auth(emulator.tokens().issue())))
                        .managedSubscribe(
                                new StreamObserver<>() {
                                    @Override
                                    public void onNext(
                                            final com.salesforce.eventbus.protobuf
                                                            .ManagedFetchResponse
                                                    value) {
                                        received.add(value);
                                    }

                                    @Override
                                    public void onError(final Throwable t) {
                                        received.add(t);
                                    }

                                    @Override
                                    public void onCompleted() {}
                                });
        requests.onNext(
                com.salesforce.eventbus.protobuf.ManagedFetchRequest.newBuilder()
                        .setDeveloperName("Endpoint_Sub")
                        .setNumRequested(10)
                        .build());
        var response =
                (com.salesforce.eventbus.protobuf.ManagedFetchResponse)
                        received.poll(10, TimeUnit.SECONDS);
        assertThat(response.getEventsCount()).isEqualTo(1);
        assertThat(replay(response.getEvents(0).getReplayId())).isEqualTo(first);
        // A second stream of the same subscription is refused while this one is open.
        final BlockingQueue<Object> second = new LinkedBlockingQueue<>();
        PubSubGrpc.newStub(channel)
                .withInterceptors(
                        MetadataUtils.newAttachHeadersInterceptor(auth(emulator.tokens().issue())))
                .managedSubscribe(
                        new StreamObserver<>() {
                            @Override
                            public void onNext(
                                    final com.salesforce.eventbus.protobuf.ManagedFetchResponse
                                            value) {}

                            @Override
                            public void onError(final Throwable t) {
                                second.add(t);
                            }

                            @Override
                            public void onCompleted() {}
                        })
                .onNext(
                        com.salesforce.eventbus.protobuf.ManagedFetchRequest.newBuilder()
                                .setSubscriptionId(subscription.id())
                                .setNumRequested(1)
                                .build());
        final Throwable refused = (Throwable) second.poll(10, TimeUnit.SECONDS);
        assertThat(
                        Status.trailersFromThrowable(refused)
                                .get(
                                        Metadata.Key.of(
                                                "error-code", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("sfdc.platform.eventbus.grpc.managed.subscription.already.active");
        // A commit is answered with its request id and kept by the server.
        requests.onNext(
                com.salesforce.eventbus.protobuf.ManagedFetchRequest.newBuilder()
                        .setCommitReplayIdRequest(
                                com.salesforce.eventbus.protobuf.CommitReplayRequest.newBuilder()
                                        .setCommitRequestId("c-1")
                                        .setReplayId(response.getEvents(0).getReplayId()))
                        .build());
        do {
            response =
                    (com.salesforce.eventbus.protobuf.ManagedFetchResponse)
                            received.poll(10, TimeUnit.SECONDS);
        } while (response != null && !response.hasCommitResponse());
        assertThat(response).isNotNull();
        assertThat(response.getCommitResponse().getCommitRequestId()).isEqualTo("c-1");
        assertThat(response.getCommitResponse().hasError()).isFalse();
        assertThat(
                        emulator.org()
                                .managedSubscriptions()
                                .byId(subscription.id())
                                .orElseThrow()
                                .committedReplayId())
                .isEqualTo(first);
        requests.onCompleted();
    }
}
