package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.streams.detector.absence.AbsenceDetector;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The absent-activity detector through the whole topology: a flow that stops after the deploy that
 * changed it, silence seen through progress records only, an org that goes quiet as a whole, and a
 * nightly lull that the same-time-of-day baseline expects.
 */
class AbsentActivityTopologyTest {

    private static final String SCOPE = AbsentActivityTopologyTest.class.getName();
    private static final String ORDER_CHANNEL = "/event/Order_Created__e";
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final Instant DEPLOY = T0.plus(Duration.ofHours(2));
    private static final String DEPLOY_ID = "0Af000000000071AAA";

    private DetectionDriver driver;
    @TempDir Path stateDir;

    @BeforeEach
    void setUp() {
        start(Map.of());
    }

    private void start(final Map<String, String> overrides) {
        final Map<String, String> settings = new java.util.HashMap<>(overrides);
        settings.put(DetectionConfig.ACTIVITY_CHANNELS_CONFIG, ORDER_CHANNEL);
        driver = new DetectionDriver(stateDir, SCOPE, settings);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void logged(final Instant at, final String originType, final String location) {
        driver.pipe(Fixtures.loggedFrom(at, originType, location));
    }

    private void orderCreated(final Instant at) {
        driver.pipe(
                event(
                        ORDER_CHANNEL,
                        at,
                        "{\"OrderNumber__c\":\"00001\",\"CreatedDate\":\"" + at + "\"}"));
    }

    private static SalesforceEvent event(
            final String channel, final Instant at, final String payload) {
        return SalesforceEvent.newBuilder()
                .setOrgId(Fixtures.ORG)
                .setChannel(channel)
                .setSource(EventSource.COMETD)
                .setReplayId(1L)
                .setEventUuid(UUID.randomUUID().toString())
                .setEventTime(at)
                .setReceivedTime(at)
                .setPayload(payload)
                .build();
    }

    private void progress(final String source, final Instant through) {
        driver.progress(Fixtures.ORG, source, through);
    }

    private void deploy() {
        driver.deploy(
                Fixtures.deploy(
                        DEPLOY_ID, DEPLOY, "Flow:Invoice_Flow", "ApexClass:InvoiceService"));
    }

    /** Minutes [from, to) of the org's usual traffic: the flow (unless stopped), AccountSync, an order event. */
    private void minutes(
            final int from, final int to, final boolean flowRuns, final boolean ordersFlow) {
        for (int m = from; m < to; m++) {
            final Instant at = T0.plus(Duration.ofMinutes(m));
            if (flowRuns) {
                logged(at.plusSeconds(10), "Flow", "Invoice_Flow");
            }
            logged(at.plusSeconds(30), "Apex", "AccountSync.run");
            if (ordersFlow) {
                orderCreated(at.plusSeconds(45));
            }
        }
    }

    private List<Alert> absenceAlerts() {
        return driver.alerts(AbsenceDetector.NAME);
    }

    @Test
    void
            aFlowThatStopsAfterTheDeployThatChangedItAlertsNamingFlowAndDeployThenResolvesWhenItRunsAgain() {
        minutes(0, 120, true, true);
        deploy();
        minutes(120, 170, false, true);
        minutes(170, 200, true, true);
        final List<Alert> out = absenceAlerts();
        assertThat(out).extracting(Alert::getSubject).containsOnly("Flow.Invoice_Flow");
        assertThat(out)
                .extracting(Alert::getStatus)
                .containsSubsequence(
                        AlertStatus.TRIGGERED, AlertStatus.UPDATED, AlertStatus.RESOLVED);
        final Alert first = out.get(0);
        assertThat(first.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(first.getReleaseId()).isEqualTo(DEPLOY_ID);
        assertThat(first.getDedupKey())
                .startsWith(Fixtures.ORG + "|" + DEPLOY_ID + "|absent-activity|");
        assertThat(first.getSummary())
                .startsWith(
                        "Flow.Invoice_Flow stopped after deploy "
                                + DEPLOY_ID
                                + ": 0 executions in");
        assertThat(first.getEvidence())
                .containsEntry("suspectComponents", "Flow:Invoice_Flow")
                .containsEntry("observedCount", "0")
                .containsEntry("baselineKind", "span before the release")
                .containsEntry("entryPointsTested", "3")
                .containsEntry("source", Fixtures.LOG_CHANNEL)
                .containsKeys(
                        "pValue",
                        "expectedCount",
                        "baselineWindows",
                        "currentWindow",
                        "othersObserved",
                        "shareExpectedCount",
                        "sharePValue",
                        "series");
        assertThat(Double.parseDouble(first.getEvidence().get("expectedCount")))
                .isGreaterThanOrEqualTo(8.0);
        assertThat(Double.parseDouble(first.getEvidence().get("pValue"))).isLessThan(0.001 / 3);
        // Detected within minutes of the deploy: as soon as 8 executions were expected and none
        // came.
        assertThat(first.getEventTime())
                .isBetween(DEPLOY.plus(Duration.ofMinutes(8)), DEPLOY.plus(Duration.ofMinutes(15)));
        final Alert resolved = out.get(out.size() - 1);
        assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.getEventTime()).isAfter(T0.plus(Duration.ofMinutes(170)));
        assertThat(out).extracting(Alert::getDedupKey).containsOnly(first.getDedupKey());
    }

    @Test
    void aStopIsJudgedMinuteByMinuteOfEventTimeEvenWhenStreamTimeJumps() {
        minutes(0, 120, true, true);
        deploy();
        // Stream time jumps 50 minutes at once (a backlog read after an outage); the log channel's
        // 50 minutes arrive
        // after it: the flow was stopped for 35 of them and ran again for 15. One punctuation sees
        // all of it.
        orderCreated(T0.plus(Duration.ofMinutes(170)));
        minutes(120, 155, false, false);
        minutes(155, 170, true, false);
        minutes(170, 185, true, true);
        final List<Alert> out = absenceAlerts();
        assertThat(out).extracting(Alert::getSubject).contains("Flow.Invoice_Flow");
        final Alert first =
                out.stream()
                        .filter(a -> a.getSubject().equals("Flow.Invoice_Flow"))
                        .findFirst()
                        .orElseThrow();
        assertThat(first.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        // Judged at the look it became significant, not at the jump (whose last span holds the
        // flow's recovery). The
        // orders are silent too, so only the account sync's share shows the flow's absence: about
        // half an hour to be sure
        // at alpha over the entry points and the window's 48 looks.
        assertThat(first.getEventTime())
                .isBetween(DEPLOY.plus(Duration.ofMinutes(8)), DEPLOY.plus(Duration.ofMinutes(35)));
        assertThat(out)
                .filteredOn(a -> a.getSubject().equals("Flow.Invoice_Flow"))
                .extracting(Alert::getStatus)
                .contains(AlertStatus.RESOLVED);
    }

    @Test
    void anOrgThatGoesQuietAsAWholeIsNoAbsence() {
        minutes(0, 120, true, true);
        deploy();
        for (int m = 120; m < 240; m++) {
            final Instant at = T0.plus(Duration.ofMinutes(m));
            progress(Fixtures.LOG_CHANNEL, at);
            progress(ORDER_CHANNEL, at);
        }
        assertThat(absenceAlerts()).isEmpty();
    }

    @Test
    void aChannelThatFallsSilentIsSeenThroughItsProgressRecordsOnly() {
        minutes(0, 120, true, true);
        deploy();
        // Orders stop; the org's logging goes on. Without a progress record the orders channel is
        // delivered
        // only up to its last event: nothing can be said about its silence yet.
        minutes(120, 150, true, false);
        assertThat(absenceAlerts()).isEmpty();
        // The ingest reports the orders channel delivered everything up to now: its silence is
        // real.
        for (int m = 150; m < 170; m++) {
            final Instant at = T0.plus(Duration.ofMinutes(m));
            logged(at.plusSeconds(10), "Flow", "Invoice_Flow");
            logged(at.plusSeconds(30), "Apex", "AccountSync.run");
            progress(ORDER_CHANNEL, at.plusSeconds(50));
        }
        final List<Alert> out = absenceAlerts();
        assertThat(out).isNotEmpty();
        assertThat(out).extracting(Alert::getSubject).containsOnly("Event.Order_Created__e");
        assertThat(out.get(0).getEvidence())
                .containsEntry("source", ORDER_CHANNEL)
                .containsEntry("observedCount", "0");
    }

    @Test
    void aNightlyLullThatPreviousDaysShowIsNoAbsence() {
        nightlyLullWithDeployAt8Pm();
        assertThat(absenceAlerts()).isEmpty();
    }

    @Test
    void theSameLullJudgedAgainstTheSpanBeforeTheDeployWouldAlert() {
        // What the same-time-of-day baseline saves: with seasonality out of reach, the evening lull
        // looks like a stop.
        driver.close();
        start(
                Map.of(
                        "detector.absent-activity.seasonal.history.ms",
                        String.valueOf(Duration.ofDays(30).toMillis())));
        nightlyLullWithDeployAt8Pm();
        assertThat(absenceAlerts()).extracting(Alert::getSubject).contains("Flow.Nightly_Sync");
    }

    private void nightlyLullWithDeployAt8Pm() {
        // Four days of a sync flow that runs from 08:00 to 20:00 only, next to activity that runs
        // all day.
        final Instant day0 = Instant.parse("2026-11-16T00:00:00Z");
        final Instant deployAt = Instant.parse("2026-11-20T20:00:00Z");
        for (Instant at = day0;
                at.isBefore(deployAt.plus(Duration.ofMinutes(90)));
                at = at.plus(Duration.ofMinutes(1))) {
            final int hour = at.atZone(java.time.ZoneOffset.UTC).getHour();
            if (hour >= 8 && hour < 20) {
                logged(at.plusSeconds(10), "Flow", "Nightly_Sync");
            }
            logged(at.plusSeconds(30), "Apex", "AccountSync.run");
            if (at.equals(deployAt)) {
                driver.deploy(Fixtures.deploy(DEPLOY_ID, deployAt, "Flow:Nightly_Sync"));
            }
        }
    }
}
