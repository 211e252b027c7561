package io.sfpulse.streams.detector.failures;

import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;

/**
 * Which signals are executions the org reported - the denominator of a failure rate: one per
 * ApiEventStream call, Lightning page view, ApexExecution row, RestApi row (each a LATENCY signal
 * of its operation; the CPU-time series of an ApexExecution row is the same execution, not a
 * second one). Pure.
 */
final class Executions {

    private Executions() {}

    static boolean isExecution(final Signal s) {
        return s.getKind() == SignalKind.LATENCY && !s.getSubject().startsWith("apex cpu ");
    }
}
