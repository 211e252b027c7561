package io.sfpulse.streams.verdict;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.signal.Signal;

/**
 * What the verdict processor reads, in one stream: an attributed signal (progress signals too, which
 * move the org's time when it is quiet) or an alert state from a detector. Forwarded in memory
 * within one task, never serialized.
 */
public record VerdictInput(Signal signal, Alert alert) {

    public static VerdictInput of(final Signal signal) {
        return new VerdictInput(signal, null);
    }

    public static VerdictInput of(final Alert alert) {
        return new VerdictInput(null, alert);
    }
}
