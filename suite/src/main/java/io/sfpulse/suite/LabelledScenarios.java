package io.sfpulse.suite;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.schemas.event.EventSource;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.id.SalesforceIds;
import io.sfpulse.schemas.progress.ProgressTransport;
import io.sfpulse.schemas.progress.SourceProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Generated Salesforce-shaped traffic with known answers: per org, four hours of Nebula Logger
 * entries (INFO heartbeats, a few recurring errors), Real-Time Event Monitoring API latencies
 * (log-normal) and change events (Account updates by three users, some nulling Phone, rare
 * deletes; Case and Account creations; Case Status and Contact AccountId updates); at two hours either a deploy or nothing, and - depending on the {@link Kind} - a
 * regression from then on for 45 minutes before traffic returns to normal. Random but
 * reproducible (seeded). Used by the labelled detection suite, the detector ITs and tests.
 */
public final class LabelledScenarios {

    public static final String LOG_CHANNEL = "/event/LogEntryEvent__e";
    public static final String API_CHANNEL = "/event/ApiEventStream";
    public static final String CDC_CHANNEL = "/data/ChangeEvents";
    public static final Duration BASELINE = Duration.ofHours(2);
    public static final Duration REGRESSION = Duration.ofMinutes(45);
    public static final Duration TOTAL = Duration.ofHours(4);
    static final String AUTOMATION_USER = "005AUTOMATION0001";

    /** The record-triggered flow every org runs (Nebula Logger traces it) and that stops in {@link Kind#ABSENT_FLOW}. */
    public static final String FLOW = "Invoice_Flow";

    /** The sync flow of {@link Kind#QUIET_NIGHT}, idle 12 hours a day. */
    static final String NIGHTLY_FLOW = "Nightly_Sync";

    static final Duration NIGHTLY_HISTORY = Duration.ofDays(3).plusHours(2);

    /** The object whose records an intake flow creates (~40 an hour) and that stops being created in {@link Kind#MISSING_RECORDS}. */
    public static final String INTAKE_OBJECT = "Case";

    /** The API client whose calls fail in {@link Kind#API_FAILURES}. */
    static final String SYNC_CLIENT = "Invoice Sync";

    /** The external host whose callouts fail in {@link Kind#CALLOUT_FAILURES}. */
    static final String ERP_HOST = "erp.example.com";

    /** The component that regresses in {@link Kind#COMPONENT_REGRESSION}. */
    public static final String REGRESSING_COMPONENT = "Class.InvoiceService";

    /** What is injected, and which detectors may rightly alert on it. */
    public enum Kind {
        CLEAN_DEPLOY(true, Set.of()),
        FAILURE_RATE(true, Set.of("post-deploy-failures")),
        NEW_ERROR_TYPE(true, Set.of("new-error-types", "post-deploy-failures")),
        LATENCY_SHIFT(true, Set.of("latency-spikes")),
        LATENCY_TAIL(true, Set.of("latency-spikes")),
        DELETE_BURST(true, Set.of("data-anomalies")),
        NULL_RATE(true, Set.of("data-anomalies")),
        MASS_UPDATE(true, Set.of("data-anomalies")),
        NO_DEPLOY_FAILURES(false, Set.of("post-deploy-failures")),
        NO_DEPLOY_LATENCY(false, Set.of("latency-spikes")),
        /** Three times the traffic after the deploy - calls, log entries and errors alike: no regression. */
        TRAFFIC_RAMP(true, Set.of()),
        /** A failed deploy 20 minutes before a good one that regresses: the alert must name the good one. */
        FAILED_DEPLOY(true, Set.of("post-deploy-failures")),
        /** A failure regression whose events are all delivered twice (as after reconnects): counted once. */
        DUPLICATE_DELIVERY(true, Set.of("post-deploy-failures")),
        /** A failure regression, then the org goes silent (no event at all, only progress records): it still resolves. */
        QUIET_AFTER_REGRESSION(true, Set.of("post-deploy-failures")),
        /** One component (InvoiceService) regresses among two noisy others: found, and named. */
        COMPONENT_REGRESSION(true, Set.of("post-deploy-failures")),
        /** The record-triggered flow Invoice_Flow (~40 runs an hour, traced by Nebula Logger) stops after the deploy that changed it. */
        ABSENT_FLOW(true, Set.of("absent-activity")),
        /**
         * After the deploy the whole org works at a tenth of its rate (a planned outage, a holiday): every entry point, record
         * creations and updates alike; no absence and no missing records of one of them.
         */
        PLANNED_DROP(true, Set.of()),
        /** A sync flow idle every night, deployed at nightfall, with three days of history: the lull is its usual one. */
        QUIET_NIGHT(true, Set.of()),
        /** The intake flow stops creating Cases (~40 an hour) after the deploy that changed it; Accounts are still created. */
        MISSING_RECORDS(true, Set.of("missing-records")),
        /** After the deploy 85 % of the Status values written to Cases are Closed (a flow closing them by mistake); 25 % before. */
        VALUE_SHIFT(true, Set.of("value-shift")),
        /** The same shift after a deploy that changed the Case Status picklist itself (StandardValueSet:CaseStatus): intended. */
        VALUE_SHIFT_INTENDED(true, Set.of()),
        /** After the deploy 40 % of Contact updates point AccountId at Accounts deleted before it (children left on deleted parents). */
        BROKEN_RELATIONSHIP(true, Set.of("broken-relationships")),
        /** After the deploy 40 % of the Invoice Sync client's REST calls fail (REQUEST_LIMIT_EXCEEDED, INVALID_SESSION_ID). */
        API_FAILURES(true, Set.of("integration-failures")),
        /** After the deploy half of the Apex callouts to erp.example.com get no response. */
        CALLOUT_FAILURES(true, Set.of("integration-failures")),
        /** A deploy at a quiet hour: from then on the org is silent (only the ingest's progress records); nobody ran the release. */
        UNEXERCISED(true, Set.of()),
        /**
         * After the deploy the change events fall behind: each arrives later than the one before (a backlog growing by 6 s
         * a minute) where they came in ~0.3 s.
         */
        INTEGRATION_LAG(true, Set.of("delivery-lag")),
        /**
         * After the deploy an integration makes three times its API requests (6,000 an hour, 2,000 before): the daily
         * allocation of 100,000, rolling over 24 hours, is forecast to run out some 13 hours later.
         */
        LIMIT_EXHAUSTION(true, Set.of("limit-exhaustion")),
        /** After the deploy the integration makes a fifth more API requests (2,400 an hour): enough is left for the day. */
        LIMIT_HEADROOM(true, Set.of());

