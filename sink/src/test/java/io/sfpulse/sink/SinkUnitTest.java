package io.sfpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.sink.channel.AlertChannel;
import io.sfpulse.sink.channel.DeliveryResult;
import io.sfpulse.sink.channel.StandardWebhookSigner;
import io.sfpulse.sink.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class SinkUnitTest {

    private static final Alert ALERT =
            Alerts.sample("0Af1", io.sfpulse.schemas.alert.AlertStatus.TRIGGERED, 0);
    private static final RetryPolicy POLICY =
            new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(5));

    /** Answers with the scripted results in order. */
    private static final class ScriptedChannel implements AlertChannel {
        final Deque<DeliveryResult> script;
        int calls;

        ScriptedChannel(final DeliveryResult... results) {
            this.script = new ArrayDeque<>(List.of(results));
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public DeliveryResult deliver(final Alert alert) {
            calls++;
            return script.size() > 1 ? script.poll() : script.peek();
        }
    }

    @Test
    void standardWebhookSignatureMatchesSpecVector() {
        final StandardWebhookSigner signer =
                new StandardWebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(
                        signer.sign(
                                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                1614265330L,
                                "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void httpStatusesAreClassifiedBeforeRetrying() {
        assertThat(DeliveryResult.ofHttp(202, "", null))
                .isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(DeliveryResult.ofHttp(408, "", null))
                .isInstanceOf(DeliveryResult.Retriable.class);
        assertThat(DeliveryResult.ofHttp(429, "", Duration.ofSeconds(3)))
                .isEqualTo(new DeliveryResult.Retriable(429, "HTTP 429", Duration.ofSeconds(3)));
        assertThat(DeliveryResult.ofHttp(503, "busy", null))
                .isInstanceOf(DeliveryResult.Retriable.class);
        assertThat(DeliveryResult.ofHttp(400, "bad", null))
                .isEqualTo(new DeliveryResult.Permanent(400, "HTTP 400: bad"));
        assertThat(DeliveryResult.ofHttp(404, "", null))
                .isInstanceOf(DeliveryResult.Permanent.class);
    }

    @Test
    void shouldRetryRetriableFailuresHonouringRetryAfterThenSucceed() throws Exception {
        final List<Duration> waits = new ArrayList<>();
        final ScriptedChannel channel =
                new ScriptedChannel(
                        new DeliveryResult.Retriable(503, "busy", null),
                        new DeliveryResult.Retriable(429, "slow down", Duration.ofSeconds(2)),
                        new DeliveryResult.Delivered(200));
        final DeliveryCounters counters = new DeliveryCounters();
        final ChannelDelivery.Outcome outcome =
                new ChannelDelivery(POLICY, waits::add, counters)
                        .deliver(
                                java.util.Map.of("alert", "a"),
                                "scripted",
                                io.sfpulse.sink.retry.RateLimiter.unlimited(),
                                () -> channel.deliver(ALERT));
        assertThat(outcome.result()).isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(counters.attempts("scripted")).isEqualTo(3);
        assertThat(counters.failures("scripted")).isEqualTo(2);
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(waits.get(1)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldNotRetryPermanentFailures() throws Exception {
        final ScriptedChannel channel =
                new ScriptedChannel(new DeliveryResult.Permanent(400, "bad request"));
        final ChannelDelivery.Outcome outcome =
                new ChannelDelivery(POLICY, d -> {}, new DeliveryCounters())
                        .deliver(
                                java.util.Map.of("alert", "a"),
                                "scripted",
                                io.sfpulse.sink.retry.RateLimiter.unlimited(),
                                () -> channel.deliver(ALERT));
        assertThat(outcome.result()).isInstanceOf(DeliveryResult.Permanent.class);
        assertThat(channel.calls).isEqualTo(1);
    }

    @Test
    void shouldStopAfterMaxAttemptsWithBoundedDelays() throws Exception {
        final List<Duration> waits = new ArrayList<>();
        final ScriptedChannel channel =
                new ScriptedChannel(new DeliveryResult.Retriable(500, "down", Duration.ofHours(1)));
        final ChannelDelivery.Outcome outcome =
                new ChannelDelivery(POLICY, waits::add, new DeliveryCounters())
                        .deliver(
                                java.util.Map.of("alert", "a"),
                                "scripted",
                                io.sfpulse.sink.retry.RateLimiter.unlimited(),
                                () -> channel.deliver(ALERT));
        assertThat(outcome.result()).isInstanceOf(DeliveryResult.Retriable.class);
        assertThat(channel.calls).isEqualTo(4);
        assertThat(waits)
                .hasSize(3)
                .allSatisfy(d -> assertThat(d).isEqualTo(Duration.ofSeconds(5)));
    }
}
