package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.streams.detector.lag.DeliveryLagDetector;
import io.sfpulse.streams.detector.limits.LimitExhaustionDetector;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Org limits and delivery lag through the whole topology: a deploy that triples an integration's
 * API traffic is forecast to exhaust DailyApiRequests hours before it does, attributed to the
 * deploy with consumption before and after as evidence, and resolves once traffic is back; a rise of
 * a fifth is not alerted; a malformed snapshot is dead-lettered and the next ones still count. A
 * change-event channel whose delivery lag grows after a deploy alerts with the channel and the
 * entity's automation as suspects; the milliseconds of ordinary lag never do.
 */
class LimitsAndLagTopologyTest extends DetectorTopologyTestBase {

    private static final String DEPLOY_ID = "0Af000000000888AAA";
    private static final long MAX = 100_000;
    private final Random random = new Random(7);

    @Override
    java.util.Map<String, String> settings() {
        return java.util.Map.of("streams.data.channels", "/data/AccountChangeEvent");
    }

    private void snapshot(final Instant at, final long used) {
        snapshotPayload(
                at,
                String.format(
                        Locale.ROOT,
                        "{\"DailyApiRequests\":{\"Max\":%d,\"Remaining\":%d,\"Salesforce CLI\":{\"Max\":0,\"Remaining\":0}},"
                                + "\"DailyAsyncApexExecutions\":{\"Max\":250000,\"Remaining\":249000},\"DataStorageMB\":{\"Max\":1024,\"Remaining\":900}}",
                        MAX,
                        Math.max(0, MAX - used)));
    }

    private void snapshotPayload(final Instant at, final String payload) {
        driver.pipe(
                SalesforceEvent.newBuilder()
                        .setOrgId(Fixtures.ORG)
                        .setChannel("rest/limits")
                        .setSource(EventSource.REST_POLL)
                        .setReplayId(null)
                        .setEventUuid(Fixtures.ORG + "/limits/" + at.toEpochMilli())
                        .setEventTime(at)
                        .setReceivedTime(at)
                        .setPayload(payload)
                        .build());
    }

    /** Snapshots every 5 minutes from T0 to {@code until}: used = 48,000 (2,000 an hour in a rolling day) until the deploy, then {@code after}. */
    private void traffic(final Instant until, final LongUnaryOperator afterDeployMinutes) {
        for (Instant t = T0; t.isBefore(until); t = t.plus(Duration.ofMinutes(5))) {
            final long base = 48_000 + (long) (random.nextGaussian() * 40);
            final long used =
                    t.isBefore(DEPLOY)
                            ? base
                            : base
                                    + afterDeployMinutes.applyAsLong(
                                            Duration.between(DEPLOY, t).toMinutes());
            snapshot(t, used);
        }
    }

    private List<Alert> limitAlerts() {
        return driver.alerts(LimitExhaustionDetector.NAME);
    }

