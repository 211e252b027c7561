package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.streams.detector.missingrecords.MissingRecordsDetector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The missing-records detector through the whole topology: Cases an intake flow stops creating after
 * the deploy that changed it (their updates go on), records created in bulk counted once per event,
 * the org's other data changes as the org-wide check, and an org whose data changes stop as a whole.
 */
class MissingRecordsTopologyTest extends DetectorTopologyTestBase {

    private static final String DEPLOY_ID = "0Af000000000081AAA";

    /** A CometD change event on {@code entity} for {@code records} records, shaped as the emulator and Salesforce send it. */
    private void change(
            final Instant at, final String entity, final String type, final int records) {
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            ids.add(
                    String.format(
                            "500%012dAAA",
                            Math.abs(
                                    UUID.randomUUID().getMostSignificantBits()
                                            % 1_000_000_000_000L)));
        }
        driver.pipe(
                Fixtures.changeEvent(
                        at,
                        entity,
                        type,
                        ids,
                        type.equals("CREATE")
                                ? String.format(
                                        ",\"Subject\":\"Order problem\",\"CreatedDate\":\"%s\",\"CreatedById\":\"005000000000001AAA\","
                                                + "\"LastModifiedDate\":\"%s\",\"LastModifiedById\":\"005000000000001AAA\"",
                                        at, at)
                                : String.format(
                                        ",\"Status\":\"Working\",\"LastModifiedDate\":\"%s\"",
                                        at)));
    }

    /** Minutes [from, to): a Case created (unless stopped) and one updated, three Accounts created every other minute in one event. */
    private void minutes(
            final int from,
            final int to,
            final boolean casesCreated,
            final boolean accountsCreated) {
        for (int m = from; m < to; m++) {
            final Instant at = T0.plus(Duration.ofMinutes(m));
            if (casesCreated) {
                change(at.plusSeconds(10), "Case", "CREATE", 1);
            }
            change(at.plusSeconds(20), "Case", "UPDATE", 1);
            if (accountsCreated && m % 2 == 0) {
                change(at.plusSeconds(40), "Account", "CREATE", 3);
            }
            driver.progress(Fixtures.ORG, Fixtures.CDC_CHANNEL, at.plusSeconds(59));
        }
    }

    private void deploy() {
        driver.deploy(
                Fixtures.deploy(DEPLOY_ID, DEPLOY, "Flow:Case_Intake", "ApexClass:InvoiceService"));
    }

    private List<Alert> missing() {
        return driver.alerts(MissingRecordsDetector.NAME);
    }

    @Test
    void casesThatStopBeingCreatedAfterTheDeployAlertNamingObjectAndFlowThenResolve() {
        minutes(0, 120, true, true);
        deploy();
        minutes(120, 170, false, true);
        minutes(170, 200, true, true);
        final List<Alert> out = missing();
        assertThat(out).extracting(Alert::getSubject).containsOnly("Case");
        assertThat(out)
                .extracting(Alert::getStatus)
                .containsSubsequence(
                        AlertStatus.TRIGGERED, AlertStatus.UPDATED, AlertStatus.RESOLVED);
        final Alert first = out.get(0);
        assertThat(first.getReleaseId()).isEqualTo(DEPLOY_ID);
        assertThat(first.getDedupKey())
                .startsWith(Fixtures.ORG + "|" + DEPLOY_ID + "|missing-records|");
        assertThat(first.getSummary())
                .startsWith(
                        "Case record creation stopped after deploy "
                                + DEPLOY_ID
                                + ": 0 creations in");
        assertThat(first.getEvidence())
                .containsEntry("entity", "Case")
                .containsEntry("entitiesTested", "2")
                .containsEntry("suspectComponents", "Flow:Case_Intake")
                .containsEntry("observedCount", "0")
                .containsEntry("source", Fixtures.CDC_CHANNEL)
                .containsKeys(
                        "pValue",
                        "expectedCount",
                        "baselineCount",
                        "baselineWindows",
                        "currentWindow",
                        "othersObserved",
                        "sharePValue",
                        "series");
        // The org's other data changes: the Case update every minute and the three Accounts per
        // event every other minute (the
        // event counts once), a change and a half a minute besides the Case creations.
        final double othersPerMinute =
                Double.parseDouble(first.getEvidence().get("othersObserved"))
                        / Duration.between(first.getWindowStart(), first.getWindowEnd())
                                .toMinutes();
        assertThat(othersPerMinute).isBetween(1.4, 1.6);
        assertThat(Double.parseDouble(first.getEvidence().get("expectedCount")))
                .isGreaterThanOrEqualTo(8.0);
        // At alpha over the objects and the window's 48 looks, silence needs a dozen expected
        // creations and the share about 25
        // other changes: the look at 15 minutes.
        assertThat(first.getEventTime())
                .isBetween(DEPLOY.plus(Duration.ofMinutes(8)), DEPLOY.plus(Duration.ofMinutes(20)));
        final Alert resolved = out.get(out.size() - 1);
        assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.getSummary())
                .startsWith("Case record creation resumed after deploy " + DEPLOY_ID);
        assertThat(resolved.getEventTime()).isAfter(T0.plus(Duration.ofMinutes(170)));
    }

    @Test
    void casesMissingWhileOtherCreationsAreThinAreFoundThroughTheOrgsUpdates() {
        // One Account creation every ten minutes: too few to tell an org-wide lull from the Cases'
        // own drop by creations alone;
        // the Case updates (one a minute) are what the share of the org's data changes is tested
        // against.
        for (int m = 0; m < 200; m++) {
            final Instant at = T0.plus(Duration.ofMinutes(m));
            if (m < 120 || m >= 170) {
                change(at.plusSeconds(10), "Case", "CREATE", 1);
            }
            change(at.plusSeconds(20), "Case", "UPDATE", 1);
            if (m % 10 == 0) {
                change(at.plusSeconds(40), "Account", "CREATE", 1);
            }
            driver.progress(Fixtures.ORG, Fixtures.CDC_CHANNEL, at.plusSeconds(59));
            if (m == 119) {
                deploy();
            }
        }
        final List<Alert> out = missing();
        assertThat(out).extracting(Alert::getSubject).containsOnly("Case");
        assertThat(out.get(0).getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(Long.parseLong(out.get(0).getEvidence().get("othersObserved")))
                .isGreaterThan(10);
        assertThat(out.get(0).getEventTime()).isBefore(DEPLOY.plus(Duration.ofMinutes(30)));
    }

    @Test
    void anOrgWhoseDataChangesStopAsAWholeIsNoMissingRecordsOfOneObject() {
        // A planned outage: creations and updates of every object at a twentieth after the deploy.
        minutes(0, 120, true, true);
        deploy();
        for (int m = 120; m < 200; m++) {
            final Instant at = T0.plus(Duration.ofMinutes(m));
            if (m % 20 == 0) {
                change(at.plusSeconds(10), "Case", "CREATE", 1);
                change(at.plusSeconds(20), "Case", "UPDATE", 1);
                change(at.plusSeconds(40), "Account", "CREATE", 3);
            }
            driver.progress(Fixtures.ORG, Fixtures.CDC_CHANNEL, at.plusSeconds(59));
        }
        assertThat(missing()).isEmpty();
    }

    @Test
    void creationsOfEveryObjectStoppingWhileUpdatesGoOnAreMissingRecords() {
        // Nothing is created any more, yet the org is busy updating: a release that blocks record
        // creation (a validation
        // rule, a trigger throwing on insert), not a lull. Each object's creations are missing.
        minutes(0, 120, true, true);
        deploy();
        minutes(120, 200, false, false);
        assertThat(missing()).extracting(Alert::getSubject).contains("Case");
        assertThat(missing()).allSatisfy(a -> assertThat(a.getReleaseId()).isEqualTo(DEPLOY_ID));
    }

    @Test
    void updatesAloneNeverMakeAnObjectWatched() {
        // Only Case updates before the deploy, and none after: no creation was ever expected.
        for (int m = 0; m < 200; m++) {
            final Instant at = T0.plus(Duration.ofMinutes(m));
            if (m < 120) {
                change(at.plusSeconds(20), "Case", "UPDATE", 1);
            }
            driver.progress(Fixtures.ORG, Fixtures.CDC_CHANNEL, at.plusSeconds(59));
            if (m == 120) {
                deploy();
            }
        }
        assertThat(missing()).isEmpty();
    }
}
