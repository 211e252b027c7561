package io.sfpulse.sink;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.DeliveryOutcome;
import io.sfpulse.schemas.alert.DeliveryResultKind;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.silence.Silence;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.sink.action.ActionLinks;
import io.sfpulse.sink.channel.DeliveryResult;
import io.sfpulse.sink.channel.WebhookChannel;
import io.sfpulse.sink.chart.AlertChart;
import io.sfpulse.sink.chart.ChartServer;
import io.sfpulse.sink.ledger.DeliveryLedger;
import io.sfpulse.sink.route.AlertRouter;
import io.sfpulse.sink.silence.SilenceBook;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * Consumes alert states and delivers each to the channels its route selects, then commits that
 * record's offset. Each (channel, alert state) outcome goes to the delivery ledger first, so a
 * restart - even one that interrupted an alert between two channels - delivers nothing twice and
 * skips nothing. Permanent failures and exhausted retries go to the dead-letter topic with
 * headers (channel, attempts, last status, error); so does an undecodable record. An alert state an
 * active silence ({@link SilenceBook}) matches is not pushed, and audited as SILENCED. One thread; the
 * configured actions ({@link ActionService}) run on their own.
 */
public final class AlertSinkService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertSinkService.class);

    private final SinkChannels channels;
    private final AlertRouter router;
    private final ChannelDelivery delivery;
    private final AlertChart charts;
    private final ChartServer chartServer;
    private final DeliveryLedger ledger;
    private final PagerDutyChangeEvents changes;
    private final DeadLetterWriter deadLetters;
    private final ActionService actions;
    private final SilenceBook silences;
    private final ActionLinks links;
    private final Deserializer<Alert> alertDeserializer;
    private final CommittingLoop<byte[]> loop;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong silenced = new AtomicLong();
    private final DeliveryCounters counters = new DeliveryCounters();

    public AlertSinkService(final SinkConfig config) {
        LOG.info("Alert sink configuration: {}", config);
        this.charts = new AlertChart(config.getString(SinkConfig.CHART_PUBLIC_URL_CONFIG));
        final int chartPort = config.getInt(SinkConfig.CHART_PORT_CONFIG);
        this.chartServer =
                chartPort < 0
                        ? null
                        : new ChartServer(
                                        charts,
                                        config.getString(SinkConfig.CHART_HOST_CONFIG),
                                        chartPort)
                                .start();
        this.links = config.actionLinks(Clock.systemUTC());
        this.channels = new SinkChannels(config, charts, links);
        this.router = config.router();
        this.delivery =
                new ChannelDelivery(
                        config.retryPolicy(), d -> Thread.sleep(d.toMillis()), counters);
        final Topics topics = Topics.create(new SfpulseSerdes(config.serdeConfig()));
        this.alertDeserializer = topics.alerts().valueSerde().deserializer();
        this.ledger =
                new DeliveryLedger(config.bootstrapServers(), topics.deliveries().valueSerde());
        final KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                config.bootstrapServers(),
                                ConsumerConfig.GROUP_ID_CONFIG,
                                config.groupId(),
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
        this.deadLetters = new DeadLetterWriter(config.bootstrapServers());
        this.silences =
                new SilenceBook(
                        config.bootstrapServers(),
                        topics.silences().valueSerde(),
                        Clock.systemUTC());
        this.actions =
                config.actions().isEmpty()
                        ? null
                        : new ActionService(config, topics, ledger, counters, deadLetters);
        this.changes =
                config.getBoolean(SinkConfig.PAGERDUTY_CHANGES_CONFIG)
                                && channels.pagerDuty().isPresent()
                        ? new PagerDutyChangeEvents(
                                config, topics, channels.pagerDuty().get(), delivery)
                        : null;
        this.loop =
                new CommittingLoop<>(
                        "sink",
                        consumer,
                        List.of(TopicNames.ALERTS),
                        () -> silences.awaitLoaded(Duration.ofSeconds(30)),
                        this::handle);
    }

    public AlertSinkService start() {
        LOG.info("Alert sink delivering to {}", channels.all().keySet());
        loop.start();
        if (changes != null) {
            changes.start();
        }
        if (actions != null) {
            actions.start();
        }
        return this;
    }

    /** Port of the chart server, or -1 when it is off. */
    public int chartPort() {
        return chartServer == null ? -1 : chartServer.port();
    }

    private void handle(final ConsumerRecord<String, byte[]> record) throws InterruptedException {
        final Alert alert;
        try {
            alert = alertDeserializer.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            LOG.error(
                    "Undecodable alert at {}-{}@{} sent to '{}': {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    TopicNames.SINK_DLQ,
                    e.getMessage());
            deadLetters.write(record, "decode", 0, -1, e.getMessage());
            return;
        }
        final Set<String> routed = router.route(alert, channels.all().keySet());
        final String key = WebhookChannel.idempotencyKey(alert);
        final Map<String, String> context = logContext(alert);
        final Optional<Silence> silence = silences.matching(alert);
        if (silence.isPresent()) {
            final Silence s = silence.get();
            final String note =
                    "silence "
                            + s.getId()
                            + " by "
                            + s.getCreatedBy()
                            + " until "
                            + s.getEndsAt()
                            + ": "
                            + s.getReason();
            for (final String name : routed) {
                if (!ledger.isDone(name, key)) {
                    silenced.incrementAndGet();
                    ledger.record(
                            DeliveryOutcome.newBuilder(
                                            outcome(
                                                    alert,
                                                    name,
                                                    key,
                                                    DeliveryResultKind.SILENCED,
                                                    0,
                                                    0,
                                                    null))
                                    .setNote(note)
                                    .build());
                }
            }
            LOG.atInfo()
                    .addKeyValue("org", alert.getOrgId())
                    .addKeyValue("alert", alert.getDedupKey())
                    .log("Alert state {} not pushed to {}: {}", alert.getStatus(), routed, note);
            return;
        }
        for (final String name : routed) {
            final SinkChannels.Limited channel = channels.all().get(name);
            if (ledger.isDone(name, key)) {
                skipped.incrementAndGet();
                ChannelDelivery.withContext(LOG.atInfo(), context, name)
                        .log(
                                "Alert state {} already delivered (idempotency key {}); not sending again",
                                alert.getStatus(),
                                key);
                continue;
            }
            final ChannelDelivery.Outcome outcome =
                    delivery.deliver(
                            context,
                            name,
                            channel.limiter(),
                            () -> channel.channel().deliver(alert));
            if (outcome.result() instanceof DeliveryResult.Delivered d) {
                delivered.incrementAndGet();
                ledger.record(
                        outcome(
                                alert,
                                name,
                                key,
                                DeliveryResultKind.DELIVERED,
                                outcome.attempts(),
                                d.status(),
                                null));
                continue;
            }
            final int status = outcome.result().status();
            final String error = outcome.result().error();
            if (outcome.result() instanceof DeliveryResult.Permanent) {
                ChannelDelivery.withContext(LOG.atError(), context, name)
                        .log(
                                "Alert state {} permanently refused ({}); sent to '{}'",
                                alert.getStatus(),
                                error,
                                TopicNames.SINK_DLQ);
            }
            deadLetters.write(record, name, outcome.attempts(), status, error);
            ledger.record(
                    outcome(
                            alert,
                            name,
                            key,
                            DeliveryResultKind.DEAD_LETTERED,
                            outcome.attempts(),
                            status,
                            error));
        }
    }

    private static DeliveryOutcome outcome(
            final Alert alert,
            final String channel,
            final String key,
            final DeliveryResultKind kind,
            final int attempts,
            final int status,
            final String error) {
        return DeliveryOutcome.newBuilder()
                .setChannel(channel)
                .setAlertId(alert.getAlertId())
                .setDedupKey(alert.getDedupKey())
                .setStatus(alert.getStatus().name())
                .setIdempotencyKey(key)
                .setOutcome(kind)
                .setAttempts(attempts)
                .setHttpStatus(Math.max(status, 0))
                .setError(error)
                .setTime(Instant.now())
                .build();
    }

    /** Whether the delivery loop is alive (started and neither stopped nor crashed). */
    public boolean isRunning() {
        return loop.isRunning() && (actions == null || actions.isRunning());
    }

    /** Verdicts and alert states that ran no action because they were older than actions.max.age.ms. */
    public long actionsTooOldCount() {
        return actions == null ? 0 : actions.tooOldCount();
    }

    /** Actions run (delivered) since start; 0 without actions. */
    public long actionsRunCount() {
        return actions == null ? 0 : actions.ranCount();
    }

    /** Attempts and failed attempts per channel. */
    public DeliveryCounters deliveryCounters() {
        return counters;
    }

    public long deliveredCount() {
        return delivered.get();
    }

    public long deadLetteredCount() {
        return deadLetters.count();
    }

    /**
     * Follows an action link: verifies it and runs its action once (see {@link ActionService#approve}).
     * 404 for a link that is not ours or an action not configured, 410 for one expired or already used.
     */
    public ActionService.Approval approve(final String token, final String by)
            throws InterruptedException {
        if (links == null || actions == null) {
            return new ActionService.Approval(404, "no action needs approval here");
        }
        try {
            return actions.approve(links.verify(token), by);
        } catch (ActionLinks.Refused e) {
            return new ActionService.Approval(e.expired() ? 410 : 404, e.getMessage());
        }
    }

    /** What an action link would do, for its confirmation page; refused when not ours, expired or used. */
    public ActionLinks.Claim inspect(final String token) throws ActionLinks.Refused {
        if (links == null) {
            throw new ActionLinks.Refused("no action needs approval here", false);
        }
        final ActionLinks.Claim claim = links.verify(token);
        if (actions != null && actions.used(claim)) {
            throw new ActionLinks.Refused(
                    "this link was used already: "
                            + claim.action()
                            + " ran for "
                            + claim.trigger().trigger(),
                    true);
        }
        return claim;
    }

    /** The signer of action links, or null when no action needs approval. */
    public ActionLinks actionLinks() {
        return links;
    }

    /** The silences this sink applies. */
    public SilenceBook silences() {
        return silences;
    }

    /** Alert states held back by a silence (one per routed channel). */
    public long silencedCount() {
        return silenced.get();
    }

    public long skippedDuplicateCount() {
        return skipped.get();
    }

    @Override
    public void close() {
        loop.close();
        if (changes != null) {
            changes.close();
        }
        if (actions != null) {
            actions.close();
        }
        deadLetters.close();
        silences.close();
        ledger.close();
        channels.close();
        if (chartServer != null) {
            chartServer.close();
        }
    }

    /** Log keys of an alert state: org and the alert's dedup key. */
    private static Map<String, String> logContext(final Alert alert) {
        return Map.of("org", alert.getOrgId(), "alert", alert.getDedupKey());
    }
}
