package io.sfpulse.ingest.poll;

import io.sfpulse.ingest.rest.SalesforceApiException;
import io.sfpulse.schemas.progress.ProgressTransport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every REST poller of a task on one small pool and hands what it finds to the task's queue
 * (records first, then the progress they make). A poll that fails for a reason that passes (network,
 * 5xx, 429, the org's API limit) is retried from the same cursor after a bounded, jittered back-off
 * (the interval doubled per failure, at most {@link #MAX_BACKOFF_FACTOR} intervals), logged with
 * the attempt; a permanent failure (a malformed query, a missing permission or object, a session
 * refused after a new login) stops that poller with one clear ERROR and a metric, and the task's
 * other sources go on.
 */
public final class PollerScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PollerScheduler.class);
    static final int MAX_BACKOFF_FACTOR = 16;

    /** Where found records and progress go (the task's queue); may block. */
    public interface Sink {
        void record(SourceRecord record) throws InterruptedException;

        void progress(String source, ProgressTransport transport, Instant deliveredThrough)
                throws InterruptedException;
    }

    private final String orgId;
    private final Sink sink;
    private final ScheduledExecutorService pool;
    private final AtomicLong failures = new AtomicLong();
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();

    public PollerScheduler(final String orgId, final Sink sink) {
        this.orgId = orgId;
        this.sink = sink;
        this.pool =
                Executors.newScheduledThreadPool(2, r -> new Thread(r, "sfpulse-poll-" + orgId));
    }

    public void schedule(final Poller poller, final Duration interval) {
        pool.schedule(() -> runOnce(poller, interval, 0), 0, TimeUnit.MILLISECONDS);
    }

    /** Failed polls so far (transient and permanent). */
    public long failures() {
        return failures.get();
    }

    /** Pollers stopped by a permanent error. */
    public Set<String> stopped() {
        return Set.copyOf(stopped);
    }

    private void runOnce(final Poller poller, final Duration interval, final int failed) {
        int failedInARow = failed;
        try {
            final Poller.Batch batch = poller.poll();
            for (final SourceRecord record : batch.records()) {
                sink.record(record);
            }
            poller.advance(batch);
            for (final Map.Entry<String, Instant> p : batch.progress().entrySet()) {
                sink.progress(p.getKey(), poller.transport(), p.getValue());
            }
            failedInARow = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (SalesforceApiException e) {
            failures.incrementAndGet();
            if (e.permanent()) {
                stopped.add(poller.source());
                LOG.atError()
                        .addKeyValue("org", orgId)
                        .log(
                                "{} poller stopped: Salesforce refused it permanently ({} {}): {}. Fix the cause "
                                        + "(permission, query, API version) and restart the connector; the other sources go on.",
                                poller.source(),
                                e.status(),
                                e.errorCode(),
                                e.getMessage());
                return;
            }
            failedInARow++;
            warnRetry(poller, interval, failedInARow, e.getMessage());
        } catch (Exception e) {
            failures.incrementAndGet();
            failedInARow++;
            warnRetry(poller, interval, failedInARow, e.getMessage());
        }
        final int next = failedInARow;
        pool.schedule(
                () -> runOnce(poller, interval, next),
                delay(interval, next).toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void warnRetry(
            final Poller poller,
            final Duration interval,
            final int failedInARow,
            final String message) {
        LOG.atWarn()
                .addKeyValue("org", orgId)
                .log(
                        "{} poll failed (attempt {} in a row), retrying in about {} ms: {}",
                        poller.source(),
                        failedInARow,
                        delay(interval, failedInARow).toMillis(),
                        message);
    }

    /** The interval after a success; after failures the interval doubled per failure, capped, with jitter (half to full). */
    static Duration delay(final Duration interval, final int failedInARow) {
        if (failedInARow == 0) {
            return interval;
        }
        final long cap =
                interval.toMillis()
                        * Math.min(MAX_BACKOFF_FACTOR, 1L << Math.min(failedInARow - 1, 30));
        return Duration.ofMillis(
                java.util.concurrent.ThreadLocalRandom.current()
                        .nextLong(Math.max(1, cap / 2), cap + 1));
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
