package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.streams.detector.relationships.BrokenRelationshipsDetector;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The broken-relationships detector through the whole topology: Contacts pointed at Accounts
 * deleted earlier after a deploy (child records left on a deleted parent), Contacts whose AccountId
 * a deploy starts nulling, and Contacts pointing at live Accounts only.
 */
class BrokenRelationshipsTopologyTest extends DetectorTopologyTestBase {

    private static final String DEPLOY_ID = "0Af000000000101AAA";

    private final Random random = new Random(11);

    /** An 18-character Account id (all digits: its case-safe suffix is AAA). */
    private static String account(final int n) {
        return String.format(Locale.ROOT, "001%012dAAA", n);
    }

    private void change(
            final Instant at,
            final String entity,
            final String type,
            final String recordId,
            final String body) {
        driver.pipe(Fixtures.changeEvent(at, entity, type, List.of(recordId), body));
    }

    private void contactUpdated(final Instant at, final String accountId) {
        final String contact = String.format(Locale.ROOT, "003%012dAAA", random.nextInt(1_000_000));
        change(
                at,
                "Contact",
                "UPDATE",
                contact,
                accountId == null
                        ? ",\"AccountId\":null,\"LastModifiedDate\":\"" + at + "\""
                        : ",\"AccountId\":\""
                                + accountId
                                + "\",\"Title\":\"Buyer\",\"LastModifiedDate\":\""
                                + at
                                + "\"");
    }

    /**
     * Minutes [from, to): an Account update and two Contact updates a minute pointing at live Accounts (1,000-1,999); every 30 minutes an
     * Account of 1..10 is deleted; after the deploy a share {@code dangling} of the updates point at deleted ones, a
     * share {@code nulled} set AccountId to null.
     */
    private void minutes(final int from, final int to, final double dangling, final double nulled) {
        for (int m = from; m < to; m++) {
            final Instant at = T0.plus(Duration.ofMinutes(m));
            if (m % 30 == 5 && m < 120) {
                change(at.plusSeconds(5), "Account", "DELETE", account(1 + m / 30), "");
            }
            // Accounts change too, each in its own state: their changes never dilute or borrow the
            // Contacts' references.
            change(
                    at.plusSeconds(50),
                    "Account",
                    "UPDATE",
                    account(1_000 + random.nextInt(1_000)),
                    ",\"Rating\":\"Warm\"");
            for (int i = 0; i < 2; i++) {
                final double u = random.nextDouble();
                final String parent =
                        u < dangling
                                ? account(1 + random.nextInt(4))
                                : u < dangling + nulled
                                        ? null
                                        : account(1_000 + random.nextInt(1_000));
                contactUpdated(at.plusSeconds(15 + 20L * i), parent);
            }
        }
    }

    private List<Alert> broken() {
        return driver.alerts(BrokenRelationshipsDetector.NAME);
    }

    @Test
    void contactsPointedAtDeletedAccountsAfterTheDeployAlertNamingReferenceAndParentsThenResolve() {
        minutes(0, 120, 0, 0.01);
        driver.deploy(
                Fixtures.deploy(
                        DEPLOY_ID,
                        DEPLOY,
                        "ApexTrigger:ContactTrigger",
                        "ApexClass:InvoiceService"));
        minutes(120, 160, 0.4, 0.01);
        minutes(160, 200, 0, 0.01);
        final List<Alert> out = broken();
        assertThat(out).extracting(Alert::getSubject).containsOnly("Contact.AccountId -> deleted");
        assertThat(out)
                .extracting(Alert::getStatus)
                .containsSubsequence(AlertStatus.TRIGGERED, AlertStatus.RESOLVED);
        final Alert first = out.get(0);
        assertThat(first.getReleaseId()).isEqualTo(DEPLOY_ID);
        assertThat(first.getDedupKey())
                .startsWith(Fixtures.ORG + "|" + DEPLOY_ID + "|broken-relationships|");
        assertThat(first.getSummary())
                .startsWith(
                        "Contact.AccountId points at deleted records after deploy "
                                + DEPLOY_ID
                                + ":");
        assertThat(first.getEvidence())
                .containsEntry("entity", "Contact")
                .containsEntry("field", "Contact.AccountId")
                .containsEntry("relationship", "points at deleted record")
                .containsEntry("parentObject", "Account")
                .containsEntry("shareBefore", "0.0%")
                .containsEntry("suspectComponents", "ApexTrigger:ContactTrigger")
                .containsKeys(
                        "pValue",
                        "deletedParents",
                        "trialsNow",
                        "trialsBefore",
                        "baselineWindows",
                        "currentWindow",
                        "series");
        assertThat(first.getEvidence().get("deletedParents"))
                .matches("(00100000000000[1-4]AAA,?)+");
        assertThat(Long.parseLong(first.getEvidence().get("observedCount")))
                .isGreaterThanOrEqualTo(5);
        assertThat(first.getEventTime()).isBetween(DEPLOY, DEPLOY.plus(Duration.ofMinutes(15)));
        assertThat(out.get(out.size() - 1).getStatus()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(out.get(out.size() - 1).getEventTime())
                .isAfter(T0.plus(Duration.ofMinutes(160)));
    }

    @Test
    void aDeployThatStartsNullingTheLookupAlertsAsANulledReference() {
        minutes(0, 120, 0, 0.01);
        driver.deploy(Fixtures.deploy(DEPLOY_ID, DEPLOY, "ApexTrigger:ContactTrigger"));
        minutes(120, 160, 0, 0.3);
        final List<Alert> out = broken();
        assertThat(out).extracting(Alert::getSubject).containsOnly("Contact.AccountId nulled");
        assertThat(out.get(0).getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(out.get(0).getSummary())
                .startsWith("Contact.AccountId nulled after deploy " + DEPLOY_ID);
        assertThat(out.get(0).getEvidence())
                .containsEntry("relationship", "nulled")
                .doesNotContainKey("deletedParents");
    }

    @Test
    void contactsPointingAtLiveAccountsAfterADeployAreFine() {
        minutes(0, 120, 0, 0.01);
        driver.deploy(Fixtures.deploy(DEPLOY_ID, DEPLOY, "ApexTrigger:ContactTrigger"));
        minutes(120, 240, 0, 0.01);
        assertThat(broken()).isEmpty();
    }
}
