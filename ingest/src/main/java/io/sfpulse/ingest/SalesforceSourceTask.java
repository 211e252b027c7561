package io.sfpulse.ingest;

import io.sfpulse.ingest.auth.AuthenticationException;
import io.sfpulse.ingest.auth.OAuthClient;
import io.sfpulse.ingest.cometd.ReplayPositions;
import io.sfpulse.ingest.cometd.StreamingSession;
import io.sfpulse.ingest.deploy.DeployRequestPoller;
import io.sfpulse.ingest.deploy.MarkerPoller;
import io.sfpulse.ingest.deploy.SetupAuditTrailPoller;
import io.sfpulse.ingest.elf.EventLogFilePoller;
import io.sfpulse.ingest.poll.PollCursor;
import io.sfpulse.ingest.progress.ProgressReporter;
import io.sfpulse.ingest.progress.ServerDates;
import io.sfpulse.schemas.progress.ProgressTransport;
import io.sfpulse.ingest.deploy.SalesforceRestClient;
import io.sfpulse.ingest.mapping.MappingException;
import io.sfpulse.ingest.mapping.SalesforceEventMapper;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.DeadLetter;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one group of channels of one org into Kafka (and, on task 0, polls DeployRequest).
 * Each record carries its source partition {@code (org, channel)} and offset {@code replayId};
 * Connect stores offsets only for records the producer has acknowledged, and this task resubscribes
 * after failures from the last acknowledged replay id. Malformed events become dead letters that
 * advance the position, so the pipeline never stalls on them.
 */