        private final boolean deploys;
        private final Set<String> detectors;

        Kind(final boolean deploys, final Set<String> detectors) {
            this.deploys = deploys;
            this.detectors = detectors;
        }

        /** Whether the scenario has a deploy at the end of the baseline. */
        public boolean deploys() {
            return deploys;
        }

        /** Detectors whose alert on this org counts as a true detection; empty for clean scenarios. */
        public Set<String> detectors() {
            return detectors;
        }

        public boolean regression() {
            return !detectors.isEmpty();
        }

        /** The alert subject a true detection must have, or null when any subject of the right detector is one. */
        public String requiredSubject() {
            return switch (this) {
                case COMPONENT_REGRESSION -> "failures in " + REGRESSING_COMPONENT;
                case ABSENT_FLOW -> "Flow." + FLOW;
                case MISSING_RECORDS -> INTAKE_OBJECT;
                case VALUE_SHIFT -> INTAKE_OBJECT + ".Status";
                case BROKEN_RELATIONSHIP -> "Contact.AccountId -> deleted";
                case API_FAILURES -> "API client " + SYNC_CLIENT;
                case CALLOUT_FAILURES -> "callouts to " + ERP_HOST;
                case INTEGRATION_LAG -> "delivery lag of " + CDC_CHANNEL;
                case LIMIT_EXHAUSTION -> "DailyApiRequests";
                default -> null;
            };
        }
    }

    /** One input record: an event on a channel, a deployment marker, or a progress record of the ingest. */
    public record Input(
            Instant time,
            String channel,
            SalesforceEvent event,
            DeploymentMarker marker,
            SourceProgress progress) {
        public String orgId() {
            return event != null
                    ? event.getOrgId()
                    : marker != null ? marker.getOrgId() : progress.getOrgId();
        }
    }

    /** The answer key of one scenario. */
    public record Label(
            String orgId, Kind kind, Instant changeAt, Instant regressionEnd, String deployId) {}

    /** A scenario: its label and its inputs in event-time order. */
    public record Scenario(Label label, List<Input> inputs) {}

    private LabelledScenarios() {}

    /** An 18-character org id (computed case-safe suffix) for scenario {@code n}. */
    public static String orgId(final int n) {
        return SalesforceIds.to18(String.format(Locale.ROOT, "00D%012d", n));
    }

