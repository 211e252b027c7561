package io.sfpulse.sink;

import io.sfpulse.sink.channel.DeliveryResult;
import io.sfpulse.sink.retry.RateLimiter;
import io.sfpulse.sink.retry.RetryPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/** Runs delivery attempts: each waits for the channel's rate limit; retriable failures retry per the policy, permanent ones stop. */
final class ChannelDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelDelivery.class);

    /** Final outcome with the number of attempts made. */
    record Outcome(DeliveryResult result, int attempts) {}

    /** Waits between attempts; replaceable so unit tests need no real waiting. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final DeliveryCounters counters;

    ChannelDelivery(
            final RetryPolicy policy, final Sleeper sleeper, final DeliveryCounters counters) {
        this.policy = policy;
        this.sleeper = sleeper;
        this.counters = counters;
    }

    /**
     * @param context what is delivered, as log keys (org, alert dedup key or deploy id)
     * @param channel channel name, logged as key {@code sink}
     */
    Outcome deliver(
            final Map<String, String> context,
            final String channel,
            final RateLimiter limiter,
            final Supplier<DeliveryResult> attempt)
            throws InterruptedException {
        DeliveryResult result = null;
        for (int n = 1; n <= policy.maxAttempts(); n++) {
            limiter.acquire();
            result = attempt.get();
            counters.attempt(channel, !(result instanceof DeliveryResult.Delivered));
            if (!(result instanceof DeliveryResult.Retriable r)) {
                return new Outcome(result, n);
            }
            if (n == policy.maxAttempts()) {
                withContext(LOG.atError(), context, channel)
                        .log("Giving up after {} attempts: {}", n, r.error());
                break;
            }
            final Duration delay = policy.delayAfter(n, r.retryAfter());
            withContext(LOG.atWarn(), context, channel)
                    .log(
                            "Delivery failed (attempt {} of {}): {}; retrying in {} ms",
                            n,
                            policy.maxAttempts(),
                            r.error(),
                            delay.toMillis());
            sleeper.sleep(delay);
        }
        return new Outcome(result, policy.maxAttempts());
    }

    /** Adds the log keys of what is delivered and the channel ({@code sink}) to a log event. */
    static LoggingEventBuilder withContext(
            final LoggingEventBuilder event,
            final Map<String, String> context,
            final String channel) {
        context.forEach(event::addKeyValue);
        return event.addKeyValue("sink", channel);
    }
}
