package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.streams.detector.integrations.IntegrationFailuresDetector;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The integration-failures detector through the whole topology, on EventLogFile rows: an API client
 * whose calls start failing (REQUEST_LIMIT_EXCEEDED, 401) after a deploy while another client is fine,
 * Apex callouts to one host that stop getting answers, and a steady low failure rate after a deploy.
 */
class IntegrationFailuresTopologyTest extends DetectorTopologyTestBase {

    private static final String DEPLOY_ID = "0Af000000000111AAA";

    private final Random random = new Random(5);

    private void row(final String type, final Instant at, final String json) {
        driver.pipe(
                SalesforceEvent.newBuilder()
                        .setOrgId(Fixtures.ORG)
                        .setChannel("elf/" + type)
                        .setSource(EventSource.EVENT_LOG_FILE)
                        .setReplayId(1L)
                        .setEventUuid(UUID.randomUUID().toString())
                        .setEventTime(at)
                        .setReceivedTime(at)
                        .setPayload(json)
                        .build());
    }

    private void restCall(
            final Instant at, final String client, final String status, final String exception) {
        row(
                "RestApi",
                at,
                String.format(
                        "{\"EVENT_TYPE\":\"RestApi\",\"METHOD\":\"PATCH\",\"URI\":\"/services/data/v62.0/sobjects/Account/"
                                + "0015j00000Acc0aAAB\",\"CLIENT_NAME\":\"%s\",\"STATUS_CODE\":\"%s\",\"EXCEPTION_MESSAGE\":\"%s\",\"RUN_TIME\":\"48\","
                                + "\"TIMESTAMP_DERIVED\":\"%s\"}",
                        client, status, exception, at));
    }

    private void callout(
            final Instant at, final String url, final String success, final String status) {
        row(
                "ApexCallout",
                at,
                String.format(
                        "{\"EVENT_TYPE\":\"ApexCallout\",\"METHOD\":\"POST\",\"TYPE\":\"REST\",\"URL\":\"%s\","
                                + "\"SUCCESS\":\"%s\",\"STATUS_CODE\":\"%s\",\"TIME\":\"227\",\"TIMESTAMP_DERIVED\":\"%s\"}",
                        url, success, status, at));
    }

    /** Minutes [from, to): per minute two calls of each client and two callouts; {@code failing} of Invoice Sync's calls and of the ERP callouts fail. */
    private void minutes(
            final int from, final int to, final double syncFailing, final double erpFailing) {
        for (int m = from; m < to; m++) {
            final Instant at = T0.plus(Duration.ofMinutes(m));
            for (int i = 0; i < 2; i++) {
                final Instant t = at.plusSeconds(5 + 25L * i);
                final double u = random.nextDouble();
                if (u < syncFailing) {
                    restCall(
                            t,
                            "Invoice Sync",
                            u < syncFailing / 2 ? "403" : "401",
                            u < syncFailing / 2
                                    ? "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded."
                                    : "");
                } else {
                    restCall(t, "Invoice Sync", random.nextDouble() < 0.01 ? "500" : "200", "");
                }
                restCall(t.plusSeconds(2), "Marketing Cloud", "200", "");
                callout(
                        t.plusSeconds(4),
                        "https://erp.example.com/api/orders",
                        random.nextDouble() < erpFailing ? "0" : "1",
                        "200");
            }
        }
    }

    private List<Alert> failures() {
        return driver.alerts(IntegrationFailuresDetector.NAME);
    }

    @Test
    void anApiClientFailingAfterTheDeployAlertsWithItsErrorCodesAndAnotherClientStaysQuiet() {
        minutes(0, 120, 0, 0);
        driver.deploy(
                Fixtures.deploy(
                        DEPLOY_ID,
                        DEPLOY,
                        "ApexClass:InvoiceService",
                        "ConnectedApp:Invoice_Sync"));
        minutes(120, 160, 0.4, 0);
        minutes(160, 200, 0, 0);
        final List<Alert> out = failures();
        assertThat(out).extracting(Alert::getSubject).containsOnly("API client Invoice Sync");
        assertThat(out)
                .extracting(Alert::getStatus)
                .containsSubsequence(AlertStatus.TRIGGERED, AlertStatus.RESOLVED);
        final Alert first = out.get(0);
        assertThat(first.getDedupKey())
                .startsWith(Fixtures.ORG + "|" + DEPLOY_ID + "|integration-failures|");
        assertThat(first.getSummary())
                .startsWith("API client Invoice Sync failing after deploy " + DEPLOY_ID + ":");
        assertThat(first.getEvidence())
                .containsEntry("requester", "API client Invoice Sync")
                .containsKeys(
                        "pValue",
                        "shareBefore",
                        "shareAfter",
                        "trialsNow",
                        "trialsBefore",
                        "baselineWindows",
                        "currentWindow",
                        "series");
        assertThat(first.getEvidence().get("failures"))
                .contains("REQUEST_LIMIT_EXCEEDED")
                .contains("HTTP 401");
        assertThat(first.getEventTime()).isBetween(DEPLOY, DEPLOY.plus(Duration.ofMinutes(12)));
        assertThat(out.get(out.size() - 1).getEventTime())
                .isAfter(T0.plus(Duration.ofMinutes(160)));
    }

    @Test
    void calloutsToAHostThatStopsAnsweringAlertNamingTheHostAndTheClassNamedAfterIt() {
        minutes(0, 120, 0, 0.01);
        driver.deploy(
                Fixtures.deploy(
                        DEPLOY_ID,
                        DEPLOY,
                        "ApexClass:ErpClient",
                        "ApexClass:InvoiceService",
                        "NamedCredential:ERP"));
        minutes(120, 160, 0, 0.5);
        final List<Alert> out = failures();
        assertThat(out).extracting(Alert::getSubject).containsOnly("callouts to erp.example.com");
        assertThat(out.get(0).getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(out.get(0).getSummary()).contains("callouts failed");
        assertThat(out.get(0).getEvidence())
                .containsEntry("failures", "no response")
                .containsEntry("suspectComponents", "ApexClass:ErpClient,NamedCredential:ERP");
    }

    @Test
    void aSteadyLowFailureRateAfterADeployIsNoIncident() {
        minutes(0, 120, 0, 0.02);
        driver.deploy(Fixtures.deploy(DEPLOY_ID, DEPLOY, "ApexClass:ErpClient"));
        minutes(120, 240, 0, 0.02);
        assertThat(failures()).isEmpty();
    }
}