    public static Scenario generate(
            final Kind kind, final String orgId, final Instant t0, final long seed) {
        final Random random = new Random(seed);
        final Instant change = t0.plus(BASELINE);
        final Instant end = change.plus(REGRESSION);
        final String deployId = kind.deploys() ? "0Af" + orgId.substring(3, 15) + "AAA" : null;
        final List<Input> in = new ArrayList<>();
        if (deployId != null) {
            in.add(
                    new Input(
                            change,
                            null,
                            null,
                            deploy(
                                    orgId,
                                    deployId,
                                    "Succeeded",
                                    change,
                                    kind == Kind.VALUE_SHIFT_INTENDED),
                            null));
        }
        if (kind == Kind.FAILED_DEPLOY) {
            final Instant failedAt = change.minus(Duration.ofMinutes(20));
            in.add(
                    new Input(
                            failedAt,
                            null,
                            null,
                            deploy(
                                    orgId,
                                    "0Af" + orgId.substring(3, 15) + "FLD",
                                    "Failed",
                                    failedAt,
                                    false),
                            null));
        }
        // QUIET_NIGHT's org has three days of ordinary traffic before t0 (what a same-time-of-day
        // baseline needs).
        final Instant start = kind == Kind.QUIET_NIGHT ? change.minus(NIGHTLY_HISTORY) : t0;
        if (kind == Kind.QUIET_NIGHT) {
            new Traffic(orgId, random, in, kind).nightlyFlow(start, change);
        }
        final long minutes = Duration.between(start, t0.plus(TOTAL)).toMinutes();
        for (long m = 0; m < minutes; m++) {
            final Instant minute = start.plus(Duration.ofMinutes(m));
            if (kind == Kind.QUIET_AFTER_REGRESSION && !minute.isBefore(end)
                    || kind == Kind.UNEXERCISED && !minute.isBefore(change)) {
                // Silent: the ingest still reports that the channel delivered everything up to now,
                // once a minute.
                in.add(
                        new Input(
                                minute,
                                null,
                                null,
                                null,
                                SourceProgress.newBuilder()
                                        .setOrgId(orgId)
                                        .setSource(LOG_CHANNEL)
                                        .setTransport(ProgressTransport.COMETD)
                                        .setDeliveredThrough(minute)
                                        .setEmittedTime(minute)
                                        .build()));
                continue;
            }
            if (m == 0) {
                // The recurring errors are known: a 14-day look-back would have seen each of them.
                // The generated history
                // is 2 hours, in which a recurring error (~1.6/h) is absent 4 % of the time; say so
                // in the data.
                new Traffic(orgId, random, in, kind).knownErrorsOnce(minute);
            }
            final boolean changed = !minute.isBefore(change) && minute.isBefore(end);
            final boolean regressed =
                    (kind.regression()
                                    || kind == Kind.TRAFFIC_RAMP
                                    || kind == Kind.PLANNED_DROP
                                    || kind == Kind.VALUE_SHIFT_INTENDED)
                            && changed;
            final Traffic traffic = new Traffic(orgId, random, in, kind);
            if (m % 30 == 10 && minute.isBefore(change)) {
                traffic.parentDeleted(minute.plusSeconds(5), (int) (m / 30));
            }
            traffic.minute(minute, regressed ? kind : Kind.CLEAN_DEPLOY);
        }
        streamedLag(kind, in, change, end, new Random(seed ^ 0x5DEECE66DL));
        limitSnapshots(kind, orgId, in, start, t0.plus(TOTAL), change, end, new Random(seed + 17));
        if (kind == Kind.DUPLICATE_DELIVERY) {
            // Redelivered after a reconnect: the same events (same EventUuid and replay id) arrive
            // a second time.
            in.addAll(in.stream().filter(i -> i.event() != null).toList());
        }
        in.sort(Comparator.comparing(Input::time));
        return new Scenario(new Label(orgId, kind, change, end, deployId), in);
    }

    /**
     * Streamed events arrive some 0.3 s after their time (log-normal); in INTEGRATION_LAG the change events of the
     * regression window arrive later and later, a backlog growing by 6 s a minute.
     */
    private static void streamedLag(
            final Kind kind,
            final List<Input> in,
            final Instant change,
            final Instant end,
            final Random random) {
        for (int i = 0; i < in.size(); i++) {
            final Input input = in.get(i);
            if (input.event() == null
                    || input.channel() == null
                    || !input.channel().startsWith("/")) {
                continue;
            }
            long lagMs = (long) (300 * Math.exp(0.4 * random.nextGaussian()));
            if (kind == Kind.INTEGRATION_LAG
                    && CDC_CHANNEL.equals(input.channel())
                    && !input.time().isBefore(change)
                    && input.time().isBefore(end)) {
                lagMs += Duration.between(change, input.time()).toMillis() / 10;
            }
            final SalesforceEvent e =
                    SalesforceEvent.newBuilder(input.event())
                            .setReceivedTime(input.time().plusMillis(lagMs))
                            .build();
            in.set(i, new Input(input.time(), input.channel(), e, null, null));
        }
    }

    /** The channel of the org's limits snapshots (the ingest's /limits poller). */
    public static final String LIMITS_CHANNEL = "rest/limits";

