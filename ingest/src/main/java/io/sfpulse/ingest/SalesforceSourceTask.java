package io.sfpulse.ingest;

import io.sfpulse.ingest.SalesforceSourceConfig.Transport;
import io.sfpulse.ingest.auth.AuthenticationException;
import io.sfpulse.ingest.auth.OAuthClient;
import io.sfpulse.ingest.cometd.CometdSource;
import io.sfpulse.ingest.deploy.DeployRequestPoller;
import io.sfpulse.ingest.deploy.MarkerPolling;
import io.sfpulse.ingest.deploy.SetupAuditTrailPoller;
import io.sfpulse.ingest.elf.EventLogFilePoller;
import io.sfpulse.ingest.elf.EventLogFilePolling;
import io.sfpulse.ingest.mapping.MappingException;
import io.sfpulse.ingest.mapping.SalesforceEventMapper;
import io.sfpulse.ingest.metrics.TaskMetrics;
import io.sfpulse.ingest.poll.PollerScheduler;
import io.sfpulse.ingest.progress.ProgressReporter;
import io.sfpulse.ingest.pubsub.PubSubSource;
import io.sfpulse.ingest.record.SourceOffsets;
import io.sfpulse.ingest.record.SourceRecords;
import io.sfpulse.ingest.rest.OrgLimitsPoller;
import io.sfpulse.ingest.rest.SalesforceRestClient;
import io.sfpulse.ingest.stream.ReplayId;
import io.sfpulse.ingest.stream.StreamingSource;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.progress.ProgressTransport;
import io.sfpulse.schemas.topic.TopicNames;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one group of channels of one org into Kafka over the configured transport (Pub/Sub or
 * CometD, a {@link StreamingSource}), and, on the task the connector picks, runs the REST pollers.
 * This class only moves records: events and dead letters from the source and pollers into one
 * queue, batches of it to Connect, and Kafka's acknowledgements back to the source (only an
 * acknowledged position may be resumed from). Malformed events become dead letters that advance
 * the position, so the pipeline never stalls on them.
 */
