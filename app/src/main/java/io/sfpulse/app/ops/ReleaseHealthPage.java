package io.sfpulse.app.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.streams.health.AlertRecord;
import io.sfpulse.streams.health.ReleaseHealth;
import io.sfpulse.streams.health.ReleaseHealthQueries;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The release-health page: a static page at {@code /} (no data in it, so open) whose script reads
 * {@code /api/orgs} and {@code /api/orgs/<org>} (token-protected like the metrics) - per org the
 * recent releases with failures and latency before/after, the alerts each raised with their
 * evidence, open alerts, 5-minute signal charts, change-failure rate and mean time to restore.
 * Data from Kafka Streams interactive queries of this instance's stores.
 */
public final class ReleaseHealthPage {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant ALL_FROM = Instant.EPOCH;
    private static final Instant ALL_TO = Instant.parse("9999-12-31T00:00:00Z");
    private final ReleaseHealthQueries queries;

    public ReleaseHealthPage(final ReleaseHealthQueries queries) {
        this.queries = queries;
    }

    public void register(final OpsServer server) {
        final byte[] html = resource("/release-health/index.html");
        server.route("/api/orgs", false, exchange -> {
            final String path = exchange.getRequestURI().getRawPath();
            final String rest = path.length() > "/api/orgs".length() ? path.substring("/api/orgs/".length()) : "";
            return OpsServer.Response.json(200, rest.isEmpty() ? orgs() : org(URLDecoder.decode(rest, StandardCharsets.UTF_8)));
        });
        server.route("/", true, exchange -> "/".equals(exchange.getRequestURI().getPath())
            ? new OpsServer.Response(200, "text/html; charset=utf-8", html)
            : OpsServer.Response.json(404, "{\"error\":\"not found\"}"));
    }

    private static byte[] resource(final String name) {
        try (InputStream in = ReleaseHealthPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ReleaseHealth health(final String org, final List<AlertRecord> alerts) {
        return new ReleaseHealth(org, queries.releases(org, ALL_FROM, ALL_TO), alerts, queries.buckets(org, ALL_FROM, ALL_TO));
    }

    String orgs() throws IOException {
        final List<AlertRecord> alerts = queries.alerts();
        final TreeSet<String> orgs = queries.orgs(ALL_FROM, ALL_TO);
        alerts.forEach(a -> orgs.add(a.orgId));
        final List<Map<String, Object>> out = new ArrayList<>();
        for (final String org : orgs) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("orgId", org);
            m.put("kpis", health(org, alerts).kpis());
            out.add(m);
        }
        return JSON.writeValueAsString(Map.of("orgs", out));
    }

    String org(final String org) throws IOException {
        final ReleaseHealth h = health(org, queries.alerts());
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("orgId", org);
        m.put("kpis", h.kpis());
        final List<Map<String, Object>> releases = new ArrayList<>();
        for (final ReleaseHealth.Release r : h.releases()) {
            final DeploymentMarker d = r.marker();
            final Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("deployId", d.getDeployId());
            rm.put("completedTime", d.getCompletedTime().toString());
            rm.put("source", d.getSource().name());
            rm.put("createdBy", d.getCreatedBy());
            rm.put("components", d.getComponents());
            rm.put("failed", r.failed());
            rm.put("alerts", r.alerts().stream().map(a -> a.dedupKey).toList());
            rm.put("before", r.before());
            rm.put("after", r.after());
            releases.add(rm);
        }
        m.put("releases", releases);
        m.put("alerts", h.alerts().stream().map(a -> {
            final Map<String, Object> am = new LinkedHashMap<>();
            am.put("dedupKey", a.dedupKey);
            am.put("detector", a.detector);
            am.put("subject", a.subject);
            am.put("severity", a.severity);
            am.put("status", a.status);
            am.put("trigger", a.trigger);
            am.put("releaseId", a.releaseId);
            am.put("summary", a.summary);
            am.put("triggeredAt", a.triggeredAtMs < 0 ? null : Instant.ofEpochMilli(a.triggeredAtMs).toString());
            am.put("resolvedAt", a.resolvedAtMs < 0 ? null : Instant.ofEpochMilli(a.resolvedAtMs).toString());
            am.put("evidence", a.evidence);
            return am;
        }).toList());
        m.put("buckets", h.buckets().stream().map(b -> {
            final Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("start", b.start().toString());
            bm.put("failures", b.value().failures);
            bm.put("latencyMeanMs", b.value().latencySamples == 0 ? null : b.value().latencyMeanMs());
            bm.put("latencyMaxMs", b.value().latencySamples == 0 ? null : b.value().latencyMaxMs);
            bm.put("dataChanges", b.value().dataChanges);
            return bm;
        }).toList());
        return JSON.writeValueAsString(m);
    }
}