    /**
     * A /limits snapshot every 5 minutes: DailyApiRequests of 100,000, 48,000 used (2,000 requests an hour over the
     * rolling day), as Salesforce reports it (up to 5 minutes behind); after the deploy the requests rise by the
     * kind's extra rate (4,000 an hour in LIMIT_EXHAUSTION, 400 in LIMIT_HEADROOM) while those of a day ago leave the
     * window at 2,000 an hour, until the regression ends (then the usage stays where it got to). Async Apex executions stay flat, the hourly published platform events vary around 600.
     */
    private static void limitSnapshots(
            final Kind kind,
            final String orgId,
            final List<Input> in,
            final Instant from,
            final Instant to,
            final Instant change,
            final Instant end,
            final Random random) {
        final double extraPerHour =
                kind == Kind.LIMIT_EXHAUSTION ? 4000 : kind == Kind.LIMIT_HEADROOM ? 400 : 0;
        for (Instant t = from.plusSeconds(random.nextInt(300));
                t.isBefore(to);
                t = t.plus(Duration.ofMinutes(5))) {
            final Instant measured = t.minusSeconds(random.nextInt(300));
            final Instant until = measured.isBefore(end) ? measured : end;
            final double hoursAfter =
                    until.isAfter(change) ? Duration.between(change, until).toMillis() / 3.6e6 : 0;
            final long api =
                    Math.round(48_000 + 40 * random.nextGaussian() + extraPerHour * hoursAfter);
            final long async = Math.round(1_000 + 10 * random.nextGaussian());
            final long published = Math.round(600 + 25 * random.nextGaussian());
            final String payload =
                    String.format(
                            Locale.ROOT,
                            "{\"DailyApiRequests\":{\"Max\":100000,\"Remaining\":%d,\"Salesforce CLI\":{\"Max\":0,\"Remaining\":0}},"
                                    + "\"DailyAsyncApexExecutions\":{\"Max\":250000,\"Remaining\":%d},"
                                    + "\"HourlyPublishedPlatformEvents\":{\"Max\":50000,\"Remaining\":%d},"
                                    + "\"DataStorageMB\":{\"Max\":1024,\"Remaining\":900}}",
                            100_000 - api,
                            250_000 - async,
                            50_000 - published);
            in.add(
                    new Input(
                            t,
                            LIMITS_CHANNEL,
                            SalesforceEvent.newBuilder()
                                    .setOrgId(orgId)
                                    .setChannel(LIMITS_CHANNEL)
                                    .setSource(EventSource.REST_POLL)
                                    .setReplayId(null)
                                    .setEventUuid(orgId + "/limits/" + t.toEpochMilli())
                                    .setEventTime(t)
                                    .setReceivedTime(t)
                                    .setPayload(payload)
                                    .build(),
                            null,
                            null));
        }
    }

    private static DeploymentMarker deploy(
            final String orgId,
            final String deployId,
            final String status,
            final Instant at,
            final boolean changesStatusPicklist) {
        final List<String> components =
                new ArrayList<>(
                        List.of(
                                "ApexClass:InvoiceService",
                                "Flow:Invoice_Flow",
                                "ApexTrigger:AccountTrigger",
                                "Flow:Case_Intake",
                                "ApexClass:ErpClient"));
        if (changesStatusPicklist) {
            components.add("StandardValueSet:CaseStatus");
        }
        return DeploymentMarker.newBuilder()
                .setOrgId(orgId)
                .setDeployId(deployId)
                .setSource(MarkerSource.DEPLOY_REQUEST)
                .setStatus(status)
                .setCompletedTime(at)
                .setCreatedBy("Release Bot")
                .setComponents(components)
                .setComponentCount(components.size())
                .setCheckOnly(false)
                .build();
    }

    /** Scenarios for {@code perKind} orgs of each kind, inputs of all merged in event-time order. */
    public static List<Scenario> suite(final int perKind, final Instant t0, final long seed) {
        final List<Scenario> all = new ArrayList<>();
        int n = 1;
        for (int i = 0; i < perKind; i++) {
            for (final Kind kind : Kind.values()) {
                all.add(generate(kind, orgId(n), t0, seed * 1_000_003L + n));
                n++;
            }
        }
        return all;
    }

    /** The inputs of several scenarios interleaved by event time (as they arrive from many orgs). */
    public static List<Input> merged(final List<Scenario> scenarios) {
        return scenarios.stream()
                .flatMap(s -> s.inputs().stream())
                .sorted(Comparator.comparing(Input::time))
                .toList();
    }

    /** One minute of one org's traffic; {@code kind} says which regression (if any) is live. */
    private record Traffic(String org, Random random, List<Input> out, Kind scenario) {