public final class SalesforceSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceSourceTask.class);
    private static final int MAX_BATCH = 2_000;

    private final SalesforceEventMapper mapper = new SalesforceEventMapper();
    private final AtomicReference<ConnectException> fatal = new AtomicReference<>();
    private final TaskMetrics metrics = new TaskMetrics();
    private BlockingQueue<SourceRecord> queue;
    private ScheduledExecutorService scheduler;
    private PollerScheduler pollers;
    private StreamingSource source;
    private SourceRecords records;
    private Transport transport;
    private String orgId;

    /** Null when progress records are off. */
    private ProgressReporter progress;

    private List<String> taskChannels = List.of();

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(final Map<String, String> props) {
        final SalesforceSourceConfig config = new SalesforceSourceConfig(props);
        queue = new LinkedBlockingQueue<>(config.queueCapacity());
        scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        r -> new Thread(r, "sfpulse-ingest-" + config.orgId()));
        final OAuthClient oauth = new OAuthClient(config);
        try {
            orgId = oauth.token().orgId();
        } catch (AuthenticationException e) {
            throw new ConnectException("Cannot log in to Salesforce: " + e.getMessage(), e);
        }
        transport = config.transport();
        records = new SourceRecords(orgId, transport);
        progress =
                config.progressInterval().isZero()
                        ? null
                        : new ProgressReporter(orgId, config.progressInterval(), Clock.systemUTC());
        taskChannels = config.taskChannels();
        if (!taskChannels.isEmpty()) {
            final Map<String, ReplayId> starts = startingPositions(config);
            source =
                    transport == Transport.PUBSUB
                            ? new PubSubSource(config, oauth, starts, new Listener(), scheduler)
                            : new CometdSource(config, oauth, starts, new Listener(), scheduler);
        }
        if (config.taskPollsDeploys()) {
            startPolling(config, oauth);
        }
        metrics.register(
                context,
                orgId,
                transport.name().toLowerCase(java.util.Locale.ROOT),
                counterNames(),
                this::counters);
        if (source != null) {
            source.start();
        }
    }

    /** The streaming source's counters and the pollers' ({@code poll-failures-total}, {@code pollers-stopped}). */
    private Map<String, Long> counters() {
        final Map<String, Long> out =
                new LinkedHashMap<>(source == null ? Map.of() : source.counters());
        if (pollers != null) {
            out.put("poll-failures-total", pollers.failures());
            out.put("pollers-stopped", (long) pollers.stopped().size());
        }
        return out;
    }

    private Iterable<String> counterNames() {
        return counters().keySet();
    }

    /** Each channel's committed position for this transport, else the initial preset. */
    private Map<String, ReplayId> startingPositions(final SalesforceSourceConfig config) {
        final ReplayId initial =
                config.initialReplay() == SalesforceSourceConfig.InitialReplay.EARLIEST
                        ? ReplayId.EARLIEST
                        : ReplayId.LATEST;
        final Map<String, ReplayId> starts = new LinkedHashMap<>();
        for (final String channel : taskChannels) {
            final Map<String, Object> offset =
                    SourceOffsets.committed(
                            context.offsetStorageReader(),
                            SourceOffsets.channelPartition(orgId, channel));
            final ReplayId stored = SourceOffsets.replayFrom(transport, offset);
            if (stored == null && SourceOffsets.hasOtherTransport(transport, offset)) {
                LOG.atWarn()
                        .addKeyValue("org", orgId)
                        .addKeyValue("channel", channel)
                        .log(
                                "The committed position was written by the other "
                                        + "transport and cannot be resumed from over {}; starting from {} (events between may be missing or repeated)",
                                transport,
                                initial);
            }
            starts.put(channel, stored != null ? stored : initial);
            LOG.atInfo()
                    .addKeyValue("org", orgId)
                    .addKeyValue("channel", channel)
                    .log(
                            "Channel starts over {} from {}",
                            transport,
                            stored != null
                                    ? "committed replay id " + stored
                                    : "initial " + initial);
        }
        return starts;
    }

    private void startPolling(final SalesforceSourceConfig config, final OAuthClient oauth) {
        pollers =
                new PollerScheduler(
                        orgId,
                        new PollerScheduler.Sink() {
                            @Override
                            public void record(final SourceRecord record)
                                    throws InterruptedException {
                                queue.put(record);
                            }

                            @Override
                            public void progress(
                                    final String src,
                                    final ProgressTransport t,
                                    final Instant deliveredThrough)
                                    throws InterruptedException {
                                reportProgress(src, t, deliveredThrough);
                            }
                        });
        final SalesforceRestClient rest = new SalesforceRestClient(oauth, config.apiVersion());
        if (!config.deployPollInterval().isZero()) {
            pollers.schedule(
                    markers(new DeployRequestPoller(rest, orgId), rest),
                    config.deployPollInterval());
        }
        if (!config.setupAuditPollInterval().isZero()) {
            pollers.schedule(
                    markers(
                            new SetupAuditTrailPoller(rest, orgId, config.setupAuditActions()),
                            rest),
                    config.setupAuditPollInterval());
        }
        if (!config.limitsPollInterval().isZero()) {
            pollers.schedule(
                    new OrgLimitsPoller(rest, orgId, records), config.limitsPollInterval());
        }
        if (!config.elfPollInterval().isZero()) {
            final EventLogFilePoller elf =
                    new EventLogFilePoller(
                            rest,
                            orgId,
                            config.elfEventTypes(),
                            config.elfInterval(),
                            config.elfMaxFiles(),
                            config.apiReservePercent());
            pollers.schedule(
                    new EventLogFilePolling(elf, records, storedOffset("EventLogFile")),
                    config.elfPollInterval());
        }
    }

    private MarkerPolling markers(
            final io.sfpulse.ingest.deploy.MarkerPoller poller, final SalesforceRestClient rest) {
        return new MarkerPolling(poller, rest, records, orgId, storedOffset(poller.source()));
    }

    private Map<String, Object> storedOffset(final String pollerSource) {
        return SourceOffsets.committed(
                context.offsetStorageReader(), SourceOffsets.pollerPartition(orgId, pollerSource));
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
        if (source != null) {
            // Flow control: what is handed to Connect now leaves room for the source to ask for
            // more.
            final Map<String, Integer> perChannel = new HashMap<>();
            for (final SourceRecord r : batch) {
                final String channel = SourceOffsets.channelOf(r.sourcePartition());
                if (channel != null) {
                    perChannel.merge(channel, 1, Integer::sum);
                }
            }
            perChannel.forEach(source::handedOver);
        }
        return batch;
    }

    @Override
    public void commitRecord(final SourceRecord record, final RecordMetadata metadata) {
        if (metadata == null) {
            return;
        }
        // Called after Kafka acknowledged the record: only now may a resubscribe skip past it.
        final String channel = SourceOffsets.channelOf(record.sourcePartition());
        if (source != null && channel != null) {
            final ReplayId position = SourceOffsets.replayFrom(transport, record.sourceOffset());
            if (position != null) {
                source.acknowledged(channel, position);
            }
        }
        if (record.timestamp() != null) {
            metrics.lastAckedTimestamp.accumulateAndGet(record.timestamp(), Math::max);
        }
    }

    @Override
    public void stop() {
        if (source != null) {
            source.close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (pollers != null) {
            pollers.close();
        }
        LOG.atInfo()
                .addKeyValue("org", orgId)
                .log("Task stopped ({} malformed events dead-lettered)", metrics.malformed.get());
    }

    /**
     * Queues a progress record for {@code src} (behind every record the source produced before:
     * one FIFO queue) when it is due; {@code deliveredThrough} null = nothing known.
     */
    private void reportProgress(
            final String src, final ProgressTransport t, final Instant deliveredThrough)
            throws InterruptedException {
        if (progress == null || deliveredThrough == null) {
            return;
        }
        final SourceRecord record = progress.record(src, t, deliveredThrough);
        if (record != null) {
            queue.put(record);
        }
    }

    private final class Listener implements StreamingSource.Listener {
        @Override
        public void onEvent(
                final String channel, final ReplayId replayId, final Map<String, Object> data) {
            final Instant now = Instant.now();
            metrics.received.incrementAndGet();
            SourceRecord record;
            try {
                final SalesforceEvent event =
                        mapper.map(
                                orgId,
                                channel,
                                transport == Transport.PUBSUB
                                        ? EventSource.PUBSUB
                                        : EventSource.COMETD,
                                data,
                                now);
                if (event.getChange() != null
                        && event.getChange().getChangeType().startsWith("GAP")) {
                    // Kept, never dropped: consumers must re-read these records from Salesforce.
                    LOG.atWarn()
                            .addKeyValue("org", orgId)
                            .addKeyValue("channel", channel)
                            .log(
                                    "Gap event {} for {} {} ({} so far)",
                                    event.getChange().getChangeType(),
                                    event.getChange().getEntityName(),
                                    event.getChange().getRecordIds(),
                                    metrics.gapEvents.incrementAndGet());
                }
                record = records.event(channel, replayId, event);
            } catch (MappingException e) {
                metrics.malformed.incrementAndGet();
                LOG.atError()
                        .addKeyValue("org", orgId)
                        .addKeyValue("channel", channel)
                        .log(
                                "Malformed event sent to '{}': {}",
                                TopicNames.INGEST_DLQ,
                                e.getMessage());
                record =
                        records.deadLetter(
                                channel, replayId, e.getMessage(), String.valueOf(data), now);
            }
            try {
                queue.put(record); // blocks when full: back-pressure onto the transport
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onDelivered(final Instant deliveredThrough) {
            try {
                for (final String channel : taskChannels) {
                    reportProgress(
                            channel,
                            transport == Transport.PUBSUB
                                    ? ProgressTransport.PUBSUB
                                    : ProgressTransport.COMETD,
                            deliveredThrough);
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
