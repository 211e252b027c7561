package io.sfpulse.ingest.elf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.ingest.poll.PollCursor;
import io.sfpulse.ingest.poll.SalesforceTimes;
import io.sfpulse.ingest.rest.SalesforceRestClient;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls EventLogFile for new hourly or daily files of the configured event types, downloads each
 * CSV and turns every row into a {@link SalesforceEvent} (channel {@code elf/<EventType>}, event
 * time from TIMESTAMP_DERIVED). Each row carries an offset that pins the file and row, so a
 * restart in the middle of a file resumes at the next row - nothing read twice, nothing skipped.
 * Before polling it checks the org's DailyApiRequests and stays away from the last reserve.
 */
public final class EventLogFilePoller {

    private static final Logger LOG = LoggerFactory.getLogger(EventLogFilePoller.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FILE_KEY = "file";
    static final String ROW_KEY = "row";

    /** A row's event and the source offset to commit once it is in Kafka. */
    public record Row(SalesforceEvent event, Map<String, Object> offset) {}

    /**
     * Rows found, the cursor after them, whether polling was skipped to protect the API budget, and
     * per event type the end of the latest log interval whose file was read completely (the
     * type's progress: EventLogFile delivers hours late, by whole intervals).
     */
    public record Result(
            List<Row> rows,
            PollCursor next,
            boolean skippedForBudget,
            Map<String, Instant> coveredThrough) {}

    /** Resume point inside a file: rows up to and including {@code row} of {@code fileId} are in Kafka. */
    public record Resume(String fileId, int row) {
        public static Resume from(final Map<String, Object> offset) {
            if (offset == null
                    || offset.get(FILE_KEY) == null
                    || String.valueOf(offset.get(FILE_KEY)).isEmpty()) {
                return null;
            }
            return new Resume(
                    String.valueOf(offset.get(FILE_KEY)),
                    ((Number) offset.get(ROW_KEY)).intValue());
        }
    }

    private final SalesforceRestClient rest;
    private final String orgId;
    private final List<String> eventTypes;
    private final String interval;
    private final int maxFiles;
    private final int reservePercent;

    public EventLogFilePoller(
            final SalesforceRestClient rest,
            final String orgId,
            final List<String> eventTypes,
            final String interval,
            final int maxFiles,
            final int reservePercent) {
        this.rest = rest;
        this.orgId = orgId;
        this.eventTypes = List.copyOf(eventTypes);
        this.interval = interval;
        this.maxFiles = maxFiles;
        this.reservePercent = reservePercent;
    }

    public Result poll(final PollCursor cursor, final Resume resume) throws IOException {
        final JsonNode limits = rest.get("/limits").path("DailyApiRequests");
        final long max = limits.path("Max").asLong(0);
        final long remaining = limits.path("Remaining").asLong(max);
        if (max > 0 && remaining * 100 < max * (long) reservePercent) {
            LOG.atWarn()
                    .addKeyValue("org", orgId)
                    .log(
                            "{} of {} daily API requests left (reserve {}%): EventLogFile polling skipped",
                            remaining, max, reservePercent);
            return new Result(List.of(), cursor, true, Map.of());
        }
        final String types =
                eventTypes.stream().map(t -> "'" + t + "'").collect(Collectors.joining(","));
        final String soql =
                "SELECT Id, EventType, Interval, LogDate, Sequence, CreatedDate, LogFileLength FROM EventLogFile WHERE "
                        + "EventType IN ("
                        + types
                        + ") AND Interval = '"
                        + interval
                        + "' AND CreatedDate >= "
                        + cursor.after()
                        + " ORDER BY CreatedDate ASC, Id ASC";
        final JsonNode answer =
                rest.get("/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
        final List<Row> rows = new ArrayList<>();
        final Map<String, Instant> covered = new java.util.HashMap<>();
        PollCursor next = cursor;
        int files = 0;
        for (final JsonNode file : answer.path("records")) {
            final String id = file.path("Id").asText();
            final Instant created = SalesforceTimes.parse(file.path("CreatedDate").asText());
            if (next.seen(created, id)) {
                continue;
            }
            if (files++ == maxFiles) {
                break; // the rest next time: bounded API use per poll
            }
            final PollCursor before = next;
            next = next.advance(created, id);
            final int skipUpTo = resume != null && resume.fileId().equals(id) ? resume.row() : -1;
            rows.addAll(rowsOf(file, id, before, next, skipUpTo));
            final String logDate = file.path("LogDate").asText("");
            if (!logDate.isEmpty() && !logDate.equals("null")) {
                final Instant end =
                        SalesforceTimes.parse(logDate)
                                .plus(
                                        "Daily".equals(interval)
                                                ? java.time.Duration.ofDays(1)
                                                : java.time.Duration.ofHours(1));
                covered.merge(file.path("EventType").asText(), end, (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        return new Result(rows, next, false, covered);
    }

    private List<Row> rowsOf(
            final JsonNode file,
            final String fileId,
            final PollCursor before,
            final PollCursor after,
            final int skipUpTo)
            throws IOException {
        final String eventType = file.path("EventType").asText();
        final List<List<String>> csv =
                CsvParser.parse(rest.getText("/sobjects/EventLogFile/" + fileId + "/LogFile"));
        if (csv.isEmpty()) {
            return List.of();
        }
        final List<String> header = csv.get(0);
        final List<Row> rows = new ArrayList<>();
        final int last = csv.size() - 2;
        for (int i = 0; i <= last; i++) {
            if (i <= skipUpTo) {
                continue;
            }
            final List<String> values = csv.get(i + 1);
            final Map<String, Object> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                final String v = c < values.size() ? values.get(c) : "";
                row.put(header.get(c), v.isEmpty() ? null : v);
            }
            final Map<String, Object> offset;
            if (i == last) {
                offset = new HashMap<>(after.toOffset());
                offset.put(FILE_KEY, "");
                offset.put(ROW_KEY, -1);
            } else {
                offset = new HashMap<>(before.toOffset());
                offset.put(FILE_KEY, fileId);
                offset.put(ROW_KEY, i);
            }
            rows.add(new Row(event(eventType, fileId, i, row), offset));
        }
        LOG.atInfo()
                .addKeyValue("org", orgId)
                .log("EventLogFile '{}' ({}): {} rows", fileId, eventType, rows.size());
        return rows;
    }

    private SalesforceEvent event(
            final String eventType,
            final String fileId,
            final int index,
            final Map<String, Object> row)
            throws IOException {
        final Object derived = row.get("TIMESTAMP_DERIVED");
        final Object compact = row.get("TIMESTAMP");
        final Instant time =
                derived != null
                        ? SalesforceTimes.parse(derived.toString())
                        : compact != null
                                ? SalesforceTimes.parse(compact.toString())
                                : Instant.now();
        try {
            return SalesforceEvent.newBuilder()
                    .setOrgId(orgId)
                    .setChannel("elf/" + eventType)
                    .setSource(EventSource.EVENT_LOG_FILE)
                    .setReplayId(null)
                    .setEventUuid("elf:" + fileId + ":" + index)
                    .setSchemaId(null)
                    .setEventTime(time)
                    .setReceivedTime(Instant.now())
                    .setPayload(JSON.writeValueAsString(row))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IOException("Cannot encode row " + index + " of EventLogFile " + fileId, e);
        }
    }
}