public final class SalesforceSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceSourceTask.class);
    static final String ORG_KEY = "org";
    static final String CHANNEL_KEY = "channel";
    static final String REPLAY_KEY = "replayId";
    static final String SOURCE_KEY = "source";
    private static final int MAX_BATCH = 2_000;
    private static final int MAX_RAW = 256 * 1024;

    private final SalesforceEventMapper mapper = new SalesforceEventMapper();
    private final ReplayPositions positions = new ReplayPositions();
    private final AtomicReference<ConnectException> fatal = new AtomicReference<>();
    private final AtomicLong malformed = new AtomicLong();
    private BlockingQueue<SourceRecord> queue;
    private ScheduledExecutorService scheduler;
    private ScheduledExecutorService pollers;
    private final AtomicLong gapEvents = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    /** Kafka timestamp (the event's time) of the last record Kafka acknowledged: how far behind the replay position is. */
    private final AtomicLong lastAckedTimestamp = new AtomicLong(-1);
    private StreamingSession session;
    private String orgId;
    /** Null when progress records are off. */
    private ProgressReporter progress;
    private List<String> taskChannels = List.of();
    private SalesforceRestClient rest;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(final Map<String, String> props) {
        final SalesforceSourceConfig config = new SalesforceSourceConfig(props);
        queue = new LinkedBlockingQueue<>(config.queueCapacity());
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "sfpulse-ingest-" + config.orgId()));
        final OAuthClient oauth = new OAuthClient(config);
        try {
            orgId = oauth.token().orgId();
        } catch (AuthenticationException e) {
            throw new ConnectException("Cannot log in to Salesforce: " + e.getMessage(), e);
        }
        progress = config.progressInterval().isZero() ? null : new ProgressReporter(orgId, config.progressInterval(), Clock.systemUTC());
        final List<String> channels = config.taskChannels();
        taskChannels = channels;
        final long initial = config.initialReplay() == SalesforceSourceConfig.InitialReplay.EARLIEST ? -2 : -1;
        for (final String channel : channels) {
            final Map<String, Object> offset = context.offsetStorageReader().offset(channelPartition(channel));
            final Object stored = offset == null ? null : offset.get(REPLAY_KEY);
            positions.setStart(channel, stored instanceof Number n ? n.longValue() : initial);
            LOG.atInfo().addKeyValue("org", orgId).addKeyValue("channel", channel).log("Channel starts from {}",
                stored != null ? "committed replayId " + stored : "initial " + config.initialReplay() + " (" + initial + ")");
        }
        if (!channels.isEmpty()) {
            session = new StreamingSession(config, oauth, channels, positions, new Listener(), scheduler);
        }
        registerMetrics();
        if (session != null) {
            session.start();
        }
        if (config.taskPollsDeploys()) {
            startPolling(config, oauth);
        }
    }

    /** Task metrics in the worker's registry (JMX and any configured metrics reporter), tagged with the org. */
    private void registerMetrics() {
        final org.apache.kafka.common.metrics.PluginMetrics metrics;
        try {
            metrics = context.pluginMetrics();
        } catch (UnsupportedOperationException | NullPointerException e) {
            LOG.debug("Worker offers no plugin metrics");
            return;
        }
        if (metrics == null) {
            return;
        }
        final java.util.LinkedHashMap<String, String> tags = new java.util.LinkedHashMap<>(Map.of("org", orgId));
        gauge(metrics, tags, "events-received-total", "Events received from Salesforce streaming channels.", received::get);
        gauge(metrics, tags, "malformed-events-total", "Events that could not be mapped and went to the dead-letter topic.", malformed::get);
        gauge(metrics, tags, "gap-events-total", "CDC GAP_* and GAP_OVERFLOW events received (kept).", gapEvents::get);
        gauge(metrics, tags, "daily-limit-exceeded-total", "Times the org's daily event delivery allocation was reported used up.",
            () -> session == null ? 0L : session.dailyLimitHits());
        gauge(metrics, tags, "reconnects-total", "CometD clients rebuilt after failures.", () -> session == null ? 0L : session.reconnects());
        gauge(metrics, tags, "replay-position-age-ms", "Event time age of the newest record Kafka acknowledged (-1 before the first).",
            () -> lastAckedTimestamp.get() < 0 ? -1L : System.currentTimeMillis() - lastAckedTimestamp.get());
        gauge(metrics, tags, "handshakes-total", "Successful CometD handshakes.", () -> session == null ? 0L : session.handshakes());
    }

    private static void gauge(final org.apache.kafka.common.metrics.PluginMetrics metrics, final java.util.LinkedHashMap<String, String> tags,
                              final String name, final String description, final java.util.function.Supplier<Long> value) {
        metrics.addMetric(metrics.metricName(name, description, tags),
            (org.apache.kafka.common.metrics.Gauge<Long>) (config, now) -> value.get());
    }

    private void startPolling(final SalesforceSourceConfig config, final OAuthClient oauth) {
        pollers = Executors.newScheduledThreadPool(2, r -> new Thread(r, "sfpulse-poll-" + orgId));
        rest = new SalesforceRestClient(oauth, config.apiVersion());
        if (!config.deployPollInterval().isZero()) {
            scheduleMarkers(new DeployRequestPoller(rest, orgId), config.deployPollInterval().toMillis());
        }
        if (!config.setupAuditPollInterval().isZero()) {
            scheduleMarkers(new SetupAuditTrailPoller(rest, orgId, config.setupAuditActions()), config.setupAuditPollInterval().toMillis());
        }
        if (!config.elfPollInterval().isZero()) {
            scheduleEventLogFiles(new EventLogFilePoller(rest, orgId, config.elfEventTypes(), config.elfInterval(), config.elfMaxFiles(),
                config.apiReservePercent()), config.elfPollInterval().toMillis());
        }
    }

    private void scheduleMarkers(final MarkerPoller poller, final long intervalMs) {
        final Map<String, Object> partition = Map.of(ORG_KEY, orgId, SOURCE_KEY, poller.source());
        final AtomicReference<PollCursor> cursor = new AtomicReference<>(
            PollCursor.fromOffset(context.offsetStorageReader().offset(partition)));
        pollers.scheduleWithFixedDelay(() -> {
            try {
                final MarkerPoller.Result result = poller.poll(cursor.get());
                for (final MarkerPoller.Found found : result.found()) {
                    final DeploymentMarker marker = found.marker();
                    LOG.atInfo().addKeyValue("org", orgId).addKeyValue("deployId", marker.getDeployId()).log("{} marker at {} ({} components, {})",
                        poller.source(), marker.getCompletedTime(), marker.getComponentCount(), marker.getStatus());
                    queue.put(new SourceRecord(partition, found.cursorAfter().toOffset(), TopicNames.DEPLOYMENT_MARKERS, null,
                        Schema.STRING_SCHEMA, orgId, null, marker, marker.getCompletedTime().toEpochMilli()));
                }
                cursor.set(result.next());
                reportProgress(poller.source(), ProgressTransport.REST, ServerDates.deliveredThrough(rest.lastServerDate()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // Bounded: the next scheduled poll is the retry; the cursor has not moved.
                LOG.atWarn().addKeyValue("org", orgId).log("{} poll failed, retrying in {} ms: {}", poller.source(), intervalMs, e.getMessage());
            }
        }, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void scheduleEventLogFiles(final EventLogFilePoller poller, final long intervalMs) {
        final Map<String, Object> partition = Map.of(ORG_KEY, orgId, SOURCE_KEY, "EventLogFile");
        final Map<String, Object> stored = context.offsetStorageReader().offset(partition);
        final AtomicReference<PollCursor> cursor = new AtomicReference<>(PollCursor.fromOffset(stored));
        final AtomicReference<EventLogFilePoller.Resume> resume = new AtomicReference<>(EventLogFilePoller.Resume.from(stored));
        pollers.scheduleWithFixedDelay(() -> {
            try {
                final EventLogFilePoller.Result result = poller.poll(cursor.get(), resume.get());
                for (final EventLogFilePoller.Row row : result.rows()) {
                    queue.put(new SourceRecord(partition, row.offset(), TopicNames.forChannel(row.event().getChannel()), null,
                        Schema.STRING_SCHEMA, orgId, null, row.event(), row.event().getEventTime().toEpochMilli()));
                }
                cursor.set(result.next());
                resume.set(null);
                for (final Map.Entry<String, Instant> covered : result.coveredThrough().entrySet()) {
                    reportProgress("elf/" + covered.getKey(), ProgressTransport.EVENT_LOG_FILE, covered.getValue());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.atWarn().addKeyValue("org", orgId).log("EventLogFile poll failed, retrying in {} ms: {}", intervalMs, e.getMessage());
            }
        }, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        final ConnectException failure = fatal.get();
        if (failure != null) {
            throw failure;
        }
        final SourceRecord first = queue.poll(500, TimeUnit.MILLISECONDS);
        if (first == null) {
            return null;
        }
        final List<SourceRecord> batch = new ArrayList<>();
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        return batch;
    }

    @Override
    public void commitRecord(final SourceRecord record, final RecordMetadata metadata) {
        // Called after Kafka acknowledged the record: only now may a resubscribe skip past it.
        if (metadata != null && record.sourceOffset() != null && record.sourceOffset().get(REPLAY_KEY) instanceof Number id) {
            positions.acked((String) record.sourcePartition().get(CHANNEL_KEY), id.longValue());
        }
        if (metadata != null && record.timestamp() != null) {
            lastAckedTimestamp.accumulateAndGet(record.timestamp(), Math::max);
        }
    }

    @Override
    public void stop() {
        if (session != null) {
            session.close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (pollers != null) {
            pollers.shutdownNow();
        }
        LOG.atInfo().addKeyValue("org", orgId).log("Task stopped ({} malformed events dead-lettered)", malformed.get());
    }

    /**
     * Queues a progress record for {@code source} (behind every record the source produced before:
     * one FIFO queue) when it is due; {@code deliveredThrough} null = nothing known.
     */
    private void reportProgress(final String source, final ProgressTransport transport, final Instant deliveredThrough)
        throws InterruptedException {
        if (progress == null || deliveredThrough == null) {
            return;
        }
        final SourceRecord record = progress.record(source, transport, deliveredThrough);
        if (record != null) {
            queue.put(record);
        }
    }

    private Map<String, Object> channelPartition(final String channel) {
        return Map.of(ORG_KEY, orgId, CHANNEL_KEY, channel);
    }

    private final class Listener implements StreamingSession.Listener {
        @Override
        public void onEvent(final String channel, final Map<String, Object> data) {
            final Instant now = Instant.now();
            final Object replay = data != null && data.get("event") instanceof Map<?, ?> e ? e.get("replayId") : null;
            final Map<String, Object> offset = replay instanceof Number n ? Map.of(REPLAY_KEY, n.longValue()) : null;
            received.incrementAndGet();
            if (replay instanceof Number n) {
                positions.received(channel, n.longValue());
            }
            SourceRecord record;
            try {
                final SalesforceEvent event = mapper.map(orgId, channel, data, now);
                if (event.getChange() != null && event.getChange().getChangeType().startsWith("GAP")) {
                    // Kept, never dropped: consumers must re-read these records from Salesforce.
                    LOG.atWarn().addKeyValue("org", orgId).addKeyValue("channel", channel).log("Gap event {} for {} {} ({} so far)",
                        event.getChange().getChangeType(), event.getChange().getEntityName(), event.getChange().getRecordIds(), gapEvents.incrementAndGet());
                }
                record = new SourceRecord(channelPartition(channel), offset, TopicNames.forChannel(channel), null, Schema.STRING_SCHEMA, orgId, null, event,
                    event.getEventTime().toEpochMilli());
            } catch (MappingException e) {
                malformed.incrementAndGet();
                LOG.atError().addKeyValue("org", orgId).addKeyValue("channel", channel).log("Malformed event sent to '{}': {}", TopicNames.INGEST_DLQ,
                    e.getMessage());
                final String raw = String.valueOf(data);
                final DeadLetter letter = DeadLetter.newBuilder().setStage("ingest").setOrgId(orgId).setChannel(channel)
                    .setError(e.getMessage()).setRaw(raw.length() > MAX_RAW ? raw.substring(0, MAX_RAW) : raw).setTime(now).build();
                record = new SourceRecord(channelPartition(channel), offset, TopicNames.INGEST_DLQ, null, Schema.STRING_SCHEMA, orgId, null, letter, now.toEpochMilli());
            }
            try {
                queue.put(record); // blocks when full: back-pressure onto the long poll
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onDelivered(final Instant deliveredThrough) {
            try {
                for (final String channel : taskChannels) {
                    reportProgress(channel, ProgressTransport.COMETD, deliveredThrough);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onFatal(final String reason, final Throwable cause) {
            LOG.atError().addKeyValue("org", orgId).log("Streaming failed: {}", reason);
            fatal.compareAndSet(null, new ConnectException(reason, cause));
        }
    }


}
