package io.sfpulse.emulator.scenario;

import io.sfpulse.emulator.org.DeployRequestRecord;
import io.sfpulse.emulator.org.EmulatedOrg;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/** Canned stories with Salesforce-shaped traffic (Nebula Logger entries, DeployRequests). */
public final class Scenarios {

    public static final String LOG_CHANNEL = "/event/LogEntryEvent__e";
    public static final String DEPLOY_ID = "0Af5g00000Demo1CAA";
    public static final List<String> DEPLOY_COMPONENTS =
            List.of(
                    "ApexClass:InvoiceService",
                    "ApexTrigger:InvoiceTrigger",
                    "Flow:Invoice_Approval");

    private Scenarios() {}

    /**
     * Two hours of normal traffic (INFO entries, a rare DmlException), a deploy of
     * InvoiceService at T, a NullPointerException burst in InvoiceService from T+2m to T+12m,
     * then recovery until T+40m.
     */
    public static Scenario deployErrorBurst(final long seed) {
        final Random random = new Random(seed);
        final Scenario s =
                new Scenario(
                        "deploy-error-burst",
                        "2 h of normal traffic, deploy at T, NullPointerException burst in InvoiceService T+2m..T+12m, recovery to T+40m");
        final int deployMinute = 120;
        s.milestone(
                Duration.ZERO,
                "baseline: normal traffic (INFO logs, rare DmlException) for 2 h",
                Duration.ZERO,
                (org, at) -> {});
        normalTraffic(s, random, deployMinute + 40);
        deploy(s, deployMinute);
        s.milestone(
                Duration.ofMinutes(deployMinute + 2),
                "error burst starts: NullPointerException in InvoiceService",
                Duration.ZERO,
                (org, at) -> {});
        nullPointerBurst(s, random, deployMinute + 2);
        s.milestone(
                Duration.ofMinutes(deployMinute + 12),
                "error burst ends (hotfix): traffic back to normal",
                Duration.ZERO,
                (org, at) -> {});
        s.milestone(
                Duration.ofMinutes(deployMinute + 40),
                "scenario complete",
                Duration.ZERO,
                (org, at) -> {});
        return s;
    }

    /**
     * 2 h of normal traffic, the deploy, the NullPointerException burst for 10 minutes - and then the
     * org goes silent: the scenario ends with the regression, no recovery traffic follows. Only time
     * moving on (progress records) can resolve what it raised.
     */
    public static Scenario deployErrorBurstThenSilence(final long seed) {
        final Random random = new Random(seed);
        final Scenario s =
                new Scenario(
                        "deploy-error-burst-then-silence",
                        "2 h of normal traffic, deploy at T, NullPointerException burst T+2m..T+12m, then no event at all");
        final int deployMinute = 120;
        s.milestone(
                Duration.ZERO,
                "baseline: normal traffic (INFO logs, rare DmlException) for 2 h",
                Duration.ZERO,
                (org, at) -> {});
        normalTraffic(s, random, deployMinute);
        deploy(s, deployMinute);
        nullPointerBurst(s, random, deployMinute + 2);
        s.milestone(
                Duration.ofMinutes(deployMinute + 12),
                "the org goes silent: no further events",
                Duration.ZERO,
                (org, at) -> {});
        return s;
    }

    /** The record-triggered flow of {@link #flowStops}. */
    public static final String STOPPING_FLOW = "Invoice_Update";

    public static final String FLOW_DEPLOY_ID = "0Af5g00000Demo2CAA";
    public static final List<String> FLOW_DEPLOY_COMPONENTS =
            List.of("Flow:" + STOPPING_FLOW, "ValidationRule:Invoice__c.Require_Amount");

    /** The scenarios {@code sfpulse demo --scenario NAME} knows, by name. */
    public static final Map<String, java.util.function.LongFunction<Scenario>> BY_NAME =
            Map.of(
                    "deploy-error-burst", Scenarios::deployErrorBurst,
                    "flow-stops", Scenarios::flowStops);

    /**
     * Two hours of normal traffic plus a record-triggered flow, Invoice_Update, that logs a Nebula
     * Logger entry each time it runs (~40 times an hour); a deploy at T changes the flow and it stops
     * firing; at T+35m an admin reactivates the previous flow version and it runs again; traffic goes
     * on to T+60m.
     */
    public static Scenario flowStops(final long seed) {
        final Random random = new Random(seed);
        final Scenario s =
                new Scenario(
                        "flow-stops",
                        "2 h of normal traffic with the Invoice_Update flow running ~40/h, deploy at T changing it, the flow stops, runs again from T+35m");
        final int deployMinute = 120;
        s.milestone(
                Duration.ZERO,
                "baseline: normal traffic and the Invoice_Update flow (~40 runs an hour) for 2 h",
                Duration.ZERO,
                (org, at) -> {});
        normalTraffic(s, random, deployMinute + 60);
        s.milestone(
                Duration.ofMinutes(deployMinute),
                "deploy " + FLOW_DEPLOY_ID + " completed: " + FLOW_DEPLOY_COMPONENTS,
                Duration.ofSeconds(2),
                (org, at) ->
                        org.addDeployRequest(
                                new DeployRequestRecord(
                                        FLOW_DEPLOY_ID,
                                        "Succeeded",
                                        false,
                                        at.minusSeconds(180),
                                        at,
                                        "release.bot@acme.example",
                                        FLOW_DEPLOY_COMPONENTS,
                                        0)));
        s.milestone(
                Duration.ofMinutes(deployMinute),
                "the Invoice_Update flow stops firing",
                Duration.ZERO,
                (org, at) -> {});
        s.milestone(
                Duration.ofMinutes(deployMinute + 35),
                "previous flow version reactivated: Invoice_Update runs again",
                Duration.ZERO,
                (org, at) -> {});
        for (int m = 0; m < deployMinute + 60; m++) {
            if (m >= deployMinute && m < deployMinute + 35) {
                continue;
            }
            if (random.nextInt(3) < 2) {
                s.at(
                        Duration.ofMinutes(m).plusSeconds(random.nextInt(60)),
                        (org, at) -> flowRan(org, at, STOPPING_FLOW));
            }
        }
        s.milestone(
                Duration.ofMinutes(deployMinute + 60),
                "scenario complete",
                Duration.ZERO,
                (org, at) -> {});
        return s;
    }

