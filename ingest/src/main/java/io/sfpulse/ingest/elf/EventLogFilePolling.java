package io.sfpulse.ingest.elf;

import io.sfpulse.ingest.poll.PollCursor;
import io.sfpulse.ingest.poll.Poller;
import io.sfpulse.ingest.record.SourceRecords;
import io.sfpulse.schemas.progress.ProgressTransport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;

/** The {@link EventLogFilePoller} as a scheduled {@link Poller}: file cursor, row-exact resume after a restart, progress per event type. */
public final class EventLogFilePolling implements Poller {

    static final String SOURCE = "EventLogFile";

    private final EventLogFilePoller poller;
    private final SourceRecords records;
    private volatile PollCursor cursor;
    private volatile EventLogFilePoller.Resume resume;

    public EventLogFilePolling(
            final EventLogFilePoller poller,
            final SourceRecords records,
            final Map<String, Object> storedOffset) {
        this.poller = poller;
        this.records = records;
        this.cursor = PollCursor.fromOffset(storedOffset);
        this.resume = EventLogFilePoller.Resume.from(storedOffset);
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ProgressTransport transport() {
        return ProgressTransport.EVENT_LOG_FILE;
    }

    @Override
    public Batch poll() throws Exception {
        final EventLogFilePoller.Result result = poller.poll(cursor, resume);
        final List<SourceRecord> out = new ArrayList<>(result.rows().size());
        for (final EventLogFilePoller.Row row : result.rows()) {
            out.add(records.eventLogRow(SOURCE, row.offset(), row.event()));
        }
        final Map<String, Instant> progress = new LinkedHashMap<>();
        result.coveredThrough().forEach((type, through) -> progress.put("elf/" + type, through));
        return new Batch(out, result.next(), progress);
    }

    @Override
    public void advance(final Batch batch) {
        cursor = (PollCursor) batch.next();
        resume = null;
    }
}
