package io.sfpulse.emulator.pubsub;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.UUID;

/**
 * Pub/Sub API failures as Salesforce sends them: a gRPC status whose description ends with
 * {@code  rpcId: <uuid>}, and the custom code in the {@code error-code} trailer
 * ({@code sfdc.platform.eventbus.grpc.*}), which clients branch on.
 */
final class PubSubErrors {

    static final Metadata.Key<String> ERROR_CODE =
            Metadata.Key.of("error-code", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> RPC_ID =
            Metadata.Key.of("rpc-id", Metadata.ASCII_STRING_MARSHALLER);
    private static final String PREFIX = "sfdc.platform.eventbus.grpc.";

    private PubSubErrors() {}

    static StatusRuntimeException error(
            final Status status, final String code, final String message) {
        final String rpcId = UUID.randomUUID().toString();
        final Metadata trailers = new Metadata();
        trailers.put(ERROR_CODE, PREFIX + code);
        trailers.put(RPC_ID, rpcId);
        return status.withDescription(message + " rpcId: " + rpcId).asRuntimeException(trailers);
    }

    static StatusRuntimeException authError() {
        return error(
                Status.UNAUTHENTICATED,
                "service.auth.error",
                "An authentication exception occurred. Provide valid authentication via metadata headers.");
    }

    static StatusRuntimeException replayIdCorrupted() {
        return error(
                Status.INVALID_ARGUMENT,
                "subscription.fetch.replayid.corrupted",
                "The Replay ID validation failed. Ensure that the replay_id field value in FetchRequest is valid and refers to an event "
                        + "that is within the retention window.");
    }

    static StatusRuntimeException topicNotFound(final String orgId, final String topic) {
        return error(
                Status.NOT_FOUND,
                "topic.not.found",
                "The topic information for org CORE/prod/"
                        + orgId
                        + " and topic "
                        + topic
                        + " not found. Ensure the topic name is correct and that the topic exists.");
    }

    /** Subscribing to a topic that does not exist is refused with PERMISSION_DENIED (as observed against real orgs). */
    static StatusRuntimeException cannotSubscribe(final String topic) {
        return error(
                Status.PERMISSION_DENIED,
                "subscription.topic.cannot.subscribe",
                "The user doesn't have permission to subscribe to "
                        + topic
                        + " or the topic doesn't exist.");
    }

    static StatusRuntimeException unavailable() {
        return error(
                Status.UNAVAILABLE,
                "service.unavailable",
                "The service is unavailable. Try again later.");
    }

    /** A dropped stream carries no custom code: {@code UNAVAILABLE: RST_STREAM closed stream. HTTP/2 error code: NO_ERROR}. */
    static StatusRuntimeException streamReset() {
        return Status.UNAVAILABLE
                .withDescription("RST_STREAM closed stream. HTTP/2 error code: NO_ERROR")
                .asRuntimeException();
    }

    static StatusRuntimeException requestedEventsInvalid() {
        return invalid(
                "subscription.fetch.requested.events.invalid",
                "The number of requested events must be greater than zero.");
    }

    static StatusRuntimeException invalid(final String code, final String message) {
        return error(Status.INVALID_ARGUMENT, code, message);
    }
}
