package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.streams.detector.threats.ThreatEventsDetector;
import io.sfpulse.streams.detector.threats.ThreatSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Salesforce's threat detections through the whole topology: an ApiAnomalyEvent after a deploy is
 * an alert naming the user, score, summary and features, attributed to the deploy; repeats update
 * it (CRITICAL once a detection reaches the critical score), another user is another alert, a day
 * without detections resolves it, a detection below the minimum score is not alerted, and a
 * detection without Score is dead-lettered.
 */
class ThreatEventsTopologyTest extends DetectorTopologyTestBase {

    private static final String DEPLOY_ID = "0Af000000000777AAA";
    private static final String API_ANOMALY = "/event/ApiAnomalyEvent";
    private static final String STUFFING = "/event/CredentialStuffingEvent";

    @Override
    Map<String, String> settings() {
        return Map.of(
                "streams.threat.channels",
                API_ANOMALY + "," + STUFFING,
                ThreatSettings.MIN_SCORE_CONFIG,
                "0.5");
    }

    private void detection(
            final String channel,
            final Instant at,
            final String user,
            final double score,
            final String extra) {
        final String payload =
                String.format(
                        Locale.ROOT,
                        "{\"EventDate\":\"%s\",\"EventIdentifier\":\"%s\",\"Username\":\"%s\",\"UserId\":\"005000000000001AAA\","
                                + "\"SourceIp\":\"203.0.113.7\",\"Score\":%.2f,\"Summary\":\"Unusual volume of records queried\","
                                + "\"PolicyOutcome\":\"NoAction\",\"SecurityEventData\":\"[{\\\"featureName\\\":\\\"rowCount\\\","
                                + "\\\"featureValue\\\":\\\"125000\\\",\\\"featureContribution\\\":\\\"0.61\\\"},"
                                + "{\\\"featureName\\\":\\\"dayOfWeek\\\",\\\"featureValue\\\":\\\"Sunday\\\","
                                + "\\\"featureContribution\\\":\\\"0.05\\\"}]\"%s}",
                        at,
                        UUID.randomUUID(),
                        user,
                        score,
                        extra);
        driver.pipe(
                SalesforceEvent.newBuilder()
                        .setOrgId(Fixtures.ORG)
                        .setChannel(channel)
                        .setSource(EventSource.PUBSUB)
                        .setReplayId(1L)
                        .setEventUuid(UUID.randomUUID().toString())
                        .setEventTime(at)
                        .setReceivedTime(at)
                        .setPayload(payload)
                        .build());
    }

    private List<Alert> alerts() {
        return driver.alerts(ThreatEventsDetector.NAME);
    }

