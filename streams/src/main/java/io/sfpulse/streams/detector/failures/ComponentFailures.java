package io.sfpulse.streams.detector.failures;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import java.util.HashMap;
import java.util.Map;

/**
 * One component's failures in one org (store key: org and component, in
 * {@link ComponentFailureStore}): failures per minute and the component alert state per release.
 * Plain data in a binary state store; not thread-safe.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
final class ComponentFailures {

    MinuteCounts failures = new MinuteCounts();

    /** Alert state per release id. */
    Map<String, AlertState> alerts = new HashMap<>();

    boolean isEmpty() {
        return failures.isEmpty() && alerts.isEmpty();
    }
}
