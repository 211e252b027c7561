package io.sfpulse.streams.detector.failures;

import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.normalize.SignalNormalizer;

/**
 * Which signals are executions the org reported - the denominator of a failure rate: one per
 * ApiEventStream call, Lightning page view, ApexExecution row, RestApi row (each a LATENCY signal
 * of its operation; the CPU-time series of an ApexExecution row is the same execution, not a
 * second one; a streamed event's delivery lag is how late it came, not an execution). Pure.
 */
final class Executions {

    private Executions() {}

    static boolean isExecution(final Signal s) {
        return s.getKind() == SignalKind.LATENCY
                && !s.getSubject().startsWith("apex cpu ")
                && !SignalNormalizer.isDeliveryLag(s);
    }
}