    @Test
    void aThreatDetectionIsAnAlertOfItsOwnKindExplainedAndAttributedUpdatedAndResolved() {
        for (Instant t = T0; t.isBefore(DEPLOY); t = t.plus(Duration.ofMinutes(5))) {
            driver.pipe(Fixtures.info(t));
        }
        driver.deploy(Fixtures.deploy(DEPLOY_ID, DEPLOY, "ApexClass:ExportService"));
        detection(API_ANOMALY, DEPLOY.plus(Duration.ofMinutes(10)), "ana@acme.com", 0.72, "");
        List<Alert> alerts = alerts();
        assertThat(alerts).hasSize(1);
        final Alert triggered = alerts.get(0);
        assertThat(triggered.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(triggered.getSeverity()).isEqualTo(Severity.ERROR);
        assertThat(triggered.getSubject()).isEqualTo("ApiAnomalyEvent for ana@acme.com");
        assertThat(triggered.getReleaseId()).isEqualTo(DEPLOY_ID);
        assertThat(triggered.getDedupKey())
                .startsWith(Fixtures.ORG + "|" + DEPLOY_ID + "|threat-events|");
        assertThat(triggered.getSummary())
                .isEqualTo(
                        "Salesforce detected ApiAnomalyEvent for ana@acme.com after deploy "
                                + DEPLOY_ID
                                + " (score 0.72): Unusual volume of records queried");
        assertThat(triggered.getEvidence())
                .containsEntry("threatType", "ApiAnomalyEvent")
                .containsEntry("score", "0.720")
                .containsEntry("detections", "1")
                .containsEntry("sourceIp", "203.0.113.7")
                .containsEntry("userId", "005000000000001AAA")
                .containsEntry("policyOutcome", "NoAction")
                .containsEntry("deployId", DEPLOY_ID)
                .containsEntry("trigger", "deploy")
                .containsEntry("features", "rowCount=125000 (0.61), dayOfWeek=Sunday (0.05)");

        // A repeat doubles the detections: UPDATED; one scored critical: UPDATED and CRITICAL.
        detection(API_ANOMALY, DEPLOY.plus(Duration.ofMinutes(20)), "ana@acme.com", 0.64, "");
        detection(API_ANOMALY, DEPLOY.plus(Duration.ofMinutes(30)), "ana@acme.com", 0.95, "");
        alerts = alerts();
        assertThat(alerts)
                .extracting(Alert::getStatus)
                .containsExactly(AlertStatus.TRIGGERED, AlertStatus.UPDATED, AlertStatus.UPDATED);
        assertThat(alerts.get(2).getSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(alerts.get(2).getEvidence())
                .containsEntry("maxScore", "0.950")
                .containsEntry("detections", "3");
        assertThat(alerts).extracting(Alert::getDedupKey).containsOnly(triggered.getDedupKey());

        // Another user, another kind: another alert. Below the minimum score: none.
        detection(
                STUFFING,
                DEPLOY.plus(Duration.ofMinutes(40)),
                "ben@acme.com",
                0.81,
                ",\"LoginType\":\"Application\"");
        detection(API_ANOMALY, DEPLOY.plus(Duration.ofMinutes(45)), "cy@acme.com", 0.30, "");
        alerts = alerts();
        assertThat(alerts).hasSize(4);
        assertThat(alerts.get(3).getSubject())
                .isEqualTo("CredentialStuffingEvent for ben@acme.com");
        assertThat(alerts).noneMatch(a -> a.getSubject().contains("cy@acme.com"));

        // A day of the org's time without another detection resolves both.
        for (Instant t = DEPLOY.plus(Duration.ofHours(1));
                t.isBefore(DEPLOY.plus(Duration.ofHours(26)));
                t = t.plus(Duration.ofMinutes(30))) {
            driver.pipe(Fixtures.info(t));
        }
        alerts = alerts();
        assertThat(alerts.stream().filter(a -> a.getStatus() == AlertStatus.RESOLVED))
                .extracting(Alert::getSubject)
                .containsExactlyInAnyOrder(
                        "ApiAnomalyEvent for ana@acme.com",
                        "CredentialStuffingEvent for ben@acme.com");
        assertThat(
                        alerts.stream()
                                .filter(
                                        a ->
                                                a.getStatus() == AlertStatus.RESOLVED
                                                        && a.getSubject().startsWith("ApiAnomaly"))
                                .findFirst()
                                .orElseThrow()
                                .getSummary())
                .startsWith(
                        "No further ApiAnomalyEvent for ana@acme.com after deploy "
                                + DEPLOY_ID
                                + " since");

        // A later detection of the same kind for the same user is a new incident.
        detection(API_ANOMALY, DEPLOY.plus(Duration.ofHours(27)), "ana@acme.com", 0.70, "");
        final Alert again = alerts().get(alerts().size() - 1);
        assertThat(again.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(again.getDedupKey()).isEqualTo(triggered.getDedupKey() + "|episode-2");
    }

    @Test
    void aDetectionWithoutScoreIsDeadLetteredWithAClearErrorAndTheNextOneStillAlerts() {
        final Instant at = T0.plus(Duration.ofMinutes(5));
        driver.pipe(
                SalesforceEvent.newBuilder()
                        .setOrgId(Fixtures.ORG)
                        .setChannel(API_ANOMALY)
                        .setSource(EventSource.PUBSUB)
                        .setReplayId(1L)
                        .setEventUuid("bad-1")
                        .setEventTime(at)
                        .setReceivedTime(at)
                        .setPayload("{\"EventDate\":\"" + at + "\",\"Username\":\"ana@acme.com\"}")
                        .build());
        assertThat(driver.deadLetterMessages())
                .anySatisfy(
                        m ->
                                assertThat(m)
                                        .contains(
                                                "ApiAnomalyEvent bad-1 of org "
                                                        + Fixtures.ORG
                                                        + " has no numeric Score or no Summary"));
        detection(API_ANOMALY, at.plus(Duration.ofMinutes(1)), "ana@acme.com", 0.9, "");
        assertThat(alerts())
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
                            assertThat(a.getReleaseId()).isNull();
                            assertThat(a.getEvidence())
                                    .containsEntry("trigger", "no-deploy")
                                    .doesNotContainKey("deployId");
                        });
    }
}
