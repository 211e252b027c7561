package io.sfpulse.emulator.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sfpulse.emulator.auth.TokenStore;
import io.sfpulse.emulator.org.DeployRequestRecord;
import io.sfpulse.emulator.org.EmulatedOrg;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /services/data/vXX.X/...}: platform-event publish, Tooling API query of DeployRequest,
 * Metadata REST deploy details and limits, with Salesforce's REST error body shape.
 */
public final class RestServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern PATH = Pattern.compile("^/v(\\d+\\.\\d+)(/.*)$");
    private static final Pattern PUBLISH = Pattern.compile("^/sobjects/(\\w+__e)/?$");
    private static final Pattern DEPLOY_DETAILS =
            Pattern.compile("^/metadata/deployRequest/(\\w+)$");
    private static final Pattern LOG_FILE =
            Pattern.compile("^/sobjects/EventLogFile/(\\w+)/LogFile$");
    private static final Pattern CREATED_AFTER =
            Pattern.compile("CreatedDate\\s*(>=?)\\s*(\\S+?Z)", Pattern.CASE_INSENSITIVE);
    private static final Pattern EVENT_TYPES =
            Pattern.compile("EventType\\s+IN\\s*\\(([^)]*)\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern INTERVAL =
            Pattern.compile("Interval\\s*=\\s*'(\\w+)'", Pattern.CASE_INSENSITIVE);
    private static final Pattern COMPLETED_AFTER =
            Pattern.compile("CompletedDate\\s*(>=?)\\s*(\\S+?Z)", Pattern.CASE_INSENSITIVE);

    private final transient EmulatedOrg org;
    private final transient TokenStore tokens;
    private final transient Supplier<String> instanceUrl;

    public RestServlet(
            final EmulatedOrg org,
            final TokenStore tokens,
            final io.sfpulse.emulator.faults.FaultPlan faults,
            final Supplier<String> instanceUrl) {
        this.faults = faults;
        this.org = org;
        this.tokens = tokens;
        this.instanceUrl = instanceUrl;
    }

    private final io.sfpulse.emulator.faults.FaultPlan faults;
    private static final java.util.regex.Pattern FROM =
            java.util.regex.Pattern.compile("(?i)\\bFROM\\s+(\\w+)");

    /** An injected error for the sObject a query reads, written in Salesforce's shape; true if one was answered. */
    private boolean injectedError(final String soql, final HttpServletResponse resp)
            throws IOException {
        final Matcher from = soql == null ? null : FROM.matcher(soql);
        if (from == null || !from.find()) {
            return false;
        }
        final var error = faults.takeRestError(from.group(1));
        if (error.isEmpty()) {
            return false;
        }
        Json.write(
                resp,
                error.get().status(),
                Json.error(error.get().message(), error.get().errorCode()));
        return true;
    }

    @Override
    protected void service(final HttpServletRequest req, final HttpServletResponse resp)
            throws IOException {
        if (!tokens.isValid(req.getHeader("Authorization"))) {
            Json.write(resp, 401, Json.error("Session expired or invalid", "INVALID_SESSION_ID"));
            return;
        }
        final Matcher path = PATH.matcher(req.getPathInfo() == null ? "" : req.getPathInfo());
        if (!path.matches()) {
            notFound(resp);
            return;
        }
        final String version = path.group(1);
        final String rest = path.group(2);
        org.countApiCall();
        if (org.apiCalls() > org.dailyApiLimit()) {
            Json.write(
                    resp,
                    403,
                    Json.error("TotalRequests Limit exceeded.", "REQUEST_LIMIT_EXCEEDED"));
            return;
        }
        final Matcher logFile = LOG_FILE.matcher(rest);
        final Matcher publish = PUBLISH.matcher(rest);
        final Matcher details = DEPLOY_DETAILS.matcher(rest);
        if (publish.matches() && "POST".equals(req.getMethod())) {
            publish(req, resp, publish.group(1));
        } else if ((rest.equals("/tooling/query") || rest.equals("/query"))
                && injectedError(req.getParameter("q"), resp)) {
            return;
        } else if (rest.equals("/tooling/query") && "GET".equals(req.getMethod())) {
            toolingQuery(req.getParameter("q"), version, resp);
        } else if (details.matches() && "GET".equals(req.getMethod())) {
            deployDetails(details.group(1), version, resp);
        } else if (rest.equals("/query") && "GET".equals(req.getMethod())) {
            query(req.getParameter("q"), version, resp);
        } else if (logFile.matches() && "GET".equals(req.getMethod())) {
            final var file = org.eventLogFile(logFile.group(1));
            if (file.isEmpty()) {
                notFound(resp);
            } else {
                resp.setStatus(200);
                resp.setContentType("text/csv;charset=UTF-8");
                resp.getOutputStream()
                        .write(file.get().csv().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        } else if (rest.equals("/limits") && "GET".equals(req.getMethod())) {
            Json.write(resp, 200, limits());
        } else {
            notFound(resp);
        }
    }

    /**
     * The {@code /limits} answer in the documented shape: Max and Remaining per limit, integers, a
     * per connected app member inside DailyApiRequests (parsers skip it), limits that are not
     * windowed (storage, scratch orgs) next to the Daily and Hourly ones.
     */
    private Map<String, Object> limits() {
        final Map<String, Object> l = new java.util.TreeMap<>();
        final long api = org.dailyApiLimit();
        final Map<String, Object> apiRequests = new java.util.LinkedHashMap<>();
        apiRequests.put("Max", api);
        apiRequests.put("Remaining", Math.max(0, api - org.dailyApiUsed()));
        apiRequests.put("Salesforce CLI", Map.of("Max", 0, "Remaining", 0));
        l.put("DailyApiRequests", apiRequests);
        l.put(
                "DailyDeliveredPlatformEvents",
                Map.of("Max", 50000, "Remaining", Math.max(0, 50000 - org.publishedCount())));
        l.put("DailyAsyncApexExecutions", Map.of("Max", 250000, "Remaining", 250000));
        l.put("DailyBulkApiBatches", Map.of("Max", 15000, "Remaining", 15000));
        l.put("DailyWorkflowEmails", Map.of("Max", 100000, "Remaining", 100000));
        l.put("HourlyPublishedPlatformEvents", Map.of("Max", 50000, "Remaining", 50000));
        l.put("HourlyODataCallout", Map.of("Max", 20000, "Remaining", 20000));
        l.put("DataStorageMB", Map.of("Max", 1024, "Remaining", 1024));
        l.put("ActiveScratchOrgs", Map.of("Max", 3, "Remaining", 3));
        return l;
    }

    private void publish(
            final HttpServletRequest req, final HttpServletResponse resp, final String eventName)
            throws IOException {
        final Map<String, Object> fields =
                Json.MAPPER.readValue(
                        req.getInputStream(), new TypeReference<Map<String, Object>>() {});
        final String uuid = UUID.randomUUID().toString();
        org.publishPlatformEvent("/event/" + eventName, fields, uuid);
        Json.write(
                resp,
                201,
                Map.of(
                        "id",
                        "e00xx0000000001AAA",
                        "success",
                        true,
                        "errors",
                        List.of(
                                Map.of(
                                        "statusCode",
                                        "OPERATION_ENQUEUED",
                                        "message",
                                        uuid,
                                        "fields",
                                        List.of()))));
    }

    /** {@code /query}: EventLogFile and SetupAuditTrail, filtered by CreatedDate (and EventType IN / Interval for log files). */
    private void query(final String soql, final String version, final HttpServletResponse resp)
            throws IOException {
        if (soql == null) {
            Json.write(resp, 400, Json.error("q is required", "MALFORMED_QUERY"));
            return;
        }
        final Matcher after = CREATED_AFTER.matcher(soql);
        final boolean found = after.find();
        final Instant since = found ? Instant.parse(after.group(2)) : Instant.EPOCH;
        final boolean inclusive = found && after.group(1).equals(">=");
        final java.util.function.Predicate<Instant> inWindow =
                t -> t.isAfter(since) || (inclusive && t.equals(since));
        final List<Map<String, Object>> records;
        final String type;
        if (soql.matches("(?is).*\\bFROM\\s+EventLogFile\\b.*")) {
            type = "EventLogFile";
            final Matcher types = EVENT_TYPES.matcher(soql);
            final java.util.Set<String> wanted =
                    types.find()
                            ? java.util.Arrays.stream(types.group(1).split(","))
                                    .map(t -> t.trim().replace("'", ""))
                                    .collect(java.util.stream.Collectors.toSet())
                            : null;
            final Matcher interval = INTERVAL.matcher(soql);
            final String wantedInterval = interval.find() ? interval.group(1) : null;
            records =
                    org.eventLogFiles().stream()
                            .filter(f -> inWindow.test(f.createdDate()))
                            .filter(f -> wanted == null || wanted.contains(f.eventType()))
                            .filter(
                                    f ->
                                            wantedInterval == null
                                                    || wantedInterval.equalsIgnoreCase(
                                                            f.interval()))
                            .map(
                                    f -> {
                                        final Map<String, Object> r = new LinkedHashMap<>();
                                        r.put(
                                                "attributes",
                                                Map.of(
                                                        "type",
                                                        "EventLogFile",
                                                        "url",
                                                        "/services/data/v"
                                                                + version
                                                                + "/sobjects/EventLogFile/"
                                                                + f.id()));
                                        r.put("Id", f.id());
                                        r.put("EventType", f.eventType());
                                        r.put("Interval", f.interval());
                                        r.put("LogDate", Json.sfTime(f.logDate()));
                                        r.put("Sequence", f.sequence());
                                        r.put("CreatedDate", Json.sfTime(f.createdDate()));
                                        r.put(
                                                "LogFile",
                                                "/services/data/v"
                                                        + version
                                                        + "/sobjects/EventLogFile/"
                                                        + f.id()
                                                        + "/LogFile");
                                        r.put("LogFileLength", (double) f.csv().length());
                                        return r;
                                    })
                            .toList();
        } else if (soql.matches("(?is).*\\bFROM\\s+SetupAuditTrail\\b.*")) {
            type = "SetupAuditTrail";
            records =
                    org.setupAudit().stream()
                            .filter(a -> inWindow.test(a.createdDate()))
                            .map(
                                    a -> {
                                        final Map<String, Object> r = new LinkedHashMap<>();
                                        r.put(
                                                "attributes",
                                                Map.of(
                                                        "type",
                                                        "SetupAuditTrail",
                                                        "url",
                                                        "/services/data/v"
                                                                + version
                                                                + "/sobjects/SetupAuditTrail/"
                                                                + a.id()));
                                        r.put("Id", a.id());
                                        r.put("Action", a.action());
                                        r.put("Section", a.section());
                                        r.put("Display", a.display());
                                        r.put("CreatedDate", Json.sfTime(a.createdDate()));
                                        r.put(
                                                "CreatedBy",
                                                Map.of(
                                                        "attributes",
                                                        Map.of("type", "User"),
                                                        "Name",
                                                        a.createdByName()));
                                        return r;
                                    })
                            .toList();
        } else {
            Json.write(
                    resp,
                    400,
                    Json.error(
                            "sObject type is not supported by the emulator: " + soql,
                            "INVALID_TYPE"));
            return;
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("totalSize", records.size());
        body.put("done", true);
        body.put("records", records);
        Json.write(resp, 200, body);
    }

    private void toolingQuery(
            final String soql, final String version, final HttpServletResponse resp)
            throws IOException {
        if (soql == null || !soql.matches("(?is).*\\bFROM\\s+DeployRequest\\b.*")) {
            Json.write(
                    resp,
                    400,
                    Json.error(
                            "sObject type is not supported by the emulator: " + soql,
                            "INVALID_TYPE"));
            return;
        }
        final Matcher after = COMPLETED_AFTER.matcher(soql);
        final boolean found = after.find();
        final Instant since = found ? Instant.parse(after.group(2)) : Instant.EPOCH;
        final boolean inclusive = found && after.group(1).equals(">=");
        final boolean excludeCheckOnly = soql.matches("(?is).*CheckOnly\\s*=\\s*false.*");
        final List<Map<String, Object>> records =
                org.completedDeployRequests().stream()
                        .filter(
                                d ->
                                        d.completedDate().isAfter(since)
                                                || (inclusive && d.completedDate().equals(since)))
                        .filter(d -> !excludeCheckOnly || !d.checkOnly())
                        .map(d -> deployRecord(d, version))
                        .toList();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("size", records.size());
        body.put("totalSize", records.size());
        body.put("done", true);
        body.put("queryLocator", null);
        body.put("entityTypeName", "DeployRequest");
        body.put("records", records);
        Json.write(resp, 200, body);
    }

    private Map<String, Object> deployRecord(final DeployRequestRecord d, final String version) {
        final Map<String, Object> r = new LinkedHashMap<>();
        r.put(
                "attributes",
                Map.of(
                        "type",
                        "DeployRequest",
                        "url",
                        "/services/data/v"
                                + version
                                + "/tooling/sobjects/DeployRequest/"
                                + d.id()));
        r.put("Id", d.id());
        r.put("Status", d.status());
        r.put("CheckOnly", d.checkOnly());
        r.put("StartDate", d.startDate() == null ? null : Json.sfTime(d.startDate()));
        r.put("CompletedDate", Json.sfTime(d.completedDate()));
        r.put("CreatedBy", Map.of("attributes", Map.of("type", "User"), "Name", d.createdByName()));
        r.put("NumberComponentsTotal", d.components().size());
        r.put("NumberComponentsDeployed", d.components().size() - d.componentErrors());
        r.put("NumberComponentErrors", d.componentErrors());
        return r;
    }

    private void deployDetails(
            final String id, final String version, final HttpServletResponse resp)
            throws IOException {
        final var deploy = org.deployRequest(id);
        if (deploy.isEmpty()) {
            notFound(resp);
            return;
        }
        final DeployRequestRecord d = deploy.get();
        final List<Map<String, Object>> successes =
                d.components().stream()
                        .map(
                                c -> {
                                    final String[] parts = c.split(":", 2);
                                    return Map.<String, Object>of(
                                            "componentType",
                                            parts.length == 2 ? parts[0] : "",
                                            "fullName",
                                            parts[parts.length - 1],
                                            "success",
                                            true);
                                })
                        .toList();
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", d.id());
        result.put("checkOnly", d.checkOnly());
        result.put("status", d.status());
        result.put("done", true);
        result.put("success", d.status().startsWith("Succeeded"));
        result.put("createdByName", d.createdByName());
        result.put("startDate", d.startDate() == null ? null : d.startDate().toString());
        result.put("completedDate", d.completedDate().toString());
        result.put("numberComponentsDeployed", d.components().size() - d.componentErrors());
        result.put("numberComponentsTotal", d.components().size());
        result.put(
                "details", Map.of("componentSuccesses", successes, "componentFailures", List.of()));
        Json.write(
                resp,
                200,
                Map.of(
                        "id",
                        d.id(),
                        "url",
                        instanceUrl.get()
                                + "/services/data/v"
                                + version
                                + "/metadata/deployRequest/"
                                + d.id(),
                        "deployResult",
                        result));
    }

    private static void notFound(final HttpServletResponse resp) throws IOException {
        Json.write(resp, 404, Json.error("The requested resource does not exist", "NOT_FOUND"));
    }
}
