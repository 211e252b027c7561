package io.sfpulse.streams.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalNormalizerTest {

    private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");
    private final SignalNormalizer normalizer = new SignalNormalizer();

    private List<Signal> normalize(final String channel, final String payload) {
        return normalizer.normalize(
                SalesforceEvent.newBuilder()
                        .setOrgId("00D000000000001EAA")
                        .setChannel(channel)
                        .setSource(EventSource.COMETD)
                        .setReplayId(1L)
                        .setEventUuid("e-1")
                        .setEventTime(AT)
                        .setReceivedTime(AT)
                        .setPayload(payload)
                        .build());
    }

    @Test
    void nebulaErrorBecomesFailureWithSignatureWithoutIdsOrNumbersAndTopStackFrame() {
        final Signal s =
                normalize(
                                "/event/LogEntryEvent__e",
                                "{\"LoggingLevel__c\":\"ERROR\",\"ExceptionType__c\":\"System.DmlException\","
                                        + "\"ExceptionMessage__c\":\"Insert failed on 001000000000123AAA, row 7\",\"ExceptionStackTrace__c\":"
                                        + "\"Class.InvoiceService.save: line 88, column 1\\nClass.InvoiceController.submit: line 12\"}")
                        .get(0);
        assertThat(s.getKind()).isEqualTo(SignalKind.FAILURE);
        assertThat(s.getSignature())
                .isEqualTo("System.DmlException: Insert failed on <id>, row <n>");
        assertThat(s.getLocation()).isEqualTo("Class.InvoiceService.save");
    }

    @Test
    void nebulaErrorLoggedFromAFlowIsLocatedAtTheFlow() {
        final Signal s =
                normalize(
                                "/event/LogEntryEvent__e",
                                "{\"LoggingLevel__c\":\"ERROR\",\"Message__c\":\"Approval step failed\","
                                        + "\"ExceptionSourceMetadataType__c\":\"Flow\",\"ExceptionSourceApiName__c\":\"Invoice_Approval\"}")
                        .get(0);
        assertThat(s.getKind()).isEqualTo(SignalKind.FAILURE);
        assertThat(s.getSignature()).isEqualTo("Approval step failed");
        assertThat(s.getLocation()).isEqualTo("Flow.Invoice_Approval");
    }

    @Test
    void flowExecutionErrorEventAndACustomEventRelayingItBecomeFlowFailures() {
        final Signal standard =
                normalize(
                                "/event/FlowExecutionErrorEvent",
                                "{\"FlowApiName\":\"Invoice_Approval\",\"ElementApiName\":"
                                        + "\"Update_Invoice\",\"ErrorMessage\":\"This error occurred when the flow tried to update records: FIELD_CUSTOM_VALIDATION_EXCEPTION\"}")
                        .get(0);
        assertThat(standard.getKind()).isEqualTo(SignalKind.FAILURE);
        assertThat(standard.getSignature())
                .isEqualTo(
                        "Flow.Invoice_Approval: This error occurred when the flow tried to update records: FIELD_CUSTOM_VALIDATION_EXCEPTION");
        assertThat(standard.getLocation()).isEqualTo("Flow.Invoice_Approval.Update_Invoice");
        final Signal relayed =
                normalize(
                                "/event/FlowError__e",
                                "{\"FlowApiName__c\":\"Invoice_Approval\",\"ErrorMessage__c\":\"boom\"}")
                        .get(0);
        assertThat(relayed.getSignature()).isEqualTo("Flow.Invoice_Approval: boom");
        assertThat(relayed.getLocation()).isEqualTo("Flow.Invoice_Approval");
    }

    @Test
    void changeEventOfAnObjectWithAFlowApiNameFieldStaysADataChange() {
        final Signal s =
                normalize(
                                "/data/Automation__ChangeEvent",
                                "{\"ChangeEventHeader\":{\"entityName\":\"Automation__c\","
                                        + "\"changeType\":\"UPDATE\",\"commitUser\":\"005A\",\"recordIds\":[\"a00000000000001AAA\"]},\"FlowApiName__c\":null}")
                        .get(0);
        assertThat(s.getKind()).isEqualTo(SignalKind.DATA_CHANGE);
        assertThat(s.getSubject()).isEqualTo("Automation__c");
        assertThat(s.getAttributes())
                .containsEntry("nulledFields", "FlowApiName__c")
                .containsEntry("changeType", "UPDATE");
    }

    @Test
    void changeEventsCarryTheValuesOfConfiguredCategoryFieldsOnly() {
        final SignalNormalizer withFields =
                new SignalNormalizer(
                        java.util.Set.of("Case.Status", "Case.Priority", "Lead.Status"));
        final Signal s =
                withFields
                        .normalize(
                                SalesforceEvent.newBuilder()
                                        .setOrgId("00D000000000001EAA")
                                        .setChannel("/data/ChangeEvents")
                                        .setSource(EventSource.COMETD)
                                        .setReplayId(1L)
                                        .setEventUuid("e-2")
                                        .setEventTime(AT)
                                        .setReceivedTime(AT)
                                        .setPayload(
                                                "{\"ChangeEventHeader\":{\"entityName\":\"Case\",\"changeType\":\"UPDATE\",\"commitUser\":\"005A\","
                                                        + "\"recordIds\":[\"500000000000001AAA\"]},\"Status\":\"Closed\",\"Priority\":null,\"Subject\":\"Printer\"}")
                                        .build())
                        .get(0);
        assertThat(s.getAttributes())
                .containsEntry("value.Status", "Closed")
                .containsEntry("value.Priority", SignalNormalizer.NO_VALUE)
                .doesNotContainKey("value.Subject");
        // Without configured fields no values are carried.
        assertThat(
                        normalize(
                                        "/data/ChangeEvents",
                                        "{\"ChangeEventHeader\":{\"entityName\":\"Case\",\"changeType\":\"UPDATE\"},"
                                                + "\"Status\":\"Closed\"}")
                                .get(0)
                                .getAttributes())
                .doesNotContainKey("value.Status");
    }

    @Test
    void changeEventsCarryTheRecordReferencesTheyWriteAndADeleteItsRecordIds() {
        final Signal update =
                normalize(
                                "/data/ChangeEvents",
                                "{\"ChangeEventHeader\":{\"entityName\":\"Contact\",\"changeType\":\"UPDATE\","
                                        + "\"recordIds\":[\"003000000000001AAA\"]},\"AccountId\":\"001000000000042AAA\",\"ReportsToId\":\"003000000000007AAB\","
                                        + "\"Title\":\"ABCDEFGHIJKLMNOPQR\",\"LastModifiedById\":\"005000000000001AAA\"}")
                        .get(0);
        // A case-safe id is a reference; a wrong suffix, an 18-letter word and who-changed-it
        // fields are not.
        assertThat(update.getAttributes())
                .containsEntry("ref.AccountId", "001000000000042AAA")
                .doesNotContainKeys(
                        "ref.ReportsToId", "ref.Title", "ref.LastModifiedById", "recordIds");
        final Signal delete =
                normalize(
                                "/data/ChangeEvents",
                                "{\"ChangeEventHeader\":{\"entityName\":\"Account\",\"changeType\":\"DELETE\","
                                        + "\"recordIds\":[\"001000000000042AAA\",\"001000000000043\"]}}")
                        .get(0);
        assertThat(delete.getAttributes())
                .containsEntry("recordIds", "001000000000042AAA,001000000000043AAA");
    }

    @Test
    void requestsSayWhoMadeThemAndHowTheyEnded() {
        final Signal limited =
                normalize(
                                "elf/RestApi",
                                "{\"METHOD\":\"GET\",\"URI\":\"/services/data/v62.0/limits\",\"CLIENT_NAME\":\"\","
                                        + "\"CONNECTED_APP_NAME\":\"Invoice Sync\",\"STATUS_CODE\":\"403\",\"EXCEPTION_MESSAGE\":\"REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.\","
                                        + "\"RUN_TIME\":\"12\"}")
                        .get(0);
        assertThat(limited.getAttributes())
                .containsEntry(SignalNormalizer.REQUESTER, "API client Invoice Sync")
                .containsEntry(SignalNormalizer.OUTCOME, "REQUEST_LIMIT_EXCEEDED");
        final Signal soap =
                normalize(
                                "elf/API",
                                "{\"METHOD_NAME\":\"query\",\"CLIENT_NAME\":\"DataLoader\",\"REQUEST_STATUS\":\"A\",\"RUN_TIME\":\"3\"}")
                        .get(0);
        assertThat(soap.getAttributes())
                .containsEntry(SignalNormalizer.OUTCOME, "authorization error");
        final Signal callout =
                normalize(
                                "elf/ApexCallout",
                                "{\"URL\":\"https://ERP.example.com/api/orders\",\"SUCCESS\":\"1\","
                                        + "\"STATUS_CODE\":\"503\",\"TIME\":\"227\"}")
                        .get(0);
        assertThat(callout.getKind()).isEqualTo(SignalKind.LATENCY);
        assertThat(callout.getSubject()).isEqualTo("callout erp.example.com");
        assertThat(callout.getValue()).isEqualTo(227.0);
        assertThat(callout.getAttributes())
                .containsEntry(SignalNormalizer.REQUESTER, "callouts to erp.example.com")
                .containsEntry(SignalNormalizer.OUTCOME, "HTTP 503");
        final Signal usage =
                normalize(
                                "elf/ApiTotalUsage",
                                "{\"CLIENT_NAME\":\"\",\"CONNECTED_APP_NAME\":\"Invoice Sync\",\"STATUS_CODE\":\"204\"}")
                        .get(0);
        assertThat(usage.getKind()).isEqualTo(SignalKind.OBSERVATION);
        assertThat(usage.getAttributes())
                .containsEntry(SignalNormalizer.OUTCOME, SignalNormalizer.OK);
    }

    @Test
    void apexExecutionRowGivesWallTimeAndCpuTimeSeries() {
        final List<Signal> signals =
                normalize(
                        "elf/ApexExecution",
                        "{\"ENTRY_POINT\":\"InvoiceController.submit\",\"RUN_TIME\":\"812\","
                                + "\"CPU_TIME\":\"640\"}");
        assertThat(signals).extracting(Signal::getKind).containsOnly(SignalKind.LATENCY);
        assertThat(signals)
                .extracting(Signal::getSubject, Signal::getValue)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("apex InvoiceController.submit", 812.0),
                        org.assertj.core.groups.Tuple.tuple(
                                "apex cpu InvoiceController.submit", 640.0));
        assertThat(
                        normalize(
                                "elf/ApexExecution",
                                "{\"ENTRY_POINT\":\"X\",\"RUN_TIME\":\"5\",\"CPU_TIME\":\"\"}"))
                .extracting(Signal::getSubject)
                .containsExactly("apex X");
    }

    @Test
    void serverErrorRestCallIsBothALatencyAndAFailure() {
        final List<Signal> signals =
                normalize(
                        "elf/RestApi",
                        "{\"METHOD\":\"GET\",\"URI\":\"/services/data/v62.0/sobjects/Account/"
                                + "001000000000001AAA\",\"RUN_TIME\":\"95\",\"STATUS_CODE\":\"503\"}");
        assertThat(signals)
                .extracting(Signal::getKind)
                .containsExactly(SignalKind.LATENCY, SignalKind.FAILURE);
        assertThat(signals.get(0).getSubject())
                .isEqualTo("rest GET /services/data/v<n>.<n>/sobjects/Account/<id>");
        assertThat(signals.get(1).getSignature())
                .isEqualTo("HTTP 503 rest GET /services/data/v<n>.<n>/sobjects/Account/<id>");
    }

    @Test
    void malformedPayloadsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> normalize("/event/LogEntryEvent__e", "{not json"))
                .isInstanceOf(SignalNormalizer.MalformedEventException.class)
                .hasMessageContaining("is not JSON")
                .hasMessageContaining("e-1");
        assertThatThrownBy(() -> normalize("/event/LogEntryEvent__e", "\"text\""))
                .isInstanceOf(SignalNormalizer.MalformedEventException.class)
                .hasMessageContaining("not an object");
        assertThatThrownBy(() -> normalize("/data/ChangeEvents", "{\"Name\":\"Acme\"}"))
                .isInstanceOf(SignalNormalizer.MalformedEventException.class)
                .hasMessageContaining("no ChangeEventHeader");
    }

    @Test
    void nebulaEntryNamingItsOriginIsActivityOfThatEntryPoint() {
        final Signal flow =
                normalize(
                                "/event/LogEntryEvent__e",
                                "{\"LoggingLevel__c\":\"INFO\",\"OriginType__c\":\"Flow\","
                                        + "\"OriginLocation__c\":\"Invoice_Update\"}")
                        .get(0);
        assertThat(flow.getKind()).isEqualTo(SignalKind.ACTIVITY);
        assertThat(flow.getSubject()).isEqualTo("Flow.Invoice_Update");
        assertThat(flow.getValue()).isEqualTo(1.0);
        final Signal apex =
                normalize(
                                "/event/LogEntryEvent__e",
                                "{\"LoggingLevel__c\":\"DEBUG\",\"OriginType__c\":\"Apex\","
                                        + "\"OriginLocation__c\":\"InvoiceBatch.execute: line 12, column 1\"}")
                        .get(0);
        assertThat(apex.getSubject()).isEqualTo("Class.InvoiceBatch.execute");
        assertThat(
                        normalize(
                                        "/event/LogEntryEvent__e",
                                        "{\"LoggingLevel__c\":\"INFO\",\"Message__c\":\"heartbeat\"}")
                                .get(0)
                                .getKind())
                .isEqualTo(SignalKind.OBSERVATION);
    }

    @Test
    void customPlatformEventIsActivityOfItsChannelAndFlowExecutionRowsOfTheirFlowVersion() {
        final Signal order =
                normalize("/event/Order_Created__e", "{\"OrderNumber__c\":\"1\"}").get(0);
        assertThat(order.getKind()).isEqualTo(SignalKind.ACTIVITY);
        assertThat(order.getSubject()).isEqualTo("Event.Order_Created__e");
        final Signal flow =
                normalize(
                                "elf/FlowExecution",
                                "{\"EVENT_TYPE\":\"FlowExecution\",\"PROCESS_TYPE\":\"AutoLaunchedFlow\","
                                        + "\"FLOW_VERSION_ID\":\"3015j000000Tq4K\",\"NUMBER_OF_INTERVIEWS\":\"25\",\"NUMBER_OF_ERRORS\":\"3\"}")
                        .get(0);
        assertThat(flow.getKind()).isEqualTo(SignalKind.ACTIVITY);
        assertThat(flow.getSubject()).isEqualTo("FlowVersion.3015j000000Tq4K");
        assertThat(flow.getValue()).isEqualTo(25.0);
    }

    private static SalesforceEvent event(
            final String channel,
            final EventSource source,
            final Instant received,
            final String payload) {
        return SalesforceEvent.newBuilder()
                .setOrgId("00D000000000001EAA")
                .setChannel(channel)
                .setSource(source)
                .setReplayId(null)
                .setEventUuid("e-2")
                .setEventTime(AT)
                .setReceivedTime(received)
                .setPayload(payload)
                .build();
    }

    @Test
    void aStreamedEventAlsoYieldsItsDeliveryLagAndAnEventLogRowDoesNot() {
        final List<Signal> streamed =
                normalizer.normalize(
                        event(
                                "/data/AccountChangeEvent",
                                EventSource.PUBSUB,
                                AT.plusSeconds(95),
                                "{\"ChangeEventHeader\":{\"entityName\":\"Account\",\"changeType\":\"UPDATE\","
                                        + "\"commitUser\":\"005000000000001AAA\",\"recordIds\":[\"001000000000001AAA\"]}}"));
        assertThat(streamed)
                .extracting(Signal::getKind)
                .containsExactly(SignalKind.DATA_CHANGE, SignalKind.LATENCY);
        assertThat(streamed.get(1).getSubject())
                .isEqualTo("delivery lag of /data/AccountChangeEvent");
        assertThat(streamed.get(1).getValue()).isEqualTo(95_000.0);
        assertThat(
                        normalizer.normalize(
                                event(
                                        "elf/RestApi",
                                        EventSource.EVENT_LOG_FILE,
                                        AT.plusSeconds(7200),
                                        "{\"METHOD\":\"GET\",\"URI\":\"/x\",\"RUN_TIME\":\"5\",\"STATUS_CODE\":\"200\"}")))
                .noneMatch(
                        sig -> sig.getSubject().startsWith(SignalNormalizer.DELIVERY_LAG_PREFIX));
        // An event received before its time (clocks apart) tells no lag.
        assertThat(
                        normalizer.normalize(
                                event(
                                        "/event/Order_Created__e",
                                        EventSource.COMETD,
                                        AT.minusSeconds(1),
                                        "{}")))
                .hasSize(1);
    }

    @Test
    void aChangeByAnIntegrationUserIsAlsoActivityOfThatUser() {
        final SignalNormalizer withUsers =
                new SignalNormalizer(java.util.Set.of(), java.util.Set.of("005000000000009"));
        final String payload =
                "{\"ChangeEventHeader\":{\"entityName\":\"Account\",\"changeType\":\"UPDATE\","
                        + "\"commitUser\":\"%s\",\"recordIds\":[\"001000000000001AAA\"]}}";
        final List<Signal> byIntegration =
                withUsers.normalize(
                        event(
                                "/data/AccountChangeEvent",
                                EventSource.COMETD,
                                AT,
                                String.format(
                                        payload,
                                        io.sfpulse.schemas.id.SalesforceIds.to18(
                                                "005000000000009"))));
        assertThat(byIntegration)
                .extracting(Signal::getKind)
                .contains(SignalKind.DATA_CHANGE, SignalKind.ACTIVITY);
        assertThat(byIntegration)
                .filteredOn(sig -> sig.getKind() == SignalKind.ACTIVITY)
                .extracting(Signal::getSubject)
                .containsExactly(
                        "changes by integration user "
                                + io.sfpulse.schemas.id.SalesforceIds.to18("005000000000009"));
        assertThat(
                        withUsers.normalize(
                                event(
                                        "/data/AccountChangeEvent",
                                        EventSource.COMETD,
                                        AT,
                                        String.format(payload, "005000000000001AAA"))))
                .noneMatch(sig -> sig.getKind() == SignalKind.ACTIVITY);
    }

    @Test
    void aLimitsSnapshotIsOneUsageSignalPerWindowedLimitAndAMalformedOneIsRefused() {
        final List<Signal> usage =
                normalizer.normalize(
                        event(
                                "rest/limits",
                                EventSource.REST_POLL,
                                AT,
                                "{\"DailyApiRequests\":{\"Max\":15000,\"Remaining\":14998,"
                                        + "\"Salesforce CLI\":{\"Max\":0,\"Remaining\":0}},"
                                        + "\"HourlyODataCallout\":{\"Max\":\"20000\",\"Remaining\":\"19000\"},"
                                        + "\"DailyScratchOrgs\":{\"Max\":0,\"Remaining\":0},"
                                        + "\"DataStorageMB\":{\"Max\":1024,\"Remaining\":1000}}"));
        assertThat(usage).extracting(Signal::getKind).containsOnly(SignalKind.USAGE);
        assertThat(usage)
                .extracting(Signal::getSubject)
                .containsExactly("DailyApiRequests", "HourlyODataCallout");
        assertThat(usage.get(0).getValue()).isEqualTo(2.0);
        assertThat(usage.get(0).getAttributes())
                .containsEntry(SignalNormalizer.LIMIT_MAX, "15000")
                .containsEntry(SignalNormalizer.LIMIT_REMAINING, "14998");
        assertThat(usage.get(1).getValue()).isEqualTo(1000.0);
        assertThatThrownBy(
                        () ->
                                normalizer.normalize(
                                        event(
                                                "rest/limits",
                                                EventSource.REST_POLL,
                                                AT,
                                                "{\"DailyApiRequests\":{\"Max\":\"lots\"}}")))
                .isInstanceOf(SignalNormalizer.MalformedEventException.class)
                .hasMessageContaining("entry 'DailyApiRequests' has no numeric Max and Remaining");
        assertThatThrownBy(
                        () ->
                                normalizer.normalize(
                                        event(
                                                "rest/limits",
                                                EventSource.REST_POLL,
                                                AT,
                                                "{\"DataStorageMB\":{\"Max\":1,\"Remaining\":1}}")))
                .isInstanceOf(SignalNormalizer.MalformedEventException.class)
                .hasMessageContaining("no Daily or Hourly limit");
    }
}
