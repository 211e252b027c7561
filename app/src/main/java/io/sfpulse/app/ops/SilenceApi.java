package io.sfpulse.app.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.http.RouteRequest;
import io.sfpulse.http.RouteResponse;
import io.sfpulse.schemas.id.SalesforceIds;
import io.sfpulse.schemas.silence.Silence;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.sink.silence.SilenceBook;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The silence API of the operations endpoint (token-protected): {@code POST /v1/silences} with
 * {@code {"orgId", "detector"?, "subject"?, "duration": "2h" | "endsAt": ISO, "reason", "createdBy"}}
 * (201 with the silence), {@code GET /v1/silences[?org=ID]} (every silence, newest first, with
 * whether it is active), {@code DELETE /v1/silences/{id}?by=NAME} (ends it now). Silences are records
 * on the compacted {@code sfpulse.sink.silences.v1}, the audit trail: who, why, until when, who
 * ended it. At most 30 days; a reason and a name are required.
 */
public final class SilenceApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SilenceApi.class);
    static final String PATH = "/v1/silences";
    private static final Duration LONGEST = Duration.ofDays(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaProducer<String, Silence> producer;
    private final SilenceBook book;
    private final Clock clock;

    public SilenceApi(
            final String bootstrap,
            final Topics topics,
            final SilenceBook book,
            final Clock clock) {
        this.producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        topics.silences().valueSerde().serializer());
        this.book = book;
        this.clock = clock;
    }

    public void register(final OpsServer server) {
        server.route(PATH, false, Set.of("GET", "POST", "DELETE"), this::handle);
    }

    private RouteResponse handle(final RouteRequest exchange) throws IOException {
        final String path = exchange.path();
        final Map<String, String> query = VerdictApi.query(exchange.rawQuery());
        return switch (exchange.method()) {
            case "POST" -> path.equals(PATH) ? create(exchange.body()) : notFound();
            case "DELETE" ->
                    path.startsWith(PATH + "/")
                            ? end(path.substring(PATH.length() + 1), query.get("by"))
                            : notFound();
            default -> list(query.get("org"));
        };
    }

    RouteResponse create(final byte[] body) throws IOException {
        final JsonNode in;
        try {
            in = JSON.readTree(body);
        } catch (IOException e) {
            return RouteResponse.error(400, "body is not JSON");
        }
        final String org = in.path("orgId").asText("");
        if (!SalesforceIds.isId(org)) {
            return RouteResponse.error(
                    400, "orgId must be a 15- or 18-character Salesforce org id");
        }
        final String reason = in.path("reason").asText("").trim();
        final String by = in.path("createdBy").asText("").trim();
        if (reason.isEmpty() || by.isEmpty()) {
            return RouteResponse.error(
                    400, "reason and createdBy are required: a silence says why and who");
        }
        final Instant now = clock.instant();
        final Instant ends;
        try {
            ends =
                    in.hasNonNull("endsAt")
                            ? Instant.parse(in.get("endsAt").asText())
                            : now.plus(
                                    io.sfpulse.app.Durations.parse(in.path("duration").asText("")));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return RouteResponse.error(
                    400, "give duration (e.g. 2h, 30m) or endsAt (ISO-8601): " + e.getMessage());
        }
        if (!ends.isAfter(now) || ends.isAfter(now.plus(LONGEST))) {
            return RouteResponse.error(400, "a silence ends in the future and within 30 days");
        }
        final Silence s =
                Silence.newBuilder()
                        .setId("sil-" + UUID.randomUUID().toString().substring(0, 13))
                        .setOrgId(SalesforceIds.to18(org))
                        .setDetector(text(in, "detector"))
                        .setSubject(text(in, "subject"))
                        .setStartsAt(now)
                        .setEndsAt(ends)
                        .setReason(reason)
                        .setCreatedBy(by)
                        .build();
        write(s);
        LOG.atInfo()
                .addKeyValue("org", s.getOrgId())
                .log(
                        "Silence {} by {} until {} for detector {} subject {}: {}",
                        s.getId(),
                        by,
                        ends,
                        s.getDetector() == null ? "(all)" : s.getDetector(),
                        s.getSubject() == null ? "(all)" : s.getSubject(),
                        reason);
        return RouteResponse.json(201, JSON.writeValueAsString(json(s, now)));
    }

    private RouteResponse end(final String id, final String by) throws IOException {
        final Optional<Silence> known =
                book.all().stream().filter(s -> s.getId().equals(id)).findFirst();
        if (known.isEmpty()) {
            return RouteResponse.error(404, "no silence " + id.replaceAll("[^A-Za-z0-9-]", "?"));
        }
        if (by == null || by.isBlank()) {
            return RouteResponse.error(400, "say who ends it: ?by=NAME");
        }
        final Instant now = clock.instant();
        final Silence ended =
                Silence.newBuilder(known.get()).setCancelledAt(now).setCancelledBy(by).build();
        write(ended);
        LOG.atInfo()
                .addKeyValue("org", ended.getOrgId())
                .log("Silence {} ended early by {}", id, by);
        return RouteResponse.json(200, JSON.writeValueAsString(json(ended, now)));
    }

    private RouteResponse list(final String org) throws IOException {
        final Instant now = clock.instant();
        final List<Map<String, Object>> out =
                book.all().stream()
                        .filter(
                                s ->
                                        org == null
                                                || s.getOrgId()
                                                        .equals(SalesforceIds.normalizeIfId(org)))
                        .map(s -> json(s, now))
                        .toList();
        return RouteResponse.json(200, JSON.writeValueAsString(Map.of("silences", out)));
    }

    private void write(final Silence s) {
        try {
            producer.send(new ProducerRecord<>(TopicNames.SILENCES, s.getId(), s))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write silence " + s.getId(), e);
        }
    }

    static Map<String, Object> json(final Silence s, final Instant now) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.getId());
        m.put("orgId", s.getOrgId());
        m.put("detector", s.getDetector());
        m.put("subject", s.getSubject());
        m.put("startsAt", s.getStartsAt().toString());
        m.put("endsAt", s.getEndsAt().toString());
        m.put("reason", s.getReason());
        m.put("createdBy", s.getCreatedBy());
        m.put("cancelledAt", s.getCancelledAt() == null ? null : s.getCancelledAt().toString());
        m.put("cancelledBy", s.getCancelledBy());
        m.put(
                "active",
                s.getCancelledAt() == null
                        && !now.isBefore(s.getStartsAt())
                        && now.isBefore(s.getEndsAt()));
        return m;
    }

    private static String text(final JsonNode in, final String field) {
        final String v = in.path(field).asText("").trim();
        return v.isEmpty() ? null : v;
    }

    private static RouteResponse notFound() throws IOException {
        return RouteResponse.error(
                404, "not found: POST or GET " + PATH + ", DELETE " + PATH + "/{id}?by=NAME");
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
