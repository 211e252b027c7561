package io.sfpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfpulse.ingest.error.Backoff;
import io.sfpulse.ingest.error.StreamingAction;
import io.sfpulse.ingest.error.StreamingErrorClassifier;
import io.sfpulse.ingest.mapping.MappingException;
import io.sfpulse.ingest.mapping.SalesforceEventMapper;
import io.sfpulse.schemas.event.SalesforceEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class IngestUnitTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    @Test
    void classifiesStreamingErrorsLikeSalesforceDocumentsThem() {
        // CometD's generic subscribe refusal (a subscribe racing a session being rebuilt) is
        // retried, bounded by the retry budget.
        assertThat(StreamingErrorClassifier.classify("403::subscribe_failed", "", Map.of()))
                .isEqualTo(StreamingAction.RETRY);
        assertThat(
                        StreamingErrorClassifier.classify(
                                "403::Unknown client", "", Map.of("reconnect", "handshake")))
                .isEqualTo(StreamingAction.REHANDSHAKE);
        assertThat(
                        StreamingErrorClassifier.classify(
                                "401::Authentication invalid", "", Map.of("reconnect", "none")))
                .isEqualTo(StreamingAction.REAUTHENTICATE);
        assertThat(
                        StreamingErrorClassifier.classify(
                                "403::Handshake denied", "401::Authentication invalid", Map.of()))
                .isEqualTo(StreamingAction.REAUTHENTICATE);
        assertThat(
                        StreamingErrorClassifier.classify(
                                "401::Authentication invalid",
                                "503::Server is too busy.  Please try your request again later.",
                                Map.of()))
                .isEqualTo(StreamingAction.RETRY);
        assertThat(
                        StreamingErrorClassifier.classify(
                                "400::The replayId {5} you provided was invalid.  Please provide a valid ID, -2 to replay all "
                                        + "events, or -1 to replay only new events.",
                                "", Map.of()))
                .isEqualTo(StreamingAction.INVALID_REPLAY);
        assertThat(
                        StreamingErrorClassifier.classify(
                                "403::Organization total events daily limit exceeded",
                                "",
                                Map.of()))
                .isEqualTo(StreamingAction.DAILY_LIMIT);
        assertThat(
                        StreamingErrorClassifier.classify(
                                "400::The channel you requested to subscribe to doesn't exist /event/X__e",
                                "",
                                Map.of()))
                .isEqualTo(StreamingAction.FATAL);
        assertThat(
                        StreamingErrorClassifier.classify(
                                "403::User not allowed to subscribe CDC without View All Data permissions",
                                "",
                                Map.of()))
                .isEqualTo(StreamingAction.FATAL);
        assertThat(StreamingErrorClassifier.classify(null, null, null))
                .isEqualTo(StreamingAction.RETRY);
    }

    @Test
    void mapsPlatformEventWithUuidReplayIdAndCreatedDate() {
        final Map<String, Object> data =
                Map.of(
                        "schema",
                        "abc",
                        "payload",
                        Map.of("CreatedDate", "2026-11-20T11:59:00.123Z", "Message__c", "hi"),
                        "event",
                        Map.of("EventUuid", "u-1", "replayId", 42));
        final SalesforceEvent e = new SalesforceEventMapper().map("00D1", "/event/X__e", data, NOW);
        assertThat(e.getReplayId()).isEqualTo(42L);
        assertThat(e.getEventUuid()).isEqualTo("u-1");
        assertThat(e.getSchemaId()).isEqualTo("abc");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2026-11-20T11:59:00.123Z"));
        assertThat(e.getReceivedTime()).isEqualTo(NOW);
        assertThat(e.getPayload()).contains("\"Message__c\":\"hi\"");
    }

    @Test
    void mapsChangeEventTimeFromCommitTimestampAndGivesSyntheticDedupeId() {
        final Map<String, Object> header = new HashMap<>();
        header.put("commitTimestamp", 1_501_010_206_653L);
        header.put("transactionKey", "001b7375");
        header.put("sequenceNumber", 1);
        header.put("recordIds", List.of("001xx"));
        header.put("changeType", "CREATE");
        final Map<String, Object> data =
                Map.of(
                        "payload",
                        Map.of("ChangeEventHeader", header, "Name", "Acme"),
                        "event",
                        Map.of("replayId", 6421));
        final SalesforceEvent e =
                new SalesforceEventMapper().map("00D1", "/data/ChangeEvents", data, NOW);
        assertThat(e.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_501_010_206_653L));
        assertThat(e.getEventUuid()).isEqualTo("cdc:001b7375:1:[001xx]");
    }

    @Test
    void malformedEventsNameChannelAndProblem() {
        final SalesforceEventMapper mapper = new SalesforceEventMapper();
        assertThatThrownBy(() -> mapper.map("o", "/event/X__e", Map.of("payload", Map.of()), NOW))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("/event/X__e")
                .hasMessageContaining("data.event");
        assertThatThrownBy(
                        () ->
                                mapper.map(
                                        "o",
                                        "/event/X__e",
                                        Map.of(
                                                "payload",
                                                Map.of(),
                                                "event",
                                                Map.of("replayId", "x")),
                                        NOW))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("replayId");
        assertThatThrownBy(
                        () ->
                                mapper.map(
                                        "o",
                                        "/event/X__e",
                                        Map.of(
                                                "payload",
                                                Map.of("CreatedDate", "yesterday"),
                                                "event",
                                                Map.of("replayId", 1)),
                                        NOW))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("CreatedDate");
        final String huge = "x".repeat(SalesforceEventMapper.MAX_PAYLOAD_CHARS + 1);
        assertThatThrownBy(
                        () ->
                                mapper.map(
                                        "o",
                                        "/event/X__e",
                                        Map.of(
                                                "payload",
                                                Map.of("Body__c", huge),
                                                "event",
                                                Map.of("replayId", 2)),
                                        NOW))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("/event/X__e")
                .hasMessageContaining("replayId 2")
                .hasMessageContaining("above the " + SalesforceEventMapper.MAX_PAYLOAD_CHARS);
    }

    private static Map<String, String> minimal() {
        final Map<String, String> p = new HashMap<>();
        p.put(SalesforceSourceConfig.CLIENT_ID_CONFIG, "id");
        p.put(SalesforceSourceConfig.CLIENT_SECRET_CONFIG, "secret");
        return p;
    }

    @Test
    void configAcceptsMinimalAndDocumentsEveryKey() {
        final SalesforceSourceConfig config = new SalesforceSourceConfig(minimal());
        assertThat(config.grantType()).isEqualTo("client_credentials");
        assertThat(config.invalidReplayPolicy())
                .isEqualTo(SalesforceSourceConfig.InvalidReplayPolicy.FAIL);
        assertThat(SalesforceSourceConfig.CONFIG_DEF.configKeys().values())
                .allSatisfy(k -> assertThat(k.documentation).isNotBlank());
        assertThat(config.clientSecret().toString()).doesNotContain("secret");
    }

    @Test
    void configRejectsOldApiVersionBadChannelAndPasswordGrantWithoutUser() {
        final Map<String, String> old = minimal();
        old.put(SalesforceSourceConfig.API_VERSION_CONFIG, "36.0");
        assertThatThrownBy(() -> new SalesforceSourceConfig(old))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("37.0");
        final Map<String, String> channel = minimal();
        channel.put(SalesforceSourceConfig.CHANNELS_CONFIG, "event/NoSlash");
        assertThatThrownBy(() -> new SalesforceSourceConfig(channel))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("channels");
        final Map<String, String> password = minimal();
        password.put(SalesforceSourceConfig.GRANT_TYPE_CONFIG, "password");
        assertThatThrownBy(() -> new SalesforceSourceConfig(password))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("username");
    }

    @Test
    void connectorSpreadsChannelsOverTasksAndPollsDeploysOnTaskZero() {
        final Map<String, String> p = minimal();
        p.put(SalesforceSourceConfig.CHANNELS_CONFIG, "/event/A__e,/event/B__e,/event/C__e");
        final SalesforceSourceConnector connector = new SalesforceSourceConnector();
        connector.start(p);
        final List<Map<String, String>> tasks = connector.taskConfigs(2);
        assertThat(tasks).hasSize(2);
        assertThat(tasks)
                .extracting(t -> t.get(SalesforceSourceConfig.TASK_CHANNELS_CONFIG))
                .containsExactly("/event/A__e,/event/B__e", "/event/C__e");
        assertThat(tasks)
                .extracting(t -> t.get(SalesforceSourceConfig.TASK_DEPLOY_POLLER_CONFIG))
                .containsExactly("true", "false");
    }

    @Test
    void backoffGrowsWithJitterWithinBoundsAndStopsAfterBudget() {
        final Backoff backoff =
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000), Duration.ofHours(1));
        assertThat(backoff.next()).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(backoff.next()).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        for (int i = 0; i < 10; i++) {
            assertThat(backoff.next()).isLessThanOrEqualTo(Duration.ofMillis(1_000));
        }
        final Backoff spent =
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO);
        assertThat(spent.next()).isNotNull();
        // The second failure happens after the (zero) budget: give up.
        assertThat(spent.next()).isNull();
    }
}
