package io.sfpulse.ingest.poll;

import io.sfpulse.schemas.progress.ProgressTransport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every REST poller of a task at its own fixed delay on one small pool and hands what it finds
 * to the task's queue (records first, then the progress they make). A failed poll is logged and
 * retried at the next interval from the same cursor (bounded by the interval, never a tight loop).
 */
public final class PollerScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PollerScheduler.class);

    /** Where found records and progress go (the task's queue); may block. */
    public interface Sink {
        void record(SourceRecord record) throws InterruptedException;

        void progress(String source, ProgressTransport transport, Instant deliveredThrough) throws InterruptedException;
    }

    private final String orgId;
    private final Sink sink;
    private final ScheduledExecutorService pool;

    public PollerScheduler(final String orgId, final Sink sink) {
        this.orgId = orgId;
        this.sink = sink;
        this.pool = Executors.newScheduledThreadPool(2, r -> new Thread(r, "sfpulse-poll-" + orgId));
    }

    public void schedule(final Poller poller, final Duration interval) {
        pool.scheduleWithFixedDelay(() -> runOnce(poller, interval), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runOnce(final Poller poller, final Duration interval) {
        try {
            final Poller.Batch batch = poller.poll();
            for (final SourceRecord record : batch.records()) {
                sink.record(record);
            }
            poller.advance(batch);
            for (final Map.Entry<String, Instant> p : batch.progress().entrySet()) {
                sink.progress(p.getKey(), poller.transport(), p.getValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.atWarn().addKeyValue("org", orgId).log("{} poll failed, retrying in {} ms: {}", poller.source(), interval.toMillis(), e.getMessage());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
