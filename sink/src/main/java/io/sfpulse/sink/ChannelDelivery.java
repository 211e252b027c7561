package io.sfpulse.sink;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.sink.channel.AlertChannel;
import io.sfpulse.sink.channel.DeliveryResult;
import io.sfpulse.sink.retry.RetryPolicy;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers one alert to one channel: retries retriable failures per the policy, stops on permanent ones. */
final class ChannelDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelDelivery.class);

    /** Final outcome with the number of attempts made. */
    record Outcome(DeliveryResult result, int attempts) {
    }

    private final RetryPolicy policy;
    private final Sleeper sleeper;

    /** Waits between attempts; replaceable so unit tests need no real waiting. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    ChannelDelivery(final RetryPolicy policy, final Sleeper sleeper) {
        this.policy = policy;
        this.sleeper = sleeper;
    }

    Outcome deliver(final AlertChannel channel, final Alert alert) throws InterruptedException {
        DeliveryResult result = null;
        for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
            result = channel.deliver(alert);
            if (!(result instanceof DeliveryResult.Retriable r)) {
                return new Outcome(result, attempt);
            }
            if (attempt == policy.maxAttempts()) {
                LOG.error("Giving up on alert '{}' for channel '{}' after {} attempts: {}", alert.getAlertId(), channel.name(), attempt, r.error());
                break;
            }
            final Duration delay = policy.delayAfter(attempt, r.retryAfter());
            LOG.warn("Delivery of alert '{}' to '{}' failed (attempt {} of {}): {}; retrying in {} ms", alert.getAlertId(), channel.name(),
                attempt, policy.maxAttempts(), r.error(), delay.toMillis());
            sleeper.sleep(delay);
        }
        return new Outcome(result, policy.maxAttempts());
    }
}
