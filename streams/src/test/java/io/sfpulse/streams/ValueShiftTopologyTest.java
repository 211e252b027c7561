package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.streams.detector.valueshift.ValueShiftDetector;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The value-shift detector through the whole topology: Case.Status suddenly mostly Closed after a
 * deploy (named, with the mix before and after), back to normal later; the same shift after a deploy
 * that changed the Status picklist itself is intended; fields not configured are not watched.
 */
class ValueShiftTopologyTest extends DetectorTopologyTestBase {

    private static final String DEPLOY_ID = "0Af000000000091AAA";
    private static final String[] USUAL = {
        "New", "New", "Working", "Working", "Working", "Escalated", "Closed", "Closed"
    };

    private final Random random = new Random(7);

    private void caseUpdated(final Instant at, final String status, final String subject) {
        driver.pipe(
                Fixtures.changeEvent(
                        at,
                        "Case",
                        "UPDATE",
                        List.of("500000000000001AAA"),
                        String.format(
                                ",\"Status\":\"%s\",\"Subject\":\"%s\",\"LastModifiedDate\":\"%s\"",
                                status, subject, at)));
    }

    /** Minutes [from, to): two Case updates a minute, Status drawn from the usual mix, or 85 % Closed when {@code closing}. */
    private void minutes(final int from, final int to, final boolean closing) {
        for (int m = from; m < to; m++) {
            for (int i = 0; i < 2; i++) {
                final Instant at = T0.plus(Duration.ofMinutes(m)).plusSeconds(10 + 25L * i);
                final String status =
                        closing && random.nextDouble() < 0.85
                                ? "Closed"
                                : USUAL[random.nextInt(USUAL.length)];
                caseUpdated(at, status, "Ticket " + random.nextInt(100_000));
            }
        }
    }

    private List<Alert> shifts() {
        return driver.alerts(ValueShiftDetector.NAME);
    }

    @Test
    void casesSuddenlyMostlyClosedAfterADeployAlertNamingFieldValueAndSuspectsThenResolve() {
        minutes(0, 120, false);
        driver.deploy(
                Fixtures.deploy(
                        DEPLOY_ID,
                        DEPLOY,
                        "Flow:Case_Auto_Close",
                        "ApexClass:InvoiceService",
                        "CustomField:Case.Priority"));
        minutes(120, 170, true);
        minutes(170, 220, false);
        final List<Alert> out = shifts();
        assertThat(out).extracting(Alert::getSubject).containsOnly("Case.Status");
        assertThat(out)
                .extracting(Alert::getStatus)
                .containsSubsequence(AlertStatus.TRIGGERED, AlertStatus.RESOLVED);
        final Alert first = out.get(0);
        assertThat(first.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(first.getReleaseId()).isEqualTo(DEPLOY_ID);
        assertThat(first.getDedupKey())
                .startsWith(Fixtures.ORG + "|" + DEPLOY_ID + "|value-shift|");
        assertThat(first.getSummary())
                .startsWith(
                        "Case.Status values shifted after deploy " + DEPLOY_ID + ": 'Closed' in");
        assertThat(first.getEvidence())
                .containsEntry("field", "Case.Status")
                .containsEntry("movedValue", "Closed")
                .containsEntry("fieldsTested", "6")
                .containsEntry("suspectComponents", "Flow:Case_Auto_Close")
                .containsKeys(
                        "pValue",
                        "chiSquare",
                        "degreesOfFreedom",
                        "valuesBefore",
                        "valuesAfter",
                        "baselineWindows",
                        "currentWindow",
                        "series");
        assertThat(first.getEvidence().get("valuesBefore"))
                .contains("Working=", "New=", "Closed=", "Escalated=");
        assertThat(Double.parseDouble(first.getEvidence().get("pValue"))).isLessThan(0.001 / 6);
        assertThat(Long.parseLong(first.getEvidence().get("observedCount")))
                .isGreaterThanOrEqualTo(20);
        // As soon as 20 values were written after the deploy: ten minutes.
        assertThat(first.getEventTime())
                .isBetween(DEPLOY.plus(Duration.ofMinutes(9)), DEPLOY.plus(Duration.ofMinutes(15)));
        final Alert resolved = out.get(out.size() - 1);
        assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.getEventTime()).isAfter(T0.plus(Duration.ofMinutes(170)));
        assertThat(resolved.getSummary())
                .startsWith("Case.Status values back to their usual mix after deploy " + DEPLOY_ID);
    }

    @Test
    void theSameShiftAfterADeployThatChangedTheStatusPicklistIsIntended() {
        minutes(0, 120, false);
        driver.deploy(
                Fixtures.deploy(
                        DEPLOY_ID, DEPLOY, "StandardValueSet:CaseStatus", "Flow:Case_Auto_Close"));
        minutes(120, 170, true);
        assertThat(shifts()).isEmpty();
    }

    @Test
    void theUsualMixAfterADeployIsNoShift() {
        minutes(0, 120, false);
        driver.deploy(Fixtures.deploy(DEPLOY_ID, DEPLOY, "Flow:Case_Auto_Close"));
        minutes(120, 240, false);
        assertThat(shifts()).isEmpty();
    }
}