        void minute(final Instant minute, final Kind kind) {
            final int load = kind == Kind.TRAFFIC_RAMP ? 3 : 1;
            for (int i = 0; i < load; i++) {
                event(
                        minute.plusMillis(random.nextInt(60_000)),
                        LOG_CHANNEL,
                        log("INFO", "", "heartbeat", ""));
            }
            activity(minute, kind, load);
            final boolean failing =
                    kind == Kind.FAILURE_RATE
                            || kind == Kind.NO_DEPLOY_FAILURES
                            || kind == Kind.FAILED_DEPLOY
                            || kind == Kind.DUPLICATE_DELIVERY
                            || kind == Kind.QUIET_AFTER_REGRESSION;
            final double errorsPerMinute = failing ? 1.5 : 0.08 * load;
            for (int i = poisson(errorsPerMinute); i > 0; i--) {
                final String[] e = KNOWN[random.nextInt(KNOWN.length)];
                event(
                        minute.plusMillis(random.nextInt(60_000)),
                        LOG_CHANNEL,
                        log("ERROR", e[0], e[1], e[2]));
            }
            maybeScenarioNoise(minute);
            if (kind == Kind.COMPONENT_REGRESSION) {
                for (int i = poisson(0.5); i > 0; i--) {
                    event(
                            minute.plusMillis(random.nextInt(60_000)),
                            LOG_CHANNEL,
                            log(
                                    "ERROR",
                                    "System.NullPointerException",
                                    "Attempt to de-reference a null object",
                                    REGRESSING_COMPONENT + ".calculate: line 42, column 1"));
                }
            }
            if (kind == Kind.NEW_ERROR_TYPE) {
                for (int i = poisson(0.4); i > 0; i--) {
                    event(
                            minute.plusMillis(random.nextInt(60_000)),
                            LOG_CHANNEL,
                            log(
                                    "ERROR",
                                    "System.LimitException",
                                    "Too many SOQL queries: 101",
                                    "Class.AccountTriggerHandler.afterUpdate: line 12, column 1"));
                }
            }
            for (int i = poisson(3 * load); i > 0; i--) {
                double millis = 120 * Math.exp(0.35 * random.nextGaussian());
                if (kind == Kind.LATENCY_SHIFT || kind == Kind.NO_DEPLOY_LATENCY) {
                    millis *= 2.2;
                } else if (kind == Kind.LATENCY_TAIL && random.nextDouble() < 0.2) {
                    millis *= 6;
                }
                event(
                        minute.plusMillis(random.nextInt(60_000)),
                        API_CHANNEL,
                        String.format(
                                Locale.ROOT,
                                "{\"Operation\":\"Query\",\"QueriedEntities\":\"Account\",\"ElapsedTime\":%.0f,\"EventDate\":\"%s\"}",
                                millis,
                                minute));
            }
            for (int i = poisson(2 * dataScale(kind)); i > 0; i--) {
                final boolean nulls = random.nextDouble() < (kind == Kind.NULL_RATE ? 0.6 : 0.05);
                change(
                        minute.plusMillis(random.nextInt(60_000)),
                        "UPDATE",
                        "005USER00000000" + random.nextInt(3),
                        nulls);
            }
            for (int i = poisson(kind == Kind.DELETE_BURST ? 3 : 0.03); i > 0; i--) {
                change(
                        minute.plusMillis(random.nextInt(60_000)),
                        "DELETE",
                        kind == Kind.DELETE_BURST ? AUTOMATION_USER : "005USER000000000",
                        false);
            }
            creations(minute, kind);
            caseUpdates(minute, kind);
            contactUpdates(minute, kind);
            integrations(minute, kind);
            if (kind == Kind.MASS_UPDATE) {
                for (int i = poisson(15); i > 0; i--) {
                    change(
                            minute.plusMillis(random.nextInt(60_000)),
                            "UPDATE",
                            AUTOMATION_USER,
                            false);
                }
            }
        }

        /**
         * Records created: Cases by the intake flow (0.67 a minute, none in MISSING_RECORDS) and Accounts, two at a time in
         * one change event (0.25 events a minute); both at a tenth in PLANNED_DROP. Not tripled by TRAFFIC_RAMP: its extra
         * traffic is calls and log entries, not data.
         */
        private void creations(final Instant minute, final Kind kind) {
            final double scale = dataScale(kind);
            if (kind != Kind.MISSING_RECORDS) {
                for (int i = poisson(0.67 * scale); i > 0; i--) {
                    create(minute.plusMillis(random.nextInt(60_000)), INTAKE_OBJECT, 1);
                }
            }
            for (int i = poisson(0.25 * scale); i > 0; i--) {
                create(minute.plusMillis(random.nextInt(60_000)), "Account", 2);
            }
        }

        /** The org's data changes (creations and updates) after the deploy: at a tenth in PLANNED_DROP, where the whole org is quiet. */
        private static double dataScale(final Kind kind) {
            return kind == Kind.PLANNED_DROP ? 0.1 : 1;
        }

