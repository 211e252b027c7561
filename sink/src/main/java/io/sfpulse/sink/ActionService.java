package io.sfpulse.sink;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.DeliveryOutcome;
import io.sfpulse.schemas.alert.DeliveryResultKind;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.schemas.verdict.ReleaseVerdict;
import io.sfpulse.sink.action.ActionConfig;
import io.sfpulse.sink.action.ActionLinks;
import io.sfpulse.sink.action.ActionTrigger;
import io.sfpulse.sink.action.ActionTriggers;
import io.sfpulse.sink.action.HttpAction;
import io.sfpulse.sink.channel.DeliveryResult;
import io.sfpulse.sink.channel.HttpJsonPoster;
import io.sfpulse.sink.ledger.DeliveryLedger;
import io.sfpulse.sink.retry.RateLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured actions ({@link ActionConfig}) on release verdicts and alert states, with the
 * sink's guarantees: each (action, verdict or alert state) runs at most once - the delivery ledger
 * ({@code action:<name>}) is checked before and written after, so a restart repeats nothing -,
 * retries are classified and bounded ({@link ChannelDelivery}), what keeps failing goes to the
 * sink's dead-letter topic with its attempts, and offsets commit after. A verdict runs
 * {@code verdict:FAULTY} actions at its first FAULTY state and {@code verdict:HEALTHY} /
 * {@code verdict:INCONCLUSIVE} ones at its final state; a state older than {@code actions.max.age.ms}
 * runs nothing (enabling actions must not act on last week's releases). Actions that need approval run only through
 * {@link #approve} (an action link a human followed). One thread.
 */
public final class ActionService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActionService.class);
    private static final int VERDICT_CACHE = 10_000;

    private final List<HttpAction> actions;
    private final Map<String, RateLimiter> limiters = new LinkedHashMap<>();
    private final ChannelDelivery delivery;
    private final DeliveryLedger ledger;
    private final DeadLetterWriter deadLetters;
    private final Deserializer<Alert> alerts;
    private final Deserializer<ReleaseVerdict> verdicts;

    /** The latest verdict per org|release, so an alert's action knows its release's label, commit and rollback target. */
    private final Map<String, ReleaseVerdict> latestVerdicts =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(
                        final Map.Entry<String, ReleaseVerdict> eldest) {
                    return size() > VERDICT_CACHE;
                }
            };

    private final CommittingLoop<byte[]> loop;
    private final AtomicLong ran = new AtomicLong();
    private final AtomicLong tooOld = new AtomicLong();
    private final long maxAgeMs;

    ActionService(
            final SinkConfig config,
            final Topics topics,
            final DeliveryLedger ledger,
            final DeliveryCounters counters,
            final DeadLetterWriter deadLetters) {
        final HttpJsonPoster http = new HttpJsonPoster();
        this.actions = config.actions().stream().map(a -> new HttpAction(a, http)).toList();
        actions.forEach(
                a ->
                        limiters.put(
                                a.config().name(),
                                new RateLimiter(
                                        a.config().ratePerMinute(), Duration.ofMinutes(1))));
        this.delivery =
                new ChannelDelivery(
                        config.retryPolicy(), d -> Thread.sleep(d.toMillis()), counters);
        this.ledger = ledger;
        this.maxAgeMs = config.getLong(SinkConfig.ACTIONS_MAX_AGE_CONFIG);
        this.alerts = topics.alerts().valueSerde().deserializer();
        this.verdicts = topics.verdicts().valueSerde().deserializer();
        final KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                config.bootstrapServers(),
                                ConsumerConfig.GROUP_ID_CONFIG,
                                config.groupId() + "-actions",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false,
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest",
                                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                                50,
                                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                                15 * 60_000),
                        new StringDeserializer(),
                        new ByteArrayDeserializer());
        this.deadLetters = deadLetters;
        this.loop =
                new CommittingLoop<>(
                        "actions",
                        consumer,
                        List.of(TopicNames.VERDICTS, TopicNames.ALERTS),
                        () -> {},
                        this::handle);
    }

    ActionService start() {
        LOG.info(
                "Actions {} watching verdicts and alert states",
                actions.stream().map(a -> a.config().name()).toList());
        loop.start();
        return this;
    }

    private void handle(final ConsumerRecord<String, byte[]> record) throws InterruptedException {
        final ActionTrigger t;
        try {
            t =
                    TopicNames.VERDICTS.equals(record.topic())
                            ? verdict(verdicts.deserialize(record.topic(), record.value()))
                            : alert(alerts.deserialize(record.topic(), record.value()));
        } catch (RuntimeException e) {
            LOG.error(
                    "Undecodable record at {}-{}@{} sent to '{}': {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    TopicNames.SINK_DLQ,
                    e.getMessage());
            deadLetters.write(record, "action", 0, -1, "decode: " + e.getMessage());
            return;
        }
        if (t == null) {
            return;
        }
        final long age = System.currentTimeMillis() - record.timestamp();
        if (age > maxAgeMs) {
            tooOld.incrementAndGet();
            LOG.atInfo()
                    .addKeyValue("org", t.org())
                    .addKeyValue("alert", t.dedupKey())
                    .log(
                            "No action for {} of {}: the state is {} min old (actions.max.age.ms {} min)",
                            t.trigger(),
                            t.dedupKey(),
                            age / 60_000,
                            maxAgeMs / 60_000);
            return;
        }
        for (final HttpAction action : actions) {
            if (!action.config().runsOn(t.trigger(), t.org(), t.detector())) {
                continue;
            }
            final String channel = "action:" + action.config().name();
            final Map<String, String> context = Map.of("org", t.org(), "alert", t.dedupKey());
            if (action.config().approval()) {
                continue; // offered as an action link with the alert; runs when a human approves it
                // (approve)
            }
            if (ledger.isDone(channel, t.key())) {
                ChannelDelivery.withContext(LOG.atInfo(), context, channel)
                        .log("Action already ran for {} ({}); not again", t.trigger(), t.key());
                continue;
            }
            final ChannelDelivery.Outcome outcome =
                    delivery.deliver(
                            context,
                            channel,
                            limiters.get(action.config().name()),
                            () -> action.run(t.variables()));
            record(record, channel, t, outcome);
        }
    }

    /** Records one run's outcome: audited as delivered, or dead-lettered with its attempts. Used by approved links too. */
    void record(
            final ConsumerRecord<String, byte[]> record,
            final String channel,
            final ActionTrigger t,
            final ChannelDelivery.Outcome outcome) {
        final Map<String, String> context = Map.of("org", t.org(), "alert", t.dedupKey());
        if (outcome.result() instanceof DeliveryResult.Delivered d) {
            ran.incrementAndGet();
            ChannelDelivery.withContext(LOG.atInfo(), context, channel)
                    .log(
                            "Action ran for {} (HTTP {}, {} attempt(s))",
                            t.trigger(),
                            d.status(),
                            outcome.attempts());
            ledger.record(
                    outcome(
                            channel,
                            t,
                            DeliveryResultKind.DELIVERED,
                            outcome.attempts(),
                            d.status(),
                            null));
            return;
        }
        ChannelDelivery.withContext(LOG.atError(), context, channel)
                .log(
                        "Action for {} failed after {} attempt(s) ({}); sent to '{}'",
                        t.trigger(),
                        outcome.attempts(),
                        outcome.result().error(),
                        TopicNames.SINK_DLQ);
        if (record != null) {
            deadLetters.write(
                    record,
                    channel,
                    outcome.attempts(),
                    outcome.result().status(),
                    outcome.result().error());
        }
        ledger.record(
                outcome(
                        channel,
                        t,
                        DeliveryResultKind.DEAD_LETTERED,
                        outcome.attempts(),
                        outcome.result().status(),
                        outcome.result().error()));
    }

    private ActionTrigger verdict(final ReleaseVerdict v) {
        latestVerdicts.put(v.getOrgId() + "|" + v.getReleaseId(), v);
        return ActionTriggers.of(v);
    }

    private ActionTrigger alert(final Alert a) {
        return ActionTriggers.of(
                a,
                a.getReleaseId() == null
                        ? null
                        : latestVerdicts.get(a.getOrgId() + "|" + a.getReleaseId()));
    }

    private static DeliveryOutcome outcome(
            final String channel,
            final ActionTrigger t,
            final DeliveryResultKind kind,
            final int attempts,
            final int status,
            final String error) {
        return DeliveryOutcome.newBuilder()
                .setChannel(channel)
                .setAlertId(t.key())
                .setDedupKey(t.dedupKey())
                .setStatus(t.state())
                .setIdempotencyKey(t.key())
                .setOutcome(kind)
                .setAttempts(attempts)
                .setHttpStatus(Math.max(status, 0))
                .setError(error)
                .setTime(Instant.now())
                .build();
    }

    /** What following an action link did. */
    public record Approval(int httpStatus, String message) {}

    /**
     * Runs the action of a verified action link once: {@code by} is recorded with the run in the
     * delivery ledger; a link already used (here or before a restart) answers 410 and runs nothing.
     */
    public synchronized Approval approve(final ActionLinks.Claim claim, final String by)
            throws InterruptedException {
        final HttpAction action =
                actions.stream()
                        .filter(
                                a ->
                                        a.config().name().equals(claim.action())
                                                && a.config().approval())
                        .findFirst()
                        .orElse(null);
        if (action == null) {
            return new Approval(404, "no approval action '" + claim.action() + "' is configured");
        }
        final String channel = "action:" + action.config().name();
        final ActionTrigger t = claim.trigger();
        if (ledger.isDone(channel, t.key())) {
            return new Approval(
                    410,
                    "this link was used already: "
                            + action.config().name()
                            + " ran for "
                            + t.trigger()
                            + " of "
                            + t.dedupKey());
        }
        final Map<String, String> vars = new java.util.HashMap<>(t.variables());
        vars.put("approvedBy", by);
        final Map<String, String> context = Map.of("org", t.org(), "alert", t.dedupKey());
        final ChannelDelivery.Outcome outcome =
                delivery.deliver(
                        context,
                        channel,
                        limiters.get(action.config().name()),
                        () -> action.run(vars));
        final String note = "approved by " + by + " via action link";
        if (outcome.result() instanceof DeliveryResult.Delivered d) {
            ran.incrementAndGet();
            ChannelDelivery.withContext(LOG.atInfo(), context, channel)
                    .log("Action ran for {}, {} (HTTP {})", t.trigger(), note, d.status());
            ledger.record(
                    DeliveryOutcome.newBuilder(
                                    outcome(
                                            channel,
                                            t,
                                            DeliveryResultKind.DELIVERED,
                                            outcome.attempts(),
                                            d.status(),
                                            null))
                            .setNote(note)
                            .build());
            return new Approval(
                    200, action.config().name() + " ran (HTTP " + d.status() + "), " + note);
        }
        ChannelDelivery.withContext(LOG.atError(), context, channel)
                .log(
                        "Approved action for {} failed after {} attempt(s): {}",
                        t.trigger(),
                        outcome.attempts(),
                        outcome.result().error());
        ledger.record(
                DeliveryOutcome.newBuilder(
                                outcome(
                                        channel,
                                        t,
                                        DeliveryResultKind.DEAD_LETTERED,
                                        outcome.attempts(),
                                        outcome.result().status(),
                                        outcome.result().error()))
                        .setNote(note)
                        .build());
        return new Approval(
                502,
                action.config().name()
                        + " failed after "
                        + outcome.attempts()
                        + " attempt(s): "
                        + outcome.result().error());
    }

    /** Whether a link's action already ran (or was dead-lettered) for its trigger. */
    public boolean used(final ActionLinks.Claim claim) {
        return ledger.isDone("action:" + claim.action(), claim.trigger().key());
    }

    /** Verdicts and alert states too old to run actions. */
    public long tooOldCount() {
        return tooOld.get();
    }

    public long ranCount() {
        return ran.get();
    }

    boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public void close() {
        loop.close();
    }
}
