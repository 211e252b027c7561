package io.sfpulse.ingest.error;

import java.util.Map;

/**
 * Maps a Bayeux error (the {@code error} field, {@code ext.sfdc.failureReason} and advice) to a
 * {@link StreamingAction}, following Salesforce's "Handling Streaming API Errors". Pure function.
 */
public final class StreamingErrorClassifier {

    private StreamingErrorClassifier() {}

    public static StreamingAction classify(
            final String error, final String failureReason, final Map<String, Object> advice) {
        final String e = error == null ? "" : error;
        final String reason = failureReason == null ? "" : failureReason;
        if (reason.startsWith("503::") || e.startsWith("503::")) {
            return StreamingAction.RETRY;
        }
        if (e.contains("replayId") && e.startsWith("400::")) {
            return StreamingAction.INVALID_REPLAY;
        }
        if (e.contains("Organization total events daily limit exceeded")) {
            return StreamingAction.DAILY_LIMIT;
        }
        if (e.startsWith("401::") || reason.startsWith("401::")) {
            return StreamingAction.REAUTHENTICATE;
        }
        if (e.startsWith("403::Unknown client") || e.startsWith("402::")) {
            return StreamingAction.REHANDSHAKE;
        }
        if (e.contains("limit the number of simultaneous connections")
                || reason.contains("limit the number of simultaneous connections")
                || e.contains("concurrent user limit")) {
            return StreamingAction.RETRY;
        }
        if (e.startsWith("403::subscribe_failed")) {
            // CometD's generic refusal of a subscribe, as when it races a session being rebuilt:
            // subscribed again on the same
            // session after back-off (bounded by the retry budget); a refusal for a reason
            // (restricted or unknown channel) is fatal.
            return StreamingAction.RETRY;
        }
        if (e.startsWith("400::") || e.startsWith("403::")) {
            return StreamingAction.FATAL;
        }
        final Object reconnect = advice == null ? null : advice.get("reconnect");
        if ("handshake".equals(reconnect)) {
            return StreamingAction.REHANDSHAKE;
        }
        return StreamingAction.RETRY; // network failures carry no error string
    }
}
