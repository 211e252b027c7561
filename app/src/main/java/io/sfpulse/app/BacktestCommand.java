package io.sfpulse.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.registry.MockSchemaRegistryClient;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.sink.channel.AlertJson;
import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.DetectionTopology;
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
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * {@code sfpulse backtest}: replays history from CSV files through the same detection topology the
 * service runs (Kafka Streams' TopologyTestDriver, in-process, event time from the files) and
 * writes every alert state it would have raised, so detector changes can be judged on the past.
 * Signals: {@code timestamp,value[,org]} rows (ISO-8601 or epoch ms), as latencies (ms) of one
 * operation or as failure counts. Markers: {@code timestamp,deployId[,components;...][,org]}.
 */
final class BacktestCommand {

    static final String USAGE = """
        Usage: ./sfpulse backtest --signals FILE.csv --markers FILE.csv --out FILE.(json|csv)
                                  [--kind latency|failures] [--operation NAME] [--org ORG_ID] [--config FILE]""";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFAULT_ORG = "00D000000000000BKT";

    private final PrintStream out;

    BacktestCommand(final PrintStream out) {
        this.out = out;
    }

    private record Row(Instant time, double value, String org) {
    }

    int run(final List<String> args) throws Exception {
        final Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).startsWith("--")) {
                o.put(args.get(i).substring(2), args.get(++i));
            }
        }
        if (!o.containsKey("signals") || !o.containsKey("markers") || !o.containsKey("out")) {
            out.println(USAGE);
            return 2;
        }
        final String kind = o.getOrDefault("kind", "latency");
        final String org = o.getOrDefault("org", DEFAULT_ORG);
        final List<Row> signals = read(Path.of(o.get("signals")), org);
        final List<String[]> markers = Files.readAllLines(Path.of(o.get("markers"))).stream().map(String::trim)
            .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.toLowerCase(Locale.ROOT).startsWith("timestamp")).map(l -> l.split(",", -1)).toList();
        final List<Alert> alerts = replay(signals, markers, kind, o.getOrDefault("operation", "backtest"), org,
            AppConfig.load(o.containsKey("config") ? Path.of(o.get("config")) : null, Map.of()).all());
        write(Path.of(o.get("out")), alerts);
        out.printf("[backtest] %d signals, %d markers -> %d alert states (%d triggered) written to %s%n", signals.size(), markers.size(),
            alerts.size(), alerts.stream().filter(a -> a.getStatus().name().equals("TRIGGERED")).count(), o.get("out"));
        return 0;
    }

    private static List<Row> read(final Path file, final String org) throws Exception {
        final List<Row> rows = new ArrayList<>();
        for (final String line : Files.readAllLines(file)) {
            final String l = line.trim();
            if (l.isEmpty() || l.startsWith("#") || l.toLowerCase(Locale.ROOT).startsWith("timestamp")) {
                continue;
            }
            final String[] f = l.split(",", -1);
            rows.add(new Row(time(f[0]), Double.parseDouble(f[1].trim()), f.length > 2 && !f[2].isBlank() ? f[2].trim() : org));
        }
        rows.sort(Comparator.comparing(Row::time));
        return rows;
    }

    private static Instant time(final String s) {
        final String t = s.trim();
        return t.matches("\\d+") ? Instant.ofEpochMilli(Long.parseLong(t)) : Instant.parse(t);
    }

    List<Alert> replay(final List<Row> signals, final List<String[]> markers, final String kind, final String operation, final String org,
                       final Map<String, String> settings) throws Exception {
        final String scope = "backtest-" + UUID.randomUUID();
        final Map<String, Object> props = new HashMap<>(settings);
        props.put(DetectionConfig.BOOTSTRAP_SERVERS_CONFIG, "backtest:9092");
        props.put("schema.registry.url", "mock://" + scope);
        final DetectionConfig config = new DetectionConfig(props);
        final Topics topics = Topics.create(new SfpulseSerdes(config.serdeConfig()));
        final Properties streams = config.streamsProperties();
        streams.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        streams.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("sfpulse-backtest").toString());
        final String channel = kind.equals("failures") ? "/event/LogEntryEvent__e" : "/event/ApiEventStream";
        try (TopologyTestDriver driver = new TopologyTestDriver(DetectionTopology.build(config, topics), streams)) {
            final TestInputTopic<String, SalesforceEvent> events = driver.createInputTopic(TopicNames.forChannel(channel), new StringSerializer(),
                topics.channel(channel).valueSerde().serializer());
            final TestInputTopic<String, DeploymentMarker> markerTopic = driver.createInputTopic(TopicNames.DEPLOYMENT_MARKERS,
                new StringSerializer(), topics.deploymentMarkers().valueSerde().serializer());
            final TestOutputTopic<String, Alert> alerts = driver.createOutputTopic(TopicNames.ALERTS, new StringDeserializer(),
                topics.alerts().valueSerde().deserializer());
            final List<Object[]> timeline = new ArrayList<>();
            markers.forEach(m -> timeline.add(new Object[] {time(m[0]), m}));
            signals.forEach(s -> timeline.add(new Object[] {s.time(), s}));
            timeline.sort(Comparator.comparing(t -> (Instant) t[0]));
            Instant last = Instant.EPOCH;
            for (final Object[] item : timeline) {
                final Instant at = (Instant) item[0];
                last = at;
                if (item[1] instanceof String[] m) {
                    final String markerOrg = m.length > 3 && !m[3].isBlank() ? m[3].trim() : org;
                    final List<String> components = m.length > 2 && !m[2].isBlank() ? Arrays.asList(m[2].trim().split(";")) : List.of();
                    markerTopic.pipeInput(markerOrg, DeploymentMarker.newBuilder().setOrgId(markerOrg).setDeployId(m[1].trim())
                        .setSource(MarkerSource.MARKER_API).setStatus("Succeeded").setCompletedTime(at).setComponents(components)
                        .setComponentCount(components.size()).build(), at);
                } else {
                    final Row r = (Row) item[1];
                    final int copies = kind.equals("failures") ? (int) Math.round(r.value()) : 1;
                    if (copies == 0) {
                        // "0 failures at t": the org was observed then - part of the baseline's exposure.
                        events.pipeInput(r.org(), event(r, "observe", operation, channel), at);
                    }
                    for (int i = 0; i < copies; i++) {
                        events.pipeInput(r.org(), event(r, kind, operation, channel), at);
                    }
                }
            }
            // A last observation a day later lets join grace and stream-time resolutions run to the end of the history.
            final Instant end = last.plusSeconds(86_400);
            events.pipeInput(org, event(new Row(end, Double.NaN, org), "observe", operation, channel), end);
            return alerts.readValuesToList();
        } finally {
            MockSchemaRegistryClient.dropScope(scope);
        }
    }

    private static SalesforceEvent event(final Row r, final String kind, final String operation, final String channel) throws Exception {
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
        payload.put(channel.endsWith("ApiEventStream") ? "EventDate" : "CreatedDate", r.time().toString());
        return SalesforceEvent.newBuilder().setOrgId(r.org()).setChannel(channel).setSource(EventSource.UNKNOWN).setReplayId(null)
            .setEventUuid(UUID.randomUUID().toString()).setEventTime(r.time()).setReceivedTime(r.time())
            .setPayload(JSON.writeValueAsString(payload)).build();
    }

    private static void write(final Path file, final List<Alert> alerts) throws Exception {
        final List<String> lines = new ArrayList<>();
        if (file.toString().endsWith(".csv")) {
            lines.add("eventTime,status,severity,detector,org,release,subject,dedupKey,summary");
            alerts.forEach(a -> lines.add(String.join(",", a.getEventTime().toString(), a.getStatus().name(), a.getSeverity().name(),
                a.getDetector(), a.getOrgId(), String.valueOf(a.getReleaseId()), csv(a.getSubject()), csv(a.getDedupKey()), csv(a.getSummary()))));
        } else {
            alerts.forEach(a -> lines.add(AlertJson.toJson(a)));
        }
        Files.write(file, lines);
    }

    private static String csv(final String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
