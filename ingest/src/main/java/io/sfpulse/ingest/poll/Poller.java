package io.sfpulse.ingest.poll;

import io.sfpulse.schemas.progress.ProgressTransport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * One REST poller of an org (DeployRequest, SetupAuditTrail, EventLogFile, ...): each call reads what
 * is new since its cursor and returns the records to write, in order, each carrying the cursor to
 * commit once Kafka has it. The poller advances its in-memory cursor only when told the batch was
 * queued ({@link #advance}); a failed poll leaves it where it was, so the next poll is the retry.
 */
public interface Poller {

    /** What one poll found. */
    record Batch(List<SourceRecord> records, Object next, Map<String, Instant> progress) {}

    /** Name in partitions, progress records and logs, e.g. "DeployRequest". */
    String source();

    ProgressTransport transport();

    Batch poll() throws Exception;

    /** The batch's records are queued: continue after them next time. */
    void advance(Batch batch);
}