    @Test
    void aDeployThatTriplesApiTrafficIsForecastToExhaustTheDailyAllocationHoursAhead() {
        driver.deploy(Fixtures.deploy(DEPLOY_ID, DEPLOY, "ApexClass:ErpSync", "Flow:Case_Intake"));
        // Tripled: 6,000 an hour while 2,000 an hour leave the rolling day, +4,000 an hour.
        traffic(DEPLOY.plus(Duration.ofHours(2)), m -> m * 4000 / 60);
        final List<Alert> alerts = limitAlerts();
        assertThat(alerts).isNotEmpty();
        final Alert triggered = alerts.get(0);
        assertThat(triggered.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(triggered.getSubject()).isEqualTo("DailyApiRequests");
        assertThat(triggered.getReleaseId()).isEqualTo(DEPLOY_ID);
        final long minutesAfter = Duration.between(DEPLOY, triggered.getEventTime()).toMinutes();
        assertThat(minutesAfter).as("found within the first hour").isLessThanOrEqualTo(60);
        final double hoursLeft =
                Double.parseDouble(triggered.getEvidence().get("hoursToExhaustion"));
        assertThat(hoursLeft).as("hours before the limit is hit").isBetween(5.0, 24.0);
        assertThat(triggered.getEvidence())
                .containsEntry("limit", "DailyApiRequests")
                .containsEntry("max", "100000")
                .containsEntry("baseline", "the span before the release")
                .containsEntry("suspectComponents", "ApexClass:ErpSync")
                .containsKeys(
                        "consumptionBeforePerHour",
                        "consumptionAfterPerHour",
                        "pValue",
                        "windowBefore",
                        "windowAfter",
                        "forecastExhaustedAt");
        assertThat(Double.parseDouble(triggered.getEvidence().get("consumptionAfterPerHour")))
                .isBetween(3000.0, 5000.0);
        assertThat(triggered.getSummary()).startsWith("DailyApiRequests forecast to run out in ");
        assertThat(alerts)
                .extracting(Alert::getSubject)
                .as("the flat async Apex executions are not alerted")
                .containsOnly("DailyApiRequests");

        // Traffic back to normal: usage flat again at its new level, the alert resolves.
        final long reached = 48_000 + 120 * 4000 / 60;
        for (Instant t = DEPLOY.plus(Duration.ofHours(2));
                t.isBefore(DEPLOY.plus(Duration.ofHours(4)));
                t = t.plus(Duration.ofMinutes(5))) {
            snapshot(t, reached + (long) (random.nextGaussian() * 40));
        }
        assertThat(limitAlerts())
                .extracting(Alert::getStatus)
                .last()
                .isEqualTo(AlertStatus.RESOLVED);
    }

    @Test
    void aRiseOfAFifthLeavesEnoughForTheDayAndIsNotAlerted() {
        driver.deploy(Fixtures.deploy(DEPLOY_ID, DEPLOY, "ApexClass:ErpSync"));
        traffic(DEPLOY.plus(Duration.ofHours(3)), m -> m * 400 / 60);
        assertThat(limitAlerts()).isEmpty();
    }

    @Test
    void aMalformedSnapshotIsDeadLetteredAndTheOthersStillCount() {
        driver.deploy(Fixtures.deploy(DEPLOY_ID, DEPLOY, "ApexClass:ErpSync"));
        traffic(DEPLOY, m -> 0);
        snapshotPayload(DEPLOY.plusSeconds(30), "{\"DailyApiRequests\":{\"Max\":\"lots\"}}");
        assertThat(driver.deadLetterMessages())
                .anySatisfy(
                        m ->
                                assertThat(m)
                                        .contains(
                                                "entry 'DailyApiRequests' has no numeric Max and Remaining"));
        for (Instant t = DEPLOY.plus(Duration.ofMinutes(5));
                t.isBefore(DEPLOY.plus(Duration.ofHours(2)));
                t = t.plus(Duration.ofMinutes(5))) {
            snapshot(t, 48_000 + Duration.between(DEPLOY, t).toMinutes() * 4000 / 60);
        }
        assertThat(limitAlerts()).extracting(Alert::getStatus).contains(AlertStatus.TRIGGERED);
    }

    private void change(final Instant committed, final Duration lag) {
        driver.pipe(
                SalesforceEvent.newBuilder()
                        .setOrgId(Fixtures.ORG)
                        .setChannel("/data/AccountChangeEvent")
                        .setSource(EventSource.PUBSUB)
                        .setReplayId(1L)
                        .setEventUuid(UUID.randomUUID().toString())
                        .setEventTime(committed)
                        .setReceivedTime(committed.plus(lag))
                        .setPayload(
                                "{\"ChangeEventHeader\":{\"entityName\":\"Account\",\"changeType\":\"UPDATE\","
                                        + "\"commitUser\":\"005000000000001AAA\",\"recordIds\":[\"001000000000001AAA\"],"
                                        + "\"commitTimestamp\":"
                                        + committed.toEpochMilli()
                                        + "}}")
                        .build());
    }

    private Duration ordinaryLag() {
        return Duration.ofMillis((long) (300 * Math.exp(0.4 * random.nextGaussian())));
    }

    @Test
    void aGrowingDeliveryLagAfterADeployAlertsAndOrdinaryLagNever() {
        driver.deploy(Fixtures.deploy(DEPLOY_ID, DEPLOY, "ApexTrigger:AccountTrigger"));
        for (Instant t = T0; t.isBefore(DEPLOY); t = t.plusSeconds(20)) {
            change(t, ordinaryLag());
        }
        // Ordinary lag after the deploy too, first: nothing.
        for (Instant t = DEPLOY;
                t.isBefore(DEPLOY.plus(Duration.ofMinutes(30)));
                t = t.plusSeconds(20)) {
            change(t, ordinaryLag());
        }
        assertThat(driver.alerts(DeliveryLagDetector.NAME)).isEmpty();
        // Then a backlog: each event 10 s later than the one 20 s before it.
        final Instant backlog = DEPLOY.plus(Duration.ofMinutes(30));
        for (Instant t = backlog;
                t.isBefore(DEPLOY.plus(Duration.ofMinutes(60)));
                t = t.plusSeconds(20)) {
            change(t, ordinaryLag().plusSeconds(Duration.between(backlog, t).toSeconds() / 2));
        }
        final List<Alert> alerts = driver.alerts(DeliveryLagDetector.NAME);
        assertThat(alerts).isNotEmpty();
        final Alert triggered = alerts.get(0);
        assertThat(triggered.getSubject()).isEqualTo("delivery lag of /data/AccountChangeEvent");
        assertThat(triggered.getReleaseId()).isEqualTo(DEPLOY_ID);
        assertThat(triggered.getSummary())
                .startsWith("The delivery lag of /data/AccountChangeEvent up after deploy");
        assertThat(triggered.getEvidence())
                .containsEntry("suspectComponents", "ApexTrigger:AccountTrigger");
        assertThat(Double.parseDouble(triggered.getEvidence().get("p95After")))
                .isGreaterThanOrEqualTo(60_000);
        assertThat(driver.alerts("latency-spikes"))
                .as("lag is not an operation's latency")
                .isEmpty();
    }
}
