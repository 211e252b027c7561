package io.sfpulse.app.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.http.RouteResponse;
import io.sfpulse.schemas.id.SalesforceIds;
import io.sfpulse.schemas.verdict.ReleaseVerdict;
import io.sfpulse.schemas.verdict.VerdictAlert;
import io.sfpulse.streams.health.ReleaseHealthQueries;
import io.sfpulse.streams.verdict.ReleaseOutcome;
import io.sfpulse.streams.verdict.ReleaseVerdictQueries;
import io.sfpulse.streams.verdict.VerdictRecords;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The verdict API CI/CD pipelines (and {@code sfpulse gate}) call, token-protected like the rest of
 * the operations endpoint:
 * <ul>
 *   <li>{@code GET /v1/releases/{org}/{release}/verdict} - a release by id;</li>
 *   <li>{@code GET /v1/releases/{org}/verdict?commit=SHA} or {@code ?label=V} - the release a pipeline
 *   marked (newest first; a commit may be abbreviated to 7+ characters); without either, the org's newest release;</li>
 *   <li>{@code GET /v1/releases/{org}} - the org's releases with their verdicts, newest first.</li>
 * </ul>
 * 200 with the verdict as JSON (the fields of {@code ReleaseVerdict}); 404 for an org sfpulse has never
 * heard from or a release it does not know (with the org's recent release ids); 400 for a malformed
 * org id; 503 while the detection app is not running (starting, restoring). The org's verdicts live with its partition: an instance that does not host it asks the one
 * that does.
 */
public final class VerdictApi {

    static final String PREFIX = "/v1/releases/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ReleaseVerdictQueries verdicts;
    private final ReleaseHealthQueries health;
    private final InstancePeers peers;

    /** @param peers the application's other instances, or null when this instance is alone by design */
    public VerdictApi(
            final ReleaseVerdictQueries verdicts,
            final ReleaseHealthQueries health,
            final InstancePeers peers) {
        this.verdicts = verdicts;
        this.health = health;
        this.peers = peers;
    }

    public void register(final OpsServer server) {
        server.route(
                PREFIX,
                false,
                exchange -> {
                    final String rawPath = exchange.rawPath();
                    final String rawQuery = exchange.rawQuery();
                    return answer(rawPath, rawQuery);
                });
    }

    RouteResponse answer(final String rawPath, final String rawQuery) throws IOException {
        final String[] parts = rawPath.substring(PREFIX.length()).split("/");
        final String rawOrg = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        if (!SalesforceIds.isId(rawOrg)) {
            return RouteResponse.error(
                    400,
                    "'"
                            + rawOrg.replaceAll("[^A-Za-z0-9._-]", "?")
                            + "' is not a 15- or 18-character Salesforce org id");
        }
        final String org = SalesforceIds.to18(rawOrg);
        if (!verdicts.ready()) {
            return RouteResponse.error(
                    503,
                    "sfpulse's detection is not running yet (starting, restoring or rebalancing); ask again");
        }
        final HostInfo host = verdicts.host(org);
        if (peers != null
                && host != null
                && host.port() > 0
                && !peers.isSelf(host.host() + ":" + host.port())) {
            return forward("http://" + host.host() + ":" + host.port(), rawPath, rawQuery);
        }
        final List<ReleaseOutcome> releases = verdicts.releases(org);
        if (releases.isEmpty() && health.progress(org).isEmpty()) {
            return RouteResponse.error(
                    404, "unknown org " + org + ": sfpulse has no signal and no release of it");
        }
        if (parts.length == 1) {
            return RouteResponse.json(
                    200,
                    JSON.writeValueAsString(
                            Map.of(
                                    "orgId",
                                    org,
                                    "releases",
                                    releases.stream()
                                            .map(o -> toJson(VerdictRecords.of(o)))
                                            .toList())));
        }
        final Map<String, String> query = query(rawQuery);
        final Optional<ReleaseOutcome> found;
        final String asked;
        if (parts.length == 2 && parts[1].equals("verdict")) {
            if (query.containsKey("commit")) {
                asked = "commit " + query.get("commit");
                found = verdicts.byCommit(org, query.get("commit"));
            } else if (query.containsKey("label")) {
                asked = "label " + query.get("label");
                found = verdicts.byLabel(org, query.get("label"));
            } else {
                asked = "release";
                found = releases.stream().findFirst();
            }
        } else if (parts.length == 3 && parts[2].equals("verdict")) {
            final String id = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
            asked = "release " + id;
            found =
                    verdicts.byId(org, SalesforceIds.normalizeIfId(id))
                            .or(() -> verdicts.byId(org, id));
        } else {
            return RouteResponse.error(
                    404,
                    "not found: use "
                            + PREFIX
                            + "{org}/{release}/verdict, "
                            + PREFIX
                            + "{org}/verdict?commit=SHA|label=V or "
                            + PREFIX
                            + "{org}");
        }
        if (found.isEmpty()) {
            final Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "org " + org + " has no " + asked + " judged by sfpulse");
            body.put("recentReleases", releases.stream().limit(5).map(o -> o.releaseId).toList());
            return RouteResponse.json(404, JSON.writeValueAsString(body));
        }
        return RouteResponse.json(
                200, JSON.writeValueAsString(toJson(VerdictRecords.of(found.get()))));
    }

    private RouteResponse forward(final String base, final String rawPath, final String rawQuery)
            throws IOException {
        try {
            final HttpResponse<String> r =
                    peers.forward(base, rawPath + (rawQuery == null ? "" : "?" + rawQuery));
            return RouteResponse.json(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted asking " + base, e);
        } catch (IOException e) {
            return RouteResponse.error(
                    503,
                    "the instance holding this org's verdicts ("
                            + base
                            + ") did not answer: "
                            + e.getMessage());
        }
    }

    /** The decoded parameters of a raw query string. */
    static Map<String, String> query(final String rawQuery) {
        final Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (final String pair : rawQuery.split("&")) {
                final int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    /** A verdict as plain JSON: the record's fields, instants as ISO-8601. */
    static Map<String, Object> toJson(final ReleaseVerdict v) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("orgId", v.getOrgId());
        m.put("releaseId", v.getReleaseId());
        m.put("label", v.getLabel());
        m.put("commit", v.getCommit());
        m.put("releaseCompletedTime", v.getReleaseCompletedTime().toString());
        m.put("components", v.getComponents());
        m.put("status", v.getStatus().name());
        m.put("minutesAfterRelease", v.getMinutesAfterRelease());
        m.put("checkpointMinutes", v.getCheckpointMinutes());
        m.put("isFinal", v.getIsFinal());
        m.put("evaluatedAt", v.getEvaluatedAt().toString());
        m.put("reasons", v.getReasons());
        m.put("alerts", v.getAlerts().stream().map(VerdictApi::alert).toList());
        final Map<String, Object> exposure = new LinkedHashMap<>();
        exposure.put("signals", v.getExposure().getSignals());
        exposure.put("failures", v.getExposure().getFailures());
        exposure.put("componentExecutions", v.getExposure().getComponentExecutions());
        exposure.put("unexercised", v.getExposure().getUnexercised());
        m.put("exposure", exposure);
        m.put("supersededBy", v.getSupersededBy());
        if (v.getRollbackTo() != null) {
            final Map<String, Object> r = new LinkedHashMap<>();
            r.put("releaseId", v.getRollbackTo().getReleaseId());
            r.put("label", v.getRollbackTo().getLabel());
            r.put("commit", v.getRollbackTo().getCommit());
            r.put("releaseCompletedTime", v.getRollbackTo().getReleaseCompletedTime().toString());
            m.put("rollbackTo", r);
        } else {
            m.put("rollbackTo", null);
        }
        return m;
    }

    private static Map<String, Object> alert(final VerdictAlert a) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("dedupKey", a.getDedupKey());
        m.put("detector", a.getDetector());
        m.put("subject", a.getSubject());
        m.put("severity", a.getSeverity());
        m.put("status", a.getStatus());
        m.put("triggeredAt", a.getTriggeredAt().toString());
        m.put("summary", a.getSummary());
        return m;
    }
}