    /** Two INFO entries a minute (two Apex entry points) and, one minute in 30, a DmlException, for {@code minutes} from the start. */
    private static void normalTraffic(final Scenario s, final Random random, final int minutes) {
        for (int m = 0; m < minutes; m++) {
            final Duration offset = Duration.ofMinutes(m);
            s.at(
                    offset.plusSeconds(random.nextInt(30)),
                    (org, at) -> info(org, at, "Invoice batch processed", "InvoiceBatch.execute"));
            s.at(
                    offset.plusSeconds(30 + random.nextInt(30)),
                    (org, at) -> info(org, at, "Account sync completed", "AccountSync.run"));
            if (random.nextInt(30) == 0) {
                s.at(
                        offset.plusSeconds(random.nextInt(60)),
                        (org, at) ->
                                error(
                                        org,
                                        at,
                                        "System.DmlException",
                                        "Insert failed. First exception on row 0; first error: REQUIRED_FIELD_MISSING",
                                        "Class.AccountService.save: line 88, column 1"));
            }
        }
    }

    private static void deploy(final Scenario s, final int minute) {
        s.milestone(
                Duration.ofMinutes(minute),
                "deploy " + DEPLOY_ID + " completed: " + DEPLOY_COMPONENTS,
                Duration.ofSeconds(2),
                (org, at) ->
                        org.addDeployRequest(
                                new DeployRequestRecord(
                                        DEPLOY_ID,
                                        "Succeeded",
                                        false,
                                        at.minusSeconds(240),
                                        at,
                                        "release.bot@acme.example",
                                        DEPLOY_COMPONENTS,
                                        0)));
    }

    /** 25 NullPointerExceptions in InvoiceService over 10 minutes from {@code fromMinute}. */
    private static void nullPointerBurst(
            final Scenario s, final Random random, final int fromMinute) {
        for (int i = 0; i < 25; i++) {
            s.at(
                    Duration.ofMinutes(fromMinute).plusSeconds(i * 24L + random.nextInt(10)),
                    (org, at) ->
                            error(
                                    org,
                                    at,
                                    "System.NullPointerException",
                                    "Attempt to de-reference a null object",
                                    "Class.InvoiceService.calculate: line 42, column 1\nClass.InvoiceTrigger: line 7, column 1"));
        }
    }

    private static void info(
            final EmulatedOrg org,
            final Instant at,
            final String message,
            final String apexOrigin) {
        final Map<String, Object> p = entry(at, "INFO", message, null, null, null);
        p.put("OriginLocation__c", apexOrigin);
        org.publishPlatformEvent(LOG_CHANNEL, p, UUID.randomUUID().toString());
    }

    /** What a flow's Nebula Logger "Add Log Entry" action publishes: OriginType__c Flow, OriginLocation__c the flow's API name. */
    private static void flowRan(final EmulatedOrg org, final Instant at, final String flow) {
        final Map<String, Object> p = entry(at, "INFO", "Invoice updated", null, null, null);
        p.put("OriginType__c", "Flow");
        p.put("OriginLocation__c", flow);
        org.publishPlatformEvent(LOG_CHANNEL, p, UUID.randomUUID().toString());
    }

    private static void error(
            final EmulatedOrg org,
            final Instant at,
            final String type,
            final String message,
            final String trace) {
        org.publishPlatformEvent(
                LOG_CHANNEL,
                entry(at, "ERROR", type + ": " + message, type, message, trace),
                UUID.randomUUID().toString());
    }

    /** A Nebula Logger LogEntryEvent__e payload (unlocked package field names). */
    private static Map<String, Object> entry(
            final Instant at,
            final String level,
            final String message,
            final String type,
            final String exceptionMessage,
            final String trace) {
        final Map<String, Object> p = new LinkedHashMap<>();
        p.put("CreatedDate", at.toString());
        p.put("CreatedById", "005000000000001AAA");
        p.put("LoggingLevel__c", level);
        p.put("Message__c", message);
        p.put("ExceptionType__c", type);
        p.put("ExceptionMessage__c", exceptionMessage);
        p.put("ExceptionStackTrace__c", trace);
        p.put("OriginType__c", "Apex");
        p.put(
                "OriginLocation__c",
                trace == null ? "InvoiceBatch.execute" : trace.lines().findFirst().orElse(null));
        p.put("TransactionId__c", UUID.randomUUID().toString());
        p.put("LoggedByUsername__c", "integration@acme.example");
        p.put("EpochTimestamp__c", at.toEpochMilli());
        p.put("Timestamp__c", at.toString());
        return p;
    }
}