        /** The usual mix of Case Status values written by updates: 25 % New, 35 % Working, 15 % Escalated, 25 % Closed. */
        private static final String[] STATUS_MIX = {
            "New",
            "New",
            "New",
            "New",
            "New",
            "Working",
            "Working",
            "Working",
            "Working",
            "Working",
            "Working",
            "Working",
            "Escalated",
            "Escalated",
            "Escalated",
            "Closed",
            "Closed",
            "Closed",
            "Closed",
            "Closed"
        };

        /**
         * Case updates (1 a minute) writing Status: the usual mix ({@link #STATUS_MIX}), or, in VALUE_SHIFT and
         * VALUE_SHIFT_INTENDED after the deploy, Closed 85 % of the time.
         */
        private void caseUpdates(final Instant minute, final Kind kind) {
            final boolean closing = kind == Kind.VALUE_SHIFT || kind == Kind.VALUE_SHIFT_INTENDED;
            for (int i = poisson(dataScale(kind)); i > 0; i--) {
                final Instant at = minute.plusMillis(random.nextInt(60_000));
                final String status =
                        closing && random.nextDouble() < 0.85
                                ? "Closed"
                                : STATUS_MIX[random.nextInt(STATUS_MIX.length)];
                final String record =
                        String.format(Locale.ROOT, "500%012dAAA", random.nextInt(1_000_000));
                final String user = "005USER00000000" + random.nextInt(3);
                changeEvent(
                        at,
                        INTAKE_OBJECT,
                        "UPDATE",
                        List.of(record),
                        user,
                        List.of("Status", "LastModifiedDate"),
                        record + status,
                        String.format(
                                ",\"Status\":\"%s\",\"LastModifiedDate\":\"%s\"", status, at));
            }
        }

        /**
         * EventLogFile rows of the org's integrations: REST calls of two clients (Invoice Sync and Marketing Cloud, one a
         * minute each, 1 % answered 404 — not 5xx, which would be a failure signal and, being rare, a "new error type") and Apex callouts to erp.example.com (one a minute, 1 % without response); after
         * the deploy, 40 % of Invoice Sync's calls fail in API_FAILURES (403 REQUEST_LIMIT_EXCEEDED, 401 INVALID_SESSION_ID)
         * and half the callouts get no response in CALLOUT_FAILURES.
         */
        private void integrations(final Instant minute, final Kind kind) {
            for (final String client : new String[] {SYNC_CLIENT, "Marketing Cloud"}) {
                for (int i = poisson(1); i > 0; i--) {
                    final Instant at = minute.plusMillis(random.nextInt(60_000));
                    String status = random.nextDouble() < 0.01 ? "404" : "200";
                    String exception = "";
                    if (kind == Kind.API_FAILURES
                            && client.equals(SYNC_CLIENT)
                            && random.nextDouble() < 0.4) {
                        final boolean limited = random.nextBoolean();
                        status = limited ? "403" : "401";
                        exception =
                                limited
                                        ? "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded."
                                        : "INVALID_SESSION_ID: Session expired or invalid";
                    }
                    event(
                            at,
                            "elf/RestApi",
                            String.format(
                                    Locale.ROOT,
                                    "{\"EVENT_TYPE\":\"RestApi\",\"METHOD\":\"PATCH\","
                                            + "\"URI\":\"/services/data/v62.0/sobjects/Account\",\"CLIENT_NAME\":\"%s\",\"STATUS_CODE\":\"%s\","
                                            + "\"EXCEPTION_MESSAGE\":\"%s\",\"RUN_TIME\":\"%d\",\"TIMESTAMP_DERIVED\":\"%s\"}",
                                    client,
                                    status,
                                    exception,
                                    30 + random.nextInt(40),
                                    at));
                }
            }
            for (int i = poisson(1); i > 0; i--) {
                final Instant at = minute.plusMillis(random.nextInt(60_000));
                final boolean answered =
                        random.nextDouble() >= (kind == Kind.CALLOUT_FAILURES ? 0.5 : 0.01);
                event(
                        at,
                        "elf/ApexCallout",
                        String.format(
                                Locale.ROOT,
                                "{\"EVENT_TYPE\":\"ApexCallout\",\"METHOD\":\"POST\",\"TYPE\":\"REST\","
                                        + "\"URL\":\"https://%s/api/orders\",\"SUCCESS\":\"%s\",\"STATUS_CODE\":\"%s\",\"TIME\":\"%d\",\"TIMESTAMP_DERIVED\":\"%s\"}",
                                ERP_HOST,
                                answered ? "1" : "0",
                                answered ? "200" : "",
                                150 + random.nextInt(150),
                                at));
            }
        }

