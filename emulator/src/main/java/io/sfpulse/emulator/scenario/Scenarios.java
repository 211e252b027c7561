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
        List.of("ApexClass:InvoiceService", "ApexTrigger:InvoiceTrigger", "Flow:Invoice_Approval");

    private Scenarios() {
    }

    /**
     * Two hours of normal traffic (INFO entries, a rare DmlException), a deploy of
     * InvoiceService at T, a NullPointerException burst in InvoiceService from T+2m to T+12m,
     * then recovery until T+40m.
     */
    public static Scenario deployErrorBurst(final long seed) {
        final Random random = new Random(seed);
        final Scenario s = new Scenario("deploy-error-burst",
            "2 h of normal traffic, deploy at T, NullPointerException burst in InvoiceService T+2m..T+12m, recovery to T+40m");
        final int deployMinute = 120;
        s.milestone(Duration.ZERO, "baseline: normal traffic (INFO logs, rare DmlException) for 2 h", Duration.ZERO, (org, at) -> { });
        normalTraffic(s, random, deployMinute + 40);
        deploy(s, deployMinute);
        s.milestone(Duration.ofMinutes(deployMinute + 2), "error burst starts: NullPointerException in InvoiceService", Duration.ZERO, (org, at) -> { });
        nullPointerBurst(s, random, deployMinute + 2);
        s.milestone(Duration.ofMinutes(deployMinute + 12), "error burst ends (hotfix): traffic back to normal", Duration.ZERO, (org, at) -> { });
        s.milestone(Duration.ofMinutes(deployMinute + 40), "scenario complete", Duration.ZERO, (org, at) -> { });
        return s;
    }

    /**
     * 2 h of normal traffic, the deploy, the NullPointerException burst for 10 minutes - and then the
     * org goes silent: the scenario ends with the regression, no recovery traffic follows. Only time
     * moving on (progress records) can resolve what it raised.
     */
    public static Scenario deployErrorBurstThenSilence(final long seed) {
        final Random random = new Random(seed);
        final Scenario s = new Scenario("deploy-error-burst-then-silence",
            "2 h of normal traffic, deploy at T, NullPointerException burst T+2m..T+12m, then no event at all");
        final int deployMinute = 120;
        s.milestone(Duration.ZERO, "baseline: normal traffic (INFO logs, rare DmlException) for 2 h", Duration.ZERO, (org, at) -> { });
        normalTraffic(s, random, deployMinute);
        deploy(s, deployMinute);
        nullPointerBurst(s, random, deployMinute + 2);
        s.milestone(Duration.ofMinutes(deployMinute + 12), "the org goes silent: no further events", Duration.ZERO, (org, at) -> { });
        return s;
    }

    /** Two INFO entries a minute and, one minute in 30, a DmlException, for {@code minutes} from the start. */
    private static void normalTraffic(final Scenario s, final Random random, final int minutes) {
        for (int m = 0; m < minutes; m++) {
            final Duration offset = Duration.ofMinutes(m);
            s.at(offset.plusSeconds(random.nextInt(30)), (org, at) -> info(org, at, "Invoice batch processed"));
            s.at(offset.plusSeconds(30 + random.nextInt(30)), (org, at) -> info(org, at, "Account sync completed"));
            if (random.nextInt(30) == 0) {
                s.at(offset.plusSeconds(random.nextInt(60)), (org, at) -> error(org, at, "System.DmlException",
                    "Insert failed. First exception on row 0; first error: REQUIRED_FIELD_MISSING", "Class.AccountService.save: line 88, column 1"));
            }
        }
    }

    private static void deploy(final Scenario s, final int minute) {
        s.milestone(Duration.ofMinutes(minute), "deploy " + DEPLOY_ID + " completed: " + DEPLOY_COMPONENTS, Duration.ofSeconds(2),
            (org, at) -> org.addDeployRequest(new DeployRequestRecord(DEPLOY_ID, "Succeeded", false, at.minusSeconds(240), at,
                "release.bot@acme.example", DEPLOY_COMPONENTS, 0)));
    }

    /** 25 NullPointerExceptions in InvoiceService over 10 minutes from {@code fromMinute}. */
    private static void nullPointerBurst(final Scenario s, final Random random, final int fromMinute) {
        for (int i = 0; i < 25; i++) {
            s.at(Duration.ofMinutes(fromMinute).plusSeconds(i * 24L + random.nextInt(10)), (org, at) -> error(org, at,
                "System.NullPointerException", "Attempt to de-reference a null object",
                "Class.InvoiceService.calculate: line 42, column 1\nClass.InvoiceTrigger: line 7, column 1"));
        }
    }

    private static void info(final EmulatedOrg org, final Instant at, final String message) {
        org.publishPlatformEvent(LOG_CHANNEL, entry(at, "INFO", message, null, null, null), UUID.randomUUID().toString());
    }

    private static void error(final EmulatedOrg org, final Instant at, final String type, final String message, final String trace) {
        org.publishPlatformEvent(LOG_CHANNEL, entry(at, "ERROR", type + ": " + message, type, message, trace), UUID.randomUUID().toString());
    }

    /** A Nebula Logger LogEntryEvent__e payload (unlocked package field names). */
    private static Map<String, Object> entry(final Instant at, final String level, final String message, final String type,
                                             final String exceptionMessage, final String trace) {
        final Map<String, Object> p = new LinkedHashMap<>();
        p.put("CreatedDate", at.toString());
        p.put("CreatedById", "005000000000001AAA");
        p.put("LoggingLevel__c", level);
        p.put("Message__c", message);
        p.put("ExceptionType__c", type);
        p.put("ExceptionMessage__c", exceptionMessage);
        p.put("ExceptionStackTrace__c", trace);
        p.put("OriginType__c", "Apex");
        p.put("OriginLocation__c", trace == null ? "Class.InvoiceBatch.execute" : trace.lines().findFirst().orElse(null));
        p.put("TransactionId__c", UUID.randomUUID().toString());
        p.put("LoggedByUsername__c", "integration@acme.example");
        p.put("EpochTimestamp__c", at.toEpochMilli());
        p.put("Timestamp__c", at.toString());
        return p;
    }
}
