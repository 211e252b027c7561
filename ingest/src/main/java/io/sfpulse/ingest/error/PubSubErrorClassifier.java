package io.sfpulse.ingest.error;

import io.grpc.Status;

/**
 * Classifies a failed Pub/Sub call from its gRPC status and Salesforce's {@code error-code} trailer
 * ({@code sfdc.platform.eventbus.grpc.*}), the way the streaming path classifies Bayeux errors.
 */
public final class PubSubErrorClassifier {

    private PubSubErrorClassifier() {}

    public static StreamingAction classify(final Status.Code status, final String errorCode) {
        final String code = errorCode == null ? "" : errorCode;
        if (code.contains("fetch.replayid.corrupted")
                || code.contains("fetch.replayid.validation.failed")) {
            return StreamingAction.INVALID_REPLAY;
        }
        if (code.contains("managed.subscription.already.active")) {
            // Usually this task's own previous stream, not yet released by the server: bounded
            // retries.
            return StreamingAction.RETRY;
        }
        if (code.contains("subscription.limit.exceeded")) {
            return StreamingAction.DAILY_LIMIT;
        }
        if (status == Status.Code.UNAUTHENTICATED
                || code.contains("service.auth.error")
                || code.contains("auth.refresh.invalid")) {
            return StreamingAction.REAUTHENTICATE;
        }
        if (code.contains("topic.not.found")
                || code.contains("cannot.subscribe")
                || code.contains("meta.permission")
                || code.contains("tenant.license")
                || code.contains("concurrent.client.limit")) {
            return StreamingAction.FATAL;
        }
        return switch (status) {
            case PERMISSION_DENIED,
                    NOT_FOUND,
                    INVALID_ARGUMENT,
                    UNIMPLEMENTED,
                    FAILED_PRECONDITION,
                    OUT_OF_RANGE ->
                    StreamingAction.FATAL;
            // UNAVAILABLE (RST_STREAM, service.unavailable), INTERNAL, DEADLINE_EXCEEDED,
            // RESOURCE_EXHAUSTED (protection), ABORTED, UNKNOWN, CANCELLED
            default -> StreamingAction.RETRY;
        };
    }
}