        /** The k-th Account deleted before the deploy (outside the range of live Account ids). */
        private static String deletedParent(final int k) {
            return String.format(Locale.ROOT, "001%012dAAA", 900_000_000L + k);
        }

        /** Every 30 minutes before the deploy an Account is deleted (by an admin, 005USER000000000). */
        void parentDeleted(final Instant at, final int k) {
            changeEvent(
                    at,
                    "Account",
                    "DELETE",
                    List.of(deletedParent(k)),
                    "005USER000000000",
                    List.of(),
                    String.valueOf(k),
                    "");
        }

        /**
         * Contact updates (1 a minute) writing AccountId: a live Account, or, in BROKEN_RELATIONSHIP after the deploy, 40 % of
         * the time one of the Accounts deleted before it.
         */
        private void contactUpdates(final Instant minute, final Kind kind) {
            for (int i = poisson(dataScale(kind)); i > 0; i--) {
                final Instant at = minute.plusMillis(random.nextInt(60_000));
                final String parent =
                        kind == Kind.BROKEN_RELATIONSHIP && random.nextDouble() < 0.4
                                ? deletedParent(random.nextInt(4))
                                : String.format(
                                        Locale.ROOT, "001%012dAAA", random.nextInt(1_000_000));
                final String record =
                        String.format(Locale.ROOT, "003%012dAAA", random.nextInt(1_000_000));
                changeEvent(
                        at,
                        "Contact",
                        "UPDATE",
                        List.of(record),
                        "005USER00000000" + random.nextInt(3),
                        List.of("AccountId", "LastModifiedDate"),
                        record + parent,
                        String.format(
                                ",\"AccountId\":\"%s\",\"LastModifiedDate\":\"%s\"", parent, at));
            }
        }

        /**
         * Entry points traced by Nebula Logger INFO entries: the record-triggered flow (0.67 a minute) and the
         * account sync (1 a minute); in QUIET_NIGHT also the nightly sync flow, idle from the deploy on.
         */
        private void activity(final Instant minute, final Kind kind, final int load) {
            final double scale = kind == Kind.PLANNED_DROP ? 0.1 : load;
            if (kind != Kind.ABSENT_FLOW) {
                for (int i = poisson(0.67 * scale); i > 0; i--) {
                    event(
                            minute.plusMillis(random.nextInt(60_000)),
                            LOG_CHANNEL,
                            origin("Flow", FLOW));
                }
            }
            for (int i = poisson(scale); i > 0; i--) {
                event(
                        minute.plusMillis(random.nextInt(60_000)),
                        LOG_CHANNEL,
                        origin("Apex", "AccountSync.run"));
            }
        }

        /**
         * QUIET_NIGHT's nightly sync flow from {@code from} to the deploy at nightfall: it runs in the 12 hours before
         * each nightfall, and is idle after the last one for longer than the scenario lasts.
         */
        void nightlyFlow(final Instant from, final Instant nightfall) {
            for (Instant minute = from;
                    minute.isBefore(nightfall);
                    minute = minute.plus(Duration.ofMinutes(1))) {
                final long sinceNightfall =
                        Math.floorMod(
                                Duration.between(nightfall, minute).toMillis(),
                                Duration.ofDays(1).toMillis());
                if (sinceNightfall >= Duration.ofHours(12).toMillis()) {
                    for (int i = poisson(0.67); i > 0; i--) {
                        event(
                                minute.plusMillis(random.nextInt(60_000)),
                                LOG_CHANNEL,
                                origin("Flow", NIGHTLY_FLOW));
                    }
                }
            }
        }

        private static String origin(final String type, final String location) {
            return String.format(
                    "{\"LoggingLevel__c\":\"INFO\",\"Message__c\":\"done\",\"OriginType__c\":\"%s\",\"OriginLocation__c\":\"%s\"}",
                    type, location);
        }

        private static final String[][] KNOWN = {
            {
                "System.NullPointerException",
                "Attempt to de-reference a null object",
                "Class.InvoiceService.calculate: line 42, column 1"
            },
            {
                "System.DmlException",
                "Insert failed. REQUIRED_FIELD_MISSING",
                "Class.OrderSync.push: line 88, column 1"
            },
            {"System.CalloutException", "Read timed out", "Class.ErpClient.send: line 17, column 1"}
        };

        void knownErrorsOnce(final Instant start) {
            for (int i = 0; i < KNOWN.length; i++) {
                event(
                        start.plusSeconds(10L + 15L * i),
                        LOG_CHANNEL,
                        log("ERROR", KNOWN[i][0], KNOWN[i][1], KNOWN[i][2]));
            }
        }

