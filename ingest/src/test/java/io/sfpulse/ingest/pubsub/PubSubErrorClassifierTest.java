package io.sfpulse.ingest.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.sfpulse.ingest.error.PubSubErrorClassifier;
import io.sfpulse.ingest.error.StreamingAction;
import org.junit.jupiter.api.Test;

class PubSubErrorClassifierTest {

    private static final String P = "sfdc.platform.eventbus.grpc.";

    @Test
    void classifiesByTheErrorCodeTrailerFirstThenTheStatus() {
        assertThat(
                        PubSubErrorClassifier.classify(
                                Status.Code.INVALID_ARGUMENT,
                                P + "subscription.fetch.replayid.corrupted"))
                .isEqualTo(StreamingAction.INVALID_REPLAY);
        assertThat(
                        PubSubErrorClassifier.classify(
                                Status.Code.UNAUTHENTICATED, P + "service.auth.error"))
                .isEqualTo(StreamingAction.REAUTHENTICATE);
        assertThat(PubSubErrorClassifier.classify(Status.Code.UNAUTHENTICATED, null))
                .isEqualTo(StreamingAction.REAUTHENTICATE);
        assertThat(
                        PubSubErrorClassifier.classify(
                                Status.Code.PERMISSION_DENIED,
                                P + "subscription.topic.cannot.subscribe"))
                .isEqualTo(StreamingAction.FATAL);
        assertThat(PubSubErrorClassifier.classify(Status.Code.NOT_FOUND, P + "topic.not.found"))
                .isEqualTo(StreamingAction.FATAL);
        assertThat(
                        PubSubErrorClassifier.classify(
                                Status.Code.UNAVAILABLE, P + "service.unavailable"))
                .isEqualTo(StreamingAction.RETRY);
        // RST_STREAM carries no custom code.
        assertThat(PubSubErrorClassifier.classify(Status.Code.UNAVAILABLE, null))
                .isEqualTo(StreamingAction.RETRY);
        assertThat(PubSubErrorClassifier.classify(Status.Code.INTERNAL, null))
                .isEqualTo(StreamingAction.RETRY);
        assertThat(PubSubErrorClassifier.classify(Status.Code.DEADLINE_EXCEEDED, null))
                .isEqualTo(StreamingAction.RETRY);
        assertThat(
                        PubSubErrorClassifier.classify(
                                Status.Code.RESOURCE_EXHAUSTED, P + "subscription.limit.exceeded"))
                .isEqualTo(StreamingAction.DAILY_LIMIT);
        assertThat(
                        PubSubErrorClassifier.classify(
                                Status.Code.FAILED_PRECONDITION,
                                P + "managed.subscription.already.active"))
                .isEqualTo(StreamingAction.RETRY);
        assertThat(
                        PubSubErrorClassifier.classify(
                                Status.Code.NOT_FOUND,
                                P + "managed.subscription.developer.name.not.found"))
                .isEqualTo(StreamingAction.FATAL);
    }
}
