package io.sfpulse.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.app.backtest.KafkaHistory;
import io.sfpulse.app.backtest.TopologyReplay;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.sink.channel.AlertJson;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code sfpulse backtest}: replays history from CSV files through the same detection topology the
 * service runs (Kafka Streams' TopologyTestDriver, in-process, event time from the files) and
 * writes every alert state it would have raised, so detector changes can be judged on the past.
 * Signals: {@code timestamp,value[,org]} rows (ISO-8601 or epoch ms), as latencies (ms) of one
 * operation or as failure counts. Markers: {@code timestamp,deployId[,components;...][,org]}.
 */
final class BacktestCommand {

    /** What a refusal the options allow but the command does not (a bad org id, two releases named) points to. */
    static final String USAGE =
            "Usage: ./sfpulse backtest --help shows its options and exit codes.";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFAULT_ORG = "00D000000000000BKT";

    private final PrintStream out;

    BacktestCommand(final PrintStream out) {
        this.out = out;
    }

    private record Row(Instant time, double value, String org) {}

    int run(final CommandOptions options) throws Exception {
        final Map<String, String> o = options.values();
        if (o.containsKey("from-kafka") && o.containsKey("out")) {
            return fromKafka(o);
        }
        if (!o.containsKey("signals") || !o.containsKey("markers") || !o.containsKey("out")) {
            out.println(USAGE);
            return 2;
        }
        final String kind = o.getOrDefault("kind", "latency");
        final String org = o.getOrDefault("org", DEFAULT_ORG);
        final List<Row> signals = read(Path.of(o.get("signals")), org);
        final List<String[]> markers =
                Files.readAllLines(Path.of(o.get("markers"))).stream()
                        .map(String::trim)
                        .filter(
                                l ->
                                        !l.isEmpty()
                                                && !l.startsWith("#")
                                                && !l.toLowerCase(Locale.ROOT)
                                                        .startsWith("timestamp"))
                        .map(l -> l.split(",", -1))
                        .toList();
        final List<Alert> alerts =
                replay(
                        signals,
                        markers,
                        kind,
                        o.getOrDefault("operation", "backtest"),
                        org,
                        AppConfig.load(
                                        o.containsKey("config") ? Path.of(o.get("config")) : null,
                                        Map.of())
                                .all());
        write(Path.of(o.get("out")), alerts);
        out.printf(
                "[backtest] %d signals, %d markers -> %d alert states (%d triggered) written to %s%n",
                signals.size(),
                markers.size(),
                alerts.size(),
                alerts.stream().filter(a -> a.getStatus().name().equals("TRIGGERED")).count(),
                o.get("out"));
        return 0;
    }

    /** Replays what the ingest recorded in Kafka (events and markers in a time range) through the topology. */
    private int fromKafka(final Map<String, String> o) throws Exception {
        final Map<String, String> settings =
                AppConfig.load(o.containsKey("config") ? Path.of(o.get("config")) : null, Map.of())
                        .all();
        final Map<String, Object> props = new HashMap<>(settings);
        props.put(io.sfpulse.streams.DetectionConfig.BOOTSTRAP_SERVERS_CONFIG, o.get("from-kafka"));
        final io.sfpulse.streams.DetectionConfig config =
                new io.sfpulse.streams.DetectionConfig(props);
        final KafkaHistory.Snapshot history =
                KafkaHistory.read(
                        o.get("from-kafka"),
                        config.serdeConfig(),
                        io.sfpulse.streams.DetectionTopology.eventTopics(config),
                        o.containsKey("from") ? time(o.get("from")) : Instant.EPOCH,
                        o.containsKey("to")
                                ? time(o.get("to"))
                                : Instant.parse("9999-12-31T00:00:00Z"));
        final List<Alert> alerts;
        try (TopologyReplay replay = new TopologyReplay(settings)) {
            for (final Object r : history.records()) {
                if (r instanceof DeploymentMarker m) {
                    replay.marker(m);
                } else {
                    replay.event((SalesforceEvent) r);
                }
            }
            if (replay.events() > 0) {
                flush(replay, DEFAULT_ORG, "/event/LogEntryEvent__e");
            }
            alerts = replay.alerts();
        }
        write(Path.of(o.get("out")), alerts);
        out.printf(
                "[backtest] %d records from %s (%d undecodable, skipped) -> %d alert states (%d triggered) written to %s%n",
                history.records().size(),
                o.get("from-kafka"),
                history.undecodable(),
                alerts.size(),
                alerts.stream().filter(a -> a.getStatus().name().equals("TRIGGERED")).count(),
                o.get("out"));
        return 0;
    }

    private static List<Row> read(final Path file, final String org) throws Exception {
        final List<Row> rows = new ArrayList<>();
        for (final String line : Files.readAllLines(file)) {
            final String l = line.trim();
            if (l.isEmpty()
                    || l.startsWith("#")
                    || l.toLowerCase(Locale.ROOT).startsWith("timestamp")) {
                continue;
            }
            final String[] f = l.split(",", -1);
            rows.add(
                    new Row(
                            time(f[0]),
                            Double.parseDouble(f[1].trim()),
                            f.length > 2 && !f[2].isBlank() ? f[2].trim() : org));
        }
        rows.sort(Comparator.comparing(Row::time));
        return rows;
    }

    private static Instant time(final String s) {
        final String t = s.trim();
        return t.matches("\\d+") ? Instant.ofEpochMilli(Long.parseLong(t)) : Instant.parse(t);
    }

    List<Alert> replay(
            final List<Row> signals,
            final List<String[]> markers,
            final String kind,
            final String operation,
            final String org,
            final Map<String, String> settings) {
        final String channel =
                kind.equals("failures") ? "/event/LogEntryEvent__e" : "/event/ApiEventStream";
        try (TopologyReplay replay = new TopologyReplay(settings)) {
            final List<Object[]> timeline = new ArrayList<>();
            markers.forEach(m -> timeline.add(new Object[] {time(m[0]), m}));
            signals.forEach(s -> timeline.add(new Object[] {s.time(), s}));
            timeline.sort(Comparator.comparing(t -> (Instant) t[0]));
            for (final Object[] item : timeline) {
                final Instant at = (Instant) item[0];
                if (item[1] instanceof String[] m) {
                    final String markerOrg = m.length > 3 && !m[3].isBlank() ? m[3].trim() : org;
                    final List<String> components =
                            m.length > 2 && !m[2].isBlank()
                                    ? Arrays.asList(m[2].trim().split(";"))
                                    : List.of();
                    replay.marker(
                            DeploymentMarker.newBuilder()
                                    .setOrgId(markerOrg)
                                    .setDeployId(m[1].trim())
                                    .setSource(MarkerSource.MARKER_API)
                                    .setStatus("Succeeded")
                                    .setCompletedTime(at)
                                    .setComponents(components)
                                    .setComponentCount(components.size())
                                    .build());
                } else {
                    final Row r = (Row) item[1];
                    final int copies = kind.equals("failures") ? (int) Math.round(r.value()) : 1;
                    if (copies == 0) {
                        // "0 failures at t": the org was observed then - part of the baseline's
                        // exposure.
                        replay.event(event(r, "observe", operation, channel));
                    }
                    for (int i = 0; i < copies; i++) {
                        replay.event(event(r, kind, operation, channel));
                    }
                }
            }
            flush(replay, org, channel);
            return replay.alerts();
        }
    }

    /** A last observation a day later lets join grace and stream-time resolutions run to the end of the history. */
    static void flush(final TopologyReplay replay, final String org, final String channel) {
        final Instant end = replay.streamTime().plusSeconds(86_400);
        replay.event(event(new Row(end, Double.NaN, org), "observe", "flush", channel));
    }

    private static SalesforceEvent event(
            final Row r, final String kind, final String operation, final String channel) {
        final Map<String, Object> payload = new LinkedHashMap<>();
        switch (kind) {
            case "failures" -> {
                payload.put("LoggingLevel__c", "ERROR");
                payload.put("ExceptionType__c", "Backtest");
                payload.put("ExceptionMessage__c", operation);
            }
            case "latency" -> {
                payload.put("Operation", "Query");
                payload.put("QueriedEntities", operation);
                payload.put("ElapsedTime", r.value());
            }
            default -> payload.put("LoggingLevel__c", "INFO");
        }
        payload.put(
                channel.endsWith("ApiEventStream") ? "EventDate" : "CreatedDate",
                r.time().toString());
        return SalesforceEvent.newBuilder()
                .setOrgId(r.org())
                .setChannel(channel)
                .setSource(EventSource.UNKNOWN)
                .setReplayId(null)
                .setEventUuid(UUID.randomUUID().toString())
                .setEventTime(r.time())
                .setReceivedTime(r.time())
                .setPayload(json(payload))
                .build();
    }

    private static String json(final Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(final Path file, final List<Alert> alerts) throws Exception {
        final List<String> lines = new ArrayList<>();
        if (file.toString().endsWith(".csv")) {
            lines.add("eventTime,status,severity,detector,org,release,subject,dedupKey,summary");
            alerts.forEach(
                    a ->
                            lines.add(
                                    String.join(
                                            ",",
                                            a.getEventTime().toString(),
                                            a.getStatus().name(),
                                            a.getSeverity().name(),
                                            a.getDetector(),
                                            a.getOrgId(),
                                            String.valueOf(a.getReleaseId()),
                                            csv(a.getSubject()),
                                            csv(a.getDedupKey()),
                                            csv(a.getSummary()))));
        } else {
            alerts.forEach(a -> lines.add(AlertJson.toJson(a)));
        }
        Files.write(file, lines);
    }

    private static String csv(final String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
