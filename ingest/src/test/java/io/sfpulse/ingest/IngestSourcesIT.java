package io.sfpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfpulse.emulator.org.EventLogFileRecord;
import io.sfpulse.emulator.org.SetupAuditRecord;
import io.sfpulse.ingest.SalesforceSourceConfig.Transport;
import io.sfpulse.ingest.auth.OAuthClient;
import io.sfpulse.ingest.elf.EventLogFilePoller;
import io.sfpulse.ingest.marker.MarkerApiServer;
import io.sfpulse.ingest.poll.PollCursor;
import io.sfpulse.ingest.rest.SalesforceRestClient;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every Salesforce source the connector reads, against the emulator, on a real Connect worker and broker. */
class IngestSourcesIT extends IngestITBase {
    @TempDir Path dir;

    private static void run(final String name, final Map<String, String> config) {
        if (h.connect == null) {
            h.startConnect();
        }
        h.connect.putConnector(name, config);
        await().atMost(Duration.ofSeconds(60)).until(() -> h.connect.isRunning(name));
    }

    private static <T> List<T> collect(final KafkaConsumer<String, T> consumer, final int atLeast) {
        final List<T> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            out.addAll(IngestHarness.drain(consumer));
                            return out.size() >= atLeast;
                        });
        return out;
    }

    /** Over Pub/Sub the body carries every field and the header bitmaps; what reaches Kafka is the same as over CometD. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void changeDataCaptureIsTypedAndGapEventsAreKept(final Transport transport) {
        // One entity per transport: each run reads its own entity channel from the start.
        final String entity = transport == Transport.PUBSUB ? "Account" : "Contact";
        final String channel = "/data/" + entity + "ChangeEvent";
        h.emulator.org().defineChannel(channel);
        run("cdc-" + transport, h.connectorConfig(transport, channel, "/data/ChangeEvents"));
        final Map<String, Object> update = new HashMap<>();
        update.put("Industry", "Biotechnology");
        update.put("Fax", null);
        h.emulator
                .org()
                .publishChange(
                        entity,
                        "CREATE",
                        List.of("001000000000001AAA"),
                        Map.of("Name", "Acme"),
                        "005000000000001AAA");
        h.emulator
                .org()
                .publishChange(
                        entity,
                        "UPDATE",
                        List.of("001000000000001AAA"),
                        update,
                        "005000000000002AAA");
        h.emulator
                .org()
                .publishChange(
                        entity,
                        "DELETE",
                        List.of("001000000000001AAA"),
                        Map.of(),
                        "005000000000001AAA");
        h.emulator
                .org()
                .publishChange(
                        entity,
                        "GAP_UPDATE",
                        List.of("001000000000002AAA"),
                        Map.of(),
                        "005000000000001AAA");
        h.emulator
                .org()
                .publishChange(
                        entity,
                        "GAP_OVERFLOW",
                        List.of("000000000000000AAA"),
                        Map.of(),
                        "005000000000001AAA");
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                        h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel));
                KafkaConsumer<String, SalesforceEvent> all =
                        h.consumer(
                                SalesforceEvent.class,
                                TopicNames.forChannel("/data/ChangeEvents"))) {
            final List<SalesforceEvent> events = collect(consumer, 5);
            assertThat(events)
                    .extracting(e -> e.getChange().getChangeType())
                    .containsExactly("CREATE", "UPDATE", "DELETE", "GAP_UPDATE", "GAP_OVERFLOW");
            assertThat(events)
                    .allSatisfy(e -> assertThat(e.getSource().name()).isEqualTo(transport.name()));
            final SalesforceEvent created = events.get(0);
            assertThat(created.getPayload())
                    .contains(
                            "\"CreatedById\":\"005000000000001AAA\"",
                            "\"LastModifiedById\":\"005000000000001AAA\"",
                            "\"CreatedDate\":\"",
                            "\"LastModifiedDate\":\"");
            assertThat(created.getChange().getCommitNumber()).isPositive();
            // CometD's header says where the transaction ends; Pub/Sub's header has no such field.
            assertThat(created.getChange().getIsTransactionEnd())
                    .isEqualTo(transport == Transport.COMETD ? Boolean.TRUE : null);
            final SalesforceEvent upd = events.get(1);
            assertThat(upd.getChange().getCommitNumber())
                    .isGreaterThan(created.getChange().getCommitNumber());
            assertThat(upd.getChange().getEntityName()).isEqualTo(entity);
            assertThat(upd.getChange().getCommitUser()).isEqualTo("005000000000002AAA");
            assertThat(upd.getChange().getChangedFields())
                    .containsExactlyInAnyOrder("Industry", "Fax", "LastModifiedDate");
            assertThat(upd.getChange().getNulledFields()).containsExactly("Fax");
            assertThat(upd.getPayload())
                    .contains("\"Industry\":\"Biotechnology\"")
                    .doesNotContain("\"Name\":null");
            assertThat(upd.getEventTime()).isEqualTo(upd.getChange().getCommitTimestamp());
            assertThat(events.get(4).getChange().getRecordIds())
                    .containsExactly("000000000000000AAA");
            assertThat(events).extracting(SalesforceEvent::getEventUuid).doesNotHaveDuplicates();
            assertThat(collect(all, 5)).hasSizeGreaterThanOrEqualTo(5);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void realTimeEventMonitoringEventsUseEventDate(final Transport transport) {
        h.emulator.org().defineChannel("/event/ApiEventStream");
        run("rtem-" + transport, h.connectorConfig(transport, "/event/ApiEventStream"));
        final Instant at = Instant.parse("2026-11-20T10:15:30.123Z");
        h.emulator
                .org()
                .publishMonitoringEvent(
                        "ApiEventStream",
                        Map.of(
                                "EventDate",
                                at.toString(),
                                "ElapsedTime",
                                850,
                                "Operation",
                                "Query",
                                "QueriedEntities",
                                "Account",
                                "RowsReturned",
                                200));
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel("/event/ApiEventStream"))) {
            final List<SalesforceEvent> mine = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                IngestHarness.drain(consumer).stream()
                                        .filter(e -> e.getSource().name().equals(transport.name()))
                                        .forEach(mine::add);
                                return !mine.isEmpty();
                            });
            final SalesforceEvent e = mine.get(0);
            assertThat(e.getEventTime()).isEqualTo(at);
            assertThat(e.getPayload()).contains("\"ElapsedTime\":850");
            assertThat(e.getEventUuid()).isNotBlank();
        }
    }

    private static String elfCsv(final String fileTag, final int rows) {
        final StringBuilder csv =
                new StringBuilder(
                        "\"EVENT_TYPE\",\"TIMESTAMP\",\"REQUEST_ID\",\"EXCEPTION_TYPE\",\"EXCEPTION_MESSAGE\","
                                + "\"STACK_TRACE\",\"TIMESTAMP_DERIVED\"\r\n");
        for (int i = 0; i < rows; i++) {
            csv.append(
                    String.format(
                            "\"ApexUnexpectedException\",\"20261120100%d00.000\",\"%s-%d\",\"System.NullPointerException\","
                                    + "\"Attempt to de-reference a null object, row %d\",\"Class.InvoiceService.calculate: line 42\",\"2026-11-20T10:0%d:00.000Z\"\r\n",
                            i, fileTag, i, i, i));
        }
        return csv.toString();
    }

    private static EventLogFileRecord elf(
            final String id, final Instant created, final String csv) {
        return new EventLogFileRecord(
                id,
                "ApexUnexpectedException",
                "Hourly",
                Instant.parse("2026-11-20T10:00:00Z"),
                1,
                created,
                csv);
    }

    @Test
    void orgLimitsAreSnapshotsOfTheDocumentedShapeTimedByTheOrgsClock() throws Exception {
        // An integration drawing 1,200 requests an hour for the last two hours: 2,400 of the day
        // used besides
        // sfpulse's own calls.
        h.emulator
                .org()
                .setIntegrationApiRate(
                        h.emulator.org().clock().instant().minus(Duration.ofHours(2)), 1200);
        try {
            final Map<String, String> config = h.connectorConfig();
            config.put(SalesforceSourceConfig.LIMITS_POLL_INTERVAL_MS_CONFIG, "300");
            run("limits", config);
            try (KafkaConsumer<String, SalesforceEvent> consumer =
                    h.consumer(SalesforceEvent.class, TopicNames.forChannel("rest/limits"))) {
                final List<SalesforceEvent> snapshots = collect(consumer, 2);
                final SalesforceEvent first = snapshots.get(0);
                assertThat(first.getSource()).isEqualTo(EventSource.REST_POLL);
                assertThat(first.getChannel()).isEqualTo("rest/limits");
                assertThat(first.getOrgId()).isEqualTo(h.emulator.org().orgId());
                assertThat(first.getEventTime())
                        .as("the answer's Date header: the org's clock, to the second")
                        .isCloseTo(
                                h.emulator.org().clock().instant(),
                                org.assertj.core.api.Assertions.within(
                                        1, java.time.temporal.ChronoUnit.MINUTES));
                final com.fasterxml.jackson.databind.JsonNode limits =
                        new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(first.getPayload());
                final long max = limits.path("DailyApiRequests").path("Max").asLong();
                final long remaining = limits.path("DailyApiRequests").path("Remaining").asLong();
                assertThat(max).isEqualTo(h.emulator.org().dailyApiLimit());
                assertThat(max - remaining).isBetween(2_400L, 2_400L + h.emulator.org().apiCalls());
                assertThat(
                                limits.path("DailyApiRequests")
                                        .path("Salesforce CLI")
                                        .path("Max")
                                        .asInt())
                        .isZero();
                assertThat(limits.has("DailyAsyncApexExecutions")).isTrue();
                assertThat(snapshots)
                        .extracting(SalesforceEvent::getEventUuid)
                        .doesNotHaveDuplicates();
            }
        } finally {
            h.emulator.org().setIntegrationApiRate(h.emulator.org().clock().instant(), 0);
        }
    }

    @Test
    void eventLogFileRowsAreIngestedOnceAcrossRestarts() {
        final Instant created = Instant.now().minusSeconds(600);
        h.emulator.org().addEventLogFile(elf("0AT000000000001AAA", created, elfCsv("f1", 3)));
        h.emulator.org().addEventLogFile(elf("0AT000000000002AAA", created, elfCsv("f2", 3)));
        final Map<String, String> config = h.connectorConfig();
        config.put(SalesforceSourceConfig.ELF_POLL_INTERVAL_MS_CONFIG, "300");
        config.put(SalesforceSourceConfig.ELF_EVENT_TYPES_CONFIG, "ApexUnexpectedException");
        run("elf", config);
        final String topic = TopicNames.forChannel("elf/ApexUnexpectedException");
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, topic)) {
            final List<SalesforceEvent> first = collect(consumer, 6);
            assertThat(first)
                    .allSatisfy(
                            e -> assertThat(e.getSource()).isEqualTo(EventSource.EVENT_LOG_FILE));
            assertThat(first)
                    .extracting(SalesforceEvent::getEventTime)
                    .contains(Instant.parse("2026-11-20T10:02:00Z"));
            assertThat(first.get(0).getPayload())
                    .contains(
                            "\"EXCEPTION_MESSAGE\":\"Attempt to de-reference a null object, row 0\"");
            h.stopConnect();
            h.emulator
                    .org()
                    .addEventLogFile(
                            elf(
                                    "0AT000000000003AAA",
                                    Instant.now().minusSeconds(60),
                                    elfCsv("f3", 3)));
            run("elf", config);
            final List<SalesforceEvent> all = new ArrayList<>(first);
            all.addAll(collect(consumer, 3));
            // Settle: nothing more arrives, and nothing twice.
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(10))
                    .until(
                            () -> {
                                all.addAll(IngestHarness.drain(consumer));
                                return true;
                            });
            assertThat(all)
                    .hasSize(9)
                    .extracting(SalesforceEvent::getEventUuid)
                    .doesNotHaveDuplicates();
        }
    }

    @Test
    void eventLogFileResumesMidFileAndRespectsTheApiReserve() throws Exception {
        final Instant created = Instant.parse("2026-11-19T08:00:00Z");
        h.emulator
                .org()
                .addEventLogFile(
                        new EventLogFileRecord(
                                "0AT000000000009AAA",
                                "RestApi",
                                "Daily",
                                created,
                                0,
                                created,
                                "EVENT_TYPE,TIMESTAMP_DERIVED,STATUS_CODE,RUN_TIME\nRestApi,2026-11-19T01:00:00Z,200,15\nRestApi,2026-11-19T02:00:00Z,500,900\n"
                                        + "RestApi,2026-11-19T03:00:00Z,200,20\n"));
        final Map<String, String> props = h.connectorConfig();
        final SalesforceSourceConfig config = new SalesforceSourceConfig(props);
        final EventLogFilePoller poller =
                new EventLogFilePoller(
                        new SalesforceRestClient(new OAuthClient(config), config.apiVersion()),
                        h.emulator.org().orgId(),
                        List.of("RestApi"),
                        "Daily",
                        10,
                        20);
        final EventLogFilePoller.Result all = poller.poll(PollCursor.START, null);
        assertThat(all.rows()).hasSize(3);
        // Rows 0 and 1 reached Kafka, then the task died: resume after row 1.
        final Map<String, Object> offset = all.rows().get(1).offset();
        final EventLogFilePoller.Result resumed =
                poller.poll(PollCursor.fromOffset(offset), EventLogFilePoller.Resume.from(offset));
        assertThat(resumed.rows())
                .extracting(r -> r.event().getEventUuid())
                .containsExactly(all.rows().get(2).event().getEventUuid());
        // The last row's offset completes the file.
        final Map<String, Object> done = all.rows().get(2).offset();
        assertThat(
                        poller.poll(
                                        PollCursor.fromOffset(done),
                                        EventLogFilePoller.Resume.from(done))
                                .rows())
                .isEmpty();
        // With less than 20% of the daily API requests left, the poller stays away.
        final long limit = h.emulator.org().dailyApiLimit();
        final long used = h.emulator.org().apiCalls();
        try {
            h.emulator.org().setDailyApiLimit(1_000);
            h.emulator.org().setApiCalls(900); // 10% left, below the 20% reserve
            final EventLogFilePoller.Result skipped = poller.poll(PollCursor.START, null);
            assertThat(skipped.skippedForBudget()).isTrue();
            assertThat(skipped.rows()).isEmpty();
        } finally {
            h.emulator.org().setDailyApiLimit(limit);
            h.emulator.org().setApiCalls(used);
        }
    }

    @Test
    void setupAuditTrailChangesMatchingActionsBecomeMarkers() {
        final Instant t = Instant.now().minusSeconds(120);
        h.emulator
                .org()
                .addSetupAudit(
                        new SetupAuditRecord(
                                "0Ym000000000001AAA",
                                "PermSetAssign",
                                "Manage Users",
                                "Assigned permission set Invoice_Admin to user ops@acme",
                                "Admin User",
                                t));
        h.emulator
                .org()
                .addSetupAudit(
                        new SetupAuditRecord(
                                "0Ym000000000002AAA",
                                "loginAsGranted",
                                "Manage Users",
                                "Granted login access",
                                "Admin User",
                                t.plusSeconds(1)));
        h.emulator
                .org()
                .addSetupAudit(
                        new SetupAuditRecord(
                                "0Ym000000000003AAA",
                                "changedApexClass",
                                "Apex Class",
                                "Changed class InvoiceService",
                                "Dev User",
                                t.plusSeconds(2)));
        final Map<String, String> config = h.connectorConfig();
        config.put(SalesforceSourceConfig.SETUP_AUDIT_POLL_INTERVAL_MS_CONFIG, "300");
        config.put(SalesforceSourceConfig.SETUP_AUDIT_ACTIONS_CONFIG, "PermSet.*|changedApex.*");
        run("setup-audit", config);
        try (KafkaConsumer<String, DeploymentMarker> consumer =
                h.consumer(DeploymentMarker.class, TopicNames.DEPLOYMENT_MARKERS)) {
            final List<DeploymentMarker> markers = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                markers.addAll(IngestHarness.drain(consumer));
                                assertThat(markers)
                                        .filteredOn(
                                                m ->
                                                        m.getSource()
                                                                == MarkerSource.SETUP_AUDIT_TRAIL)
                                        .extracting(DeploymentMarker::getDeployId)
                                        .containsExactly(
                                                "0Ym000000000001AAA", "0Ym000000000003AAA");
                            });
            final DeploymentMarker perm =
                    markers.stream()
                            .filter(m -> m.getDeployId().equals("0Ym000000000001AAA"))
                            .findFirst()
                            .orElseThrow();
            assertThat(perm.getStatus()).isEqualTo("PermSetAssign");
            assertThat(perm.getLabel()).contains("Invoice_Admin");
            assertThat(perm.getComponents()).containsExactly("Manage Users:PermSetAssign");
        }
    }

    @Test
    void jwtBearerLoginStreamsEvents() throws Exception {
        final KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        h.emulator.org().setJwtPublicKey(keys.getPublic());
        final Path pem = dir.resolve("connected-app.pem");
        Files.writeString(
                pem,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        final String channel = "/event/Jwt_Test__e";
        h.emulator.org().defineChannel(channel);
        final Map<String, String> config = h.connectorConfig(channel);
        config.put(SalesforceSourceConfig.GRANT_TYPE_CONFIG, "jwt_bearer");
        config.put(SalesforceSourceConfig.USERNAME_CONFIG, h.emulator.org().username());
        config.put(SalesforceSourceConfig.JWT_KEY_FILE_CONFIG, pem.toString());
        config.remove(SalesforceSourceConfig.CLIENT_SECRET_CONFIG);
        run("jwt", config);
        final String uuid = UUID.randomUUID().toString();
        h.emulator.org().publishPlatformEvent(channel, Map.of("Message__c", "via jwt"), uuid);
        try (KafkaConsumer<String, SalesforceEvent> consumer =
                h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
            assertThat(collect(consumer, 1))
                    .extracting(SalesforceEvent::getEventUuid)
                    .contains(uuid);
        }
    }

    @Test
    void droppedAndSlowConnectionsLoseNothing() {
        final String channel = "/event/Flaky__e";
        h.emulator.org().defineChannel(channel);
        run("flaky", h.connectorConfig(channel));
        final Set<String> expected = new HashSet<>();
        h.emulator.faults().dropConnectionAfterEvents(5).delayConnects(300);
        try {
            for (int i = 0; i < 30; i++) {
                final String id = UUID.randomUUID().toString();
                h.emulator.org().publishPlatformEvent(channel, Map.of("N__c", i), id);
                expected.add(id);
            }
            try (KafkaConsumer<String, SalesforceEvent> consumer =
                    h.consumer(SalesforceEvent.class, TopicNames.forChannel(channel))) {
                final Set<String> seen = new HashSet<>();
                await().atMost(Duration.ofSeconds(90))
                        .untilAsserted(
                                () -> {
                                    IngestHarness.drain(consumer)
                                            .forEach(e -> seen.add(e.getEventUuid()));
                                    assertThat(seen).containsAll(expected);
                                });
            }
        } finally {
            h.emulator.faults().delayConnects(0);
        }
    }

    @Test
    void passwordGrantLogsInAndTokensAreRenewedAheadOfTheirMaximumAge() {
        final Map<String, String> props = h.connectorConfig();
        props.put(SalesforceSourceConfig.GRANT_TYPE_CONFIG, "password");
        props.put(SalesforceSourceConfig.USERNAME_CONFIG, h.emulator.org().username());
        props.put(SalesforceSourceConfig.PASSWORD_CONFIG, h.emulator.org().password());
        props.put(SalesforceSourceConfig.TOKEN_MAX_AGE_MS_CONFIG, "1000");
        final OAuthClient oauth = new OAuthClient(new SalesforceSourceConfig(props));
        final io.sfpulse.ingest.auth.AccessToken first = oauth.token();
        assertThat(first.instanceUrl()).isEqualTo(h.emulator.baseUrl());
        assertThat(first.orgId()).isEqualTo(h.emulator.org().orgId());
        assertThat(h.emulator.tokens().isValid("Bearer " + first.value())).isTrue();
        // Older than the maximum age: a new login happens before anything is refused.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !oauth.token().value().equals(first.value()));

        props.put(SalesforceSourceConfig.PASSWORD_CONFIG, "wrong");
        final OAuthClient bad = new OAuthClient(new SalesforceSourceConfig(props));
        org.assertj.core.api.Assertions.assertThatThrownBy(bad::token)
                .isInstanceOf(io.sfpulse.ingest.auth.AuthenticationException.class)
                .hasMessageContaining("invalid_grant")
                .satisfies(
                        e ->
                                assertThat(
                                                ((io.sfpulse.ingest.auth.AuthenticationException) e)
                                                        .permanent())
                                        .isTrue());
    }

    @Test
    void markerApiAcceptsAuthenticatedMarkersOnly() throws Exception {
        final Topics topics = Topics.create(SfpulseSerdes.forRegistry(h.registry.url()));
        try (MarkerApiServer api =
                        new MarkerApiServer(
                                        h.kafka.bootstrapServers(),
                                        topics,
                                        "127.0.0.1",
                                        0,
                                        "ci-token")
                                .start();
                KafkaConsumer<String, DeploymentMarker> consumer =
                        h.consumer(DeploymentMarker.class, TopicNames.DEPLOYMENT_MARKERS)) {
            final URI url = URI.create("http://127.0.0.1:" + api.port() + "/v1/markers");
            final String body =
                    "{\"orgId\":\"00D000000000001EAA\",\"label\":\"v2.4.0\",\"commit\":\"9f1c2e\","
                            + "\"components\":[\"ApexClass:InvoiceService\"],\"time\":\"2026-11-20T12:00:00Z\",\"deployId\":\"ci-2.4.0\"}";
            assertThat(post(url, "wrong", body).statusCode()).isEqualTo(401);
            assertThat(post(url, "ci-token", "{\"label\":\"x\"}").statusCode()).isEqualTo(400);
            final HttpResponse<String> ok = post(url, "ci-token", body);
            assertThat(ok.statusCode()).isEqualTo(202);
            assertThat(ok.body()).contains("\"deployId\":\"ci-2.4.0\"");
            final List<DeploymentMarker> markers = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> {
                                markers.addAll(IngestHarness.drain(consumer));
                                assertThat(markers)
                                        .extracting(DeploymentMarker::getDeployId)
                                        .contains("ci-2.4.0");
                            });
            final DeploymentMarker m =
                    markers.stream()
                            .filter(x -> x.getDeployId().equals("ci-2.4.0"))
                            .findFirst()
                            .orElseThrow();
            assertThat(m.getSource()).isEqualTo(MarkerSource.MARKER_API);
            assertThat(m.getCommit()).isEqualTo("9f1c2e");
            assertThat(m.getCompletedTime()).isEqualTo(Instant.parse("2026-11-20T12:00:00Z"));
        }
    }

    private static HttpResponse<String> post(final URI url, final String token, final String body)
            throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(url)
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
