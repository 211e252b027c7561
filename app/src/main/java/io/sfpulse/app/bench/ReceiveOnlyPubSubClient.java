package io.sfpulse.app.bench;

import com.salesforce.eventbus.protobuf.FetchRequest;
import com.salesforce.eventbus.protobuf.FetchResponse;
import com.salesforce.eventbus.protobuf.PubSubGrpc;
import com.salesforce.eventbus.protobuf.ReplayPreset;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Pub/Sub reference of {@code bench ingest}: a grpc-java subscriber with the connector's flow
 * control bounds ({@code batch} per request, at most {@code maxInFlight} requested and not yet
 * received) that subscribes from the earliest retained event and counts what arrives - no Avro
 * decoding, no mapping, no Kafka, no offsets.
 */
final class ReceiveOnlyPubSubClient implements AutoCloseable {

    private final ManagedChannel channel;
    private final AtomicLong received = new AtomicLong();
    private final String topic;
    private final int batch;
    private final int maxInFlight;
    private StreamObserver<FetchRequest> requests;

    /** Events requested and not yet received; guarded by this. */
    private int owed;

    ReceiveOnlyPubSubClient(
            final String endpoint,
            final String accessToken,
            final String instanceUrl,
            final String orgId,
            final String topic,
            final int batch,
            final int maxInFlight) {
        final Metadata auth = new Metadata();
        auth.put(Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER), accessToken);
        auth.put(Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER), instanceUrl);
        auth.put(Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER), orgId);
        this.channel =
                NettyChannelBuilder.forTarget(endpoint)
                        .usePlaintext()
                        .maxInboundMessageSize(100 * 1024 * 1024)
                        .intercept(MetadataUtils.newAttachHeadersInterceptor(auth))
                        .build();
        this.topic = topic;
        this.batch = batch;
        this.maxInFlight = maxInFlight;
    }

    ReceiveOnlyPubSubClient start() {
        requests =
                PubSubGrpc.newStub(channel)
                        .subscribe(
                                new StreamObserver<>() {
                                    @Override
                                    public void onNext(final FetchResponse response) {
                                        received.addAndGet(response.getEventsCount());
                                        synchronized (ReceiveOnlyPubSubClient.this) {
                                            owed -= response.getEventsCount();
                                            topUp(false);
                                        }
                                    }

                                    @Override
                                    public void onError(final Throwable t) {
                                        // the benchmark times out if the stream ends early
                                    }

                                    @Override
                                    public void onCompleted() {}
                                });
        synchronized (this) {
            topUp(true);
        }
        return this;
    }

    /** Requests a batch at a time while a whole batch fits the in-flight bound. Holds the lock. */
    private void topUp(final boolean first) {
        boolean withTopic = first;
        while (owed + batch <= Math.max(batch, maxInFlight)) {
            final FetchRequest.Builder r = FetchRequest.newBuilder().setNumRequested(batch);
            if (withTopic) {
                r.setTopicName(topic).setReplayPreset(ReplayPreset.EARLIEST);
                withTopic = false;
            }
            owed += batch;
            requests.onNext(r.build());
        }
    }

    long received() {
        return received.get();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
