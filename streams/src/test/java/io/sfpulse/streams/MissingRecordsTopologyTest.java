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
 * and an org whose record creation stops as a whole.
 */
class MissingRecordsTopologyTest extends DetectorTopologyTestBase {

    private static final String DEPLOY_ID = "0Af000000000081AAA";

    /** A CometD change event on {@code entity} for {@code records} records, shaped as the emulator and Salesforce send it. */
    private void change(final Instant at, final String entity, final String type, final int records) {
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            ids.add(String.format("500%012dAAA", Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L)));
        }
        driver.pipe(Fixtures.changeEvent(at, entity, type, ids, type.equals("CREATE")
            ? String.format(",\"Subject\":\"Order problem\",\"CreatedDate\":\"%s\",\"CreatedById\":\"005000000000001AAA\","
                + "\"LastModifiedDate\":\"%s\",\"LastModifiedById\":\"005000000000001AAA\"", at, at)
            : String.format(",\"Status\":\"Working\",\"LastModifiedDate\":\"%s\"", at)));
    }

    /** Minutes [from, to): a Case created (unless stopped) and one updated, three Accounts created every other minute in one event. */
    private void minutes(final int from, final int to, final boolean casesCreated, final boolean accountsCreated) {
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
        driver.deploy(Fixtures.deploy(DEPLOY_ID, DEPLOY, "Flow:Case_Intake", "ApexClass:InvoiceService"));
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
        assertThat(out).extracting(Alert::getStatus).containsSubsequence(AlertStatus.TRIGGERED, AlertStatus.UPDATED, AlertStatus.RESOLVED);
        final Alert first = out.get(0);
        assertThat(first.getReleaseId()).isEqualTo(DEPLOY_ID);
        assertThat(first.getDedupKey()).startsWith(Fixtures.ORG + "|" + DEPLOY_ID + "|missing-records|");
        assertThat(first.getSummary()).startsWith("Case record creation stopped after deploy " + DEPLOY_ID + ": 0 creations in");
        assertThat(first.getEvidence())
            .containsEntry("entity", "Case")
            .containsEntry("entitiesTested", "2")
            .containsEntry("suspectComponents", "Flow:Case_Intake")
            .containsEntry("observedCount", "0")
            .containsEntry("source", Fixtures.CDC_CHANNEL)
            .containsKeys("pValue", "expectedCount", "baselineCount", "baselineWindows", "currentWindow", "othersObserved", "sharePValue", "series");
        // Three Accounts per event every other minute: the event counts once, half a creation a minute besides the Case's one.
        final double othersPerMinute = Double.parseDouble(first.getEvidence().get("othersObserved"))
            / Duration.between(first.getWindowStart(), first.getWindowEnd()).toMinutes();
        assertThat(othersPerMinute).isBetween(0.4, 0.6);
        assertThat(Double.parseDouble(first.getEvidence().get("expectedCount"))).isGreaterThanOrEqualTo(8.0);
        // The org's other creations are thin (half a creation a minute): at alpha over the objects and the window's 48 looks,
        // their share needs about 25 minutes to show that only Cases stopped.
        assertThat(first.getEventTime()).isBetween(DEPLOY.plus(Duration.ofMinutes(8)), DEPLOY.plus(Duration.ofMinutes(30)));
        final Alert resolved = out.get(out.size() - 1);
        assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.getSummary()).startsWith("Case record creation resumed after deploy " + DEPLOY_ID);
        assertThat(resolved.getEventTime()).isAfter(T0.plus(Duration.ofMinutes(170)));
    }

    @Test
    void anOrgWhoseRecordCreationStopsAsAWholeIsNoMissingRecordsOfOneObject() {
        minutes(0, 120, true, true);
        deploy();
        minutes(120, 200, false, false);
        assertThat(missing()).isEmpty();
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
