package io.sfpulse.sink.action;

import java.util.Map;

/**
 * What triggers an action: a verdict or alert state, as its trigger name (e.g. {@code verdict:FAULTY}),
 * its idempotency key (one run per action and key), org, detector (alerts; null for verdicts), the
 * dedup key or {@code org|release} it belongs to, the state, and the template variables.
 */
public record ActionTrigger(
        String trigger,
        String key,
        String org,
        String detector,
        String dedupKey,
        String state,
        Map<String, String> variables) {}