        /** Noisy others of {@link Kind#COMPONENT_REGRESSION}: two components failing often all along. */
        private void maybeScenarioNoise(final Instant minute) {
            if (scenario != Kind.COMPONENT_REGRESSION) {
                return;
            }
            for (int i = poisson(2); i > 0; i--) {
                event(
                        minute.plusMillis(random.nextInt(60_000)),
                        LOG_CHANNEL,
                        log(
                                "ERROR",
                                "System.CalloutException",
                                "Read timed out",
                                "Class.ErpClient.send: line 17, column 1"));
            }
            for (int i = poisson(2); i > 0; i--) {
                event(
                        minute.plusMillis(random.nextInt(60_000)),
                        LOG_CHANNEL,
                        log(
                                "ERROR",
                                "System.DmlException",
                                "Insert failed. UNABLE_TO_LOCK_ROW",
                                "Class.OrderSync.push: line 88, column 1"));
            }
        }

        private String log(
                final String level, final String type, final String message, final String trace) {
            return String.format(
                    "{\"LoggingLevel__c\":\"%s\",\"ExceptionType__c\":\"%s\",\"ExceptionMessage__c\":\"%s\","
                            + "\"ExceptionStackTrace__c\":\"%s\"}",
                    level, type, message, trace);
        }

        private void change(
                final Instant at, final String type, final String user, final boolean nullsPhone) {
            final String record =
                    String.format(Locale.ROOT, "001%012dAAA", random.nextInt(1_000_000));
            final List<String> changed =
                    type.equals("UPDATE") ? List.of(nullsPhone ? "Phone" : "Rating") : List.of();
            changeEvent(
                    at,
                    "Account",
                    type,
                    List.of(record),
                    user,
                    changed,
                    record,
                    nullsPhone ? ",\"Phone\":null" : ",\"Rating\":\"Warm\"");
        }

        /** A CREATE change event for {@code records} new records of {@code entity}, with the system fields Salesforce sends. */
        private void create(final Instant at, final String entity, final int records) {
            final List<String> ids = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                ids.add(
                        String.format(
                                Locale.ROOT,
                                "%s%012dAAA",
                                entity.equals(INTAKE_OBJECT) ? "500" : "001",
                                random.nextInt(1_000_000)));
            }
            final String user = entity.equals(INTAKE_OBJECT) ? AUTOMATION_USER : "005USER000000001";
            changeEvent(
                    at,
                    entity,
                    "CREATE",
                    ids,
                    user,
                    List.of(),
                    entity + ids,
                    String.format(
                            ",\"CreatedDate\":\"%s\",\"CreatedById\":\"%s\",\"LastModifiedDate\":\"%s\",\"LastModifiedById\":\"%s\"",
                            at, user, at, user));
        }

        /**
         * A CometD change event of one transaction: its header (transaction key derived from org, time and {@code keyedBy},
         * so a scenario generates the same events every time) and {@code body}, JSON members each preceded by a comma.
         */
        private void changeEvent(
                final Instant at,
                final String entity,
                final String type,
                final List<String> recordIds,
                final String user,
                final List<String> changedFields,
                final String keyedBy,
                final String body) {
            event(
                    at,
                    CDC_CHANNEL,
                    String.format(
                            Locale.ROOT,
                            "{\"ChangeEventHeader\":{\"entityName\":\"%s\",\"recordIds\":[%s],"
                                    + "\"changeType\":\"%s\",\"commitUser\":\"%s\",\"commitTimestamp\":%d,\"transactionKey\":\"%s\",\"sequenceNumber\":1,"
                                    + "\"isTransactionEnd\":true,\"changedFields\":[%s]}%s}",
                            entity,
                            quoted(recordIds),
                            type,
                            user,
                            at.toEpochMilli(),
                            UUID.nameUUIDFromBytes(
                                    (org + at + keyedBy)
                                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                            quoted(changedFields),
                            body));
        }

        private static String quoted(final List<String> values) {
            return values.stream()
                    .map(v -> "\"" + v + "\"")
                    .collect(java.util.stream.Collectors.joining(","));
        }

        private void event(final Instant at, final String channel, final String payload) {
            final String uuid = new UUID(random.nextLong(), random.nextLong()).toString();
            out.add(
                    new Input(
                            at,
                            channel,
                            SalesforceEvent.newBuilder()
                                    .setOrgId(org)
                                    .setChannel(channel)
                                    .setSource(EventSource.COMETD)
                                    .setReplayId((long) out.size() + 1)
                                    .setEventUuid(uuid)
                                    .setEventTime(at)
                                    .setReceivedTime(at)
                                    .setPayload(payload)
                                    .build(),
                            null,
                            null));
        }

        private int poisson(final double mean) {
            int k = 0;
            double p = Math.exp(-mean);
            double s = p;
            final double u = random.nextDouble();
            while (u > s) {
                k++;
                p *= mean / k;
                s += p;
            }
            return k;
        }
    }
}
