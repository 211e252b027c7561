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
 * control bound ({@code batch} requested at a time, the next request when the previous batch
 * arrived) that subscribes from the earliest retained event and counts what arrives - no Avro
 * decoding, no mapping, no Kafka, no offsets.
 */
final class ReceiveOnlyPubSubClient implements AutoCloseable {

    private final ManagedChannel channel;
    private final AtomicLong received = new AtomicLong();
    private final String topic;
    private final int batch;
    private StreamObserver<FetchRequest> requests;

    ReceiveOnlyPubSubClient(final String endpoint, final String accessToken, final String instanceUrl, final String orgId,
                            final String topic, final int batch) {
        final Metadata auth = new Metadata();
        auth.put(Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER), accessToken);
        auth.put(Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER), instanceUrl);
        auth.put(Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER), orgId);
        this.channel = NettyChannelBuilder.forTarget(endpoint).usePlaintext().maxInboundMessageSize(100 * 1024 * 1024)
            .intercept(MetadataUtils.newAttachHeadersInterceptor(auth)).build();
        this.topic = topic;
        this.batch = batch;
    }

    ReceiveOnlyPubSubClient start() {
        requests = PubSubGrpc.newStub(channel).subscribe(new StreamObserver<>() {
            private int owed = batch;

            @Override
            public void onNext(final FetchResponse response) {
                received.addAndGet(response.getEventsCount());
                owed -= response.getEventsCount();
                if (owed <= 0) {
                    owed = batch;
                    synchronized (ReceiveOnlyPubSubClient.this) {
                        requests.onNext(FetchRequest.newBuilder().setNumRequested(batch).build());
                    }
                }
            }

            @Override
            public void onError(final Throwable t) {
                // the benchmark times out if the stream ends early
            }

            @Override
            public void onCompleted() {
            }
        });
        synchronized (this) {
            requests.onNext(FetchRequest.newBuilder().setTopicName(topic).setReplayPreset(ReplayPreset.EARLIEST).setNumRequested(batch).build());
        }
        return this;
    }

    long received() {
        return received.get();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
