package io.sfpulse.app.ops;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.http.RouteResponse;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.sink.action.ActionLinks;
import io.sfpulse.streams.health.AlertRecord;
import io.sfpulse.streams.health.KpiSettings;
import io.sfpulse.streams.health.ReleaseHealth;
import io.sfpulse.streams.health.ReleaseHealthQueries;
import io.sfpulse.streams.verdict.ReleaseOutcome;
import io.sfpulse.streams.verdict.ReleaseVerdictQueries;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The release-health page: a static page at {@code /} (no data in it, so open) whose script reads
 * {@code /api/orgs} and {@code /api/orgs/<org>} (token-protected like the metrics) - per org the
 * recent releases with their verdict, failures and latency before/after, the alerts each raised with their
 * evidence, open alerts, 5-minute signal charts, change-failure rate and mean time to restore.
 *
 * <p>Data come from Kafka Streams interactive queries. Each instance answers for its own
 * partitions at {@code /api/local/orgs} and {@code /api/local/snapshots?orgs=...}; the page's API
 * asks every other instance of the application (found by {@code application.server}) the same,
 * merges, and names any instance it could not reach in {@code unreachableInstances}.
 */
public final class ReleaseHealthPage {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseHealthPage.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant ALL_FROM = Instant.EPOCH;
    private static final Instant ALL_TO = Instant.parse("9999-12-31T00:00:00Z");
    private final ReleaseHealthQueries queries;
    private final ReleaseVerdictQueries verdicts;
    private final KpiSettings kpiSettings;
    private ActionLinks actionLinks;
    private final InstancePeers peers;

    /** @param peers the application's other instances, or null when this instance is alone by design */
    public ReleaseHealthPage(
            final ReleaseHealthQueries queries,
            final ReleaseVerdictQueries verdicts,
            final InstancePeers peers) {
        this(queries, verdicts, peers, KpiSettings.defaults());
    }

    public ReleaseHealthPage(
            final ReleaseHealthQueries queries,
            final ReleaseVerdictQueries verdicts,
            final InstancePeers peers,
            final KpiSettings kpis) {
        this.kpiSettings = kpis;
        this.queries = queries;
        this.verdicts = verdicts;
        this.peers = peers;
    }

    /** Offers the action links of approval actions with the alerts (when the sink runs in this process). */
    public ReleaseHealthPage actionLinks(final ActionLinks links) {
        this.actionLinks = links;
        return this;
    }

    public void register(final OpsServer server) {
        final byte[] html = resource("/release-health/index.html");
        server.route(
                "/api/orgs",
                false,
                exchange -> {
                    final String path = exchange.rawPath();
                    final String rest =
                            path.length() > "/api/orgs".length()
                                    ? path.substring("/api/orgs/".length())
                                    : "";
                    final String since = VerdictApi.query(exchange.rawQuery()).get("since");
                    final Instant from;
                    try {
                        from =
                                since == null
                                        ? null
                                        : since.contains("T")
                                                ? Instant.parse(since)
                                                : Instant.now()
                                                        .minus(
                                                                io.sfpulse.app.Durations.parse(
                                                                        since));
                    } catch (RuntimeException e) {
                        return RouteResponse.error(
                                400, "since: a duration (30d) or an instant (ISO-8601)");
                    }
                    return RouteResponse.json(
                            200,
                            rest.isEmpty()
                                    ? orgs()
                                    : org(URLDecoder.decode(rest, StandardCharsets.UTF_8), from));
                });
        server.route(
                "/api/local/",
                false,
                exchange -> {
                    final String path = exchange.path();
                    if (path.equals("/api/local/orgs")) {
                        return RouteResponse.json(
                                200,
                                JSON.writeValueAsString(
                                        Map.of("orgs", localOrgs(queries.alerts()))));
                    }
                    if (path.equals("/api/local/snapshots")) {
                        final String orgs = exchange.query().getOrDefault("orgs", "");
                        return RouteResponse.json(
                                200,
                                JSON.writeValueAsString(
                                        localSnapshots(
                                                orgs.isEmpty()
                                                        ? List.of()
                                                        : List.of(orgs.split(",")),
                                                queries.alerts())));
                    }
                    return RouteResponse.json(404, "{\"error\":\"not found\"}");
                });
        server.route(
                "/",
                true,
                exchange ->
                        "/".equals(exchange.path())
                                ? new RouteResponse(200, "text/html; charset=utf-8", html)
                                : RouteResponse.json(404, "{\"error\":\"not found\"}"));
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

    /** The KPIs of every org this instance holds, from its local stores only (for /metrics: each instance exports its own orgs). */
    public Map<String, ReleaseHealth.Kpis> localKpis() {
        final List<AlertRecord> alerts = queries.alerts();
        final Map<String, ReleaseHealth.Kpis> out = new TreeMap<>();
        localSnapshots(localOrgs(alerts), alerts)
                .forEach(
                        (org, snapshot) ->
                                out.put(org, snapshot.health(org, kpiSettings, null).kpis()));
        return out;
    }

    /** Orgs with signals or alerts in this instance's partitions. */
    TreeSet<String> localOrgs(final List<AlertRecord> localAlerts) {
        final TreeSet<String> orgs = queries.orgs(ALL_FROM, ALL_TO);
        localAlerts.forEach(a -> orgs.add(a.orgId));
        return orgs;
    }

    Map<String, OrgSnapshot> localSnapshots(
            final Collection<String> orgs, final List<AlertRecord> alerts) {
        final Map<String, OrgSnapshot> out = new TreeMap<>();
        for (final String org : orgs) {
            out.put(org, OrgSnapshot.local(queries, verdicts, org, alerts, ALL_FROM, ALL_TO));
        }
        return out;
    }

    /** What all instances hold for the given orgs (null: every org any instance knows). */
    private record Gathered(Map<String, OrgSnapshot> snapshots, List<String> unreachable) {}

    private record OrgList(List<String> orgs) {}

    private Gathered gather(final Collection<String> requested) {
        final List<String> unreachable = new ArrayList<>();
        final List<String> others = peers == null ? List.of() : peers.others();
        final List<AlertRecord> localAlerts =
                queries.alerts(); // one scan of the alert store per request
        final TreeSet<String> orgs =
                requested == null ? localOrgs(localAlerts) : new TreeSet<>(requested);
        if (requested == null) {
            for (final String peer : others) {
                ask(peer, "/api/local/orgs", unreachable)
                        .ifPresent(
                                body ->
                                        orgs.addAll(
                                                read(body, new TypeReference<OrgList>() {})
                                                        .orgs()));
            }
        }
        final Map<String, OrgSnapshot> merged = localSnapshots(orgs, localAlerts);
        final String path =
                "/api/local/snapshots?orgs="
                        + URLEncoder.encode(String.join(",", orgs), StandardCharsets.UTF_8);
        for (final String peer : others) {
            if (!unreachable.contains(peer)) {
                ask(peer, path, unreachable)
                        .ifPresent(
                                body ->
                                        read(body, new TypeReference<Map<String, OrgSnapshot>>() {})
                                                .forEach(
                                                        (org, theirs) ->
                                                                merged.computeIfAbsent(
                                                                                org,
                                                                                k ->
                                                                                        new OrgSnapshot())
                                                                        .merge(theirs)));
            }
        }
        return new Gathered(merged, unreachable);
    }

    private Optional<String> ask(
            final String peer, final String path, final List<String> unreachable) {
        try {
            return Optional.of(peers.get(peer, path));
        } catch (IOException e) {
            LOG.atWarn()
                    .addKeyValue("instance", peer)
                    .log(
                            "Release-health page could not read another instance's stores: {}",
                            e.getMessage());
            unreachable.add(peer);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unreachable.add(peer);
            return Optional.empty();
        }
    }

    private static <T> T read(final String body, final TypeReference<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Unreadable answer from another instance: " + e.getMessage(), e);
        }
    }

    String orgs() throws IOException {
        final Gathered g = gather(null);
        final List<Map<String, Object>> out = new ArrayList<>();
        g.snapshots()
                .forEach(
                        (org, snapshot) -> {
                            final Map<String, Object> m = new LinkedHashMap<>();
                            m.put("orgId", org);
                            m.put("kpis", snapshot.health(org, kpiSettings, null).kpis());
                            out.add(m);
                        });
        return JSON.writeValueAsString(
                Map.of("orgs", out, "unreachableInstances", g.unreachable()));
    }

    String org(final String org, final Instant since) throws IOException {
        final Gathered g = gather(List.of(org));
        final OrgSnapshot snapshot = g.snapshots().get(org);
        final ReleaseHealth h = snapshot.health(org, kpiSettings, since);
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("orgId", org);
        m.put("unreachableInstances", g.unreachable());
        m.put("since", since == null ? null : since.toString());
        m.put("kpis", h.kpis());
        final List<Map<String, Object>> releases = new ArrayList<>();
        for (final ReleaseHealth.Release r : h.releases()) {
            final DeploymentMarker d = r.marker();
            final Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("deployId", d.getDeployId());
            rm.put("completedTime", d.getCompletedTime().toString());
            rm.put("source", d.getSource().name());
            rm.put("createdBy", d.getCreatedBy());
            rm.put("label", d.getLabel());
            rm.put("commit", d.getCommit());
            rm.put("components", d.getComponents());
            rm.put("failed", r.failed());
            rm.put("alerts", r.alerts().stream().map(a -> a.dedupKey).toList());
            rm.put("defects", r.defects());
            rm.put("meanTimeToRestoreMinutes", r.meanTimeToRestoreMinutes());
            rm.put("leadTimeMinutes", r.leadTimeMinutes());
            rm.put("commitTime", d.getCommitTime() == null ? null : d.getCommitTime().toString());
            rm.put("failuresWhileLive", r.failuresWhileLive());
            rm.put("budgetBurned", r.budgetBurned());
            rm.put("adoption", r.adoption());
            final ReleaseOutcome v = snapshot.verdicts.get(d.getDeployId());
            if (v != null) {
                final Map<String, Object> vm = new LinkedHashMap<>();
                vm.put("status", v.status);
                vm.put("isFinal", v.finalized);
                vm.put("checkpointMinutes", v.checkpointMinutes);
                vm.put("minutesAfterRelease", v.minutesAfterRelease(v.evaluatedAtMs));
                vm.put("reasons", v.reasons);
                rm.put("verdict", vm);
            }
            rm.put("before", r.before());
            rm.put("after", r.after());
            releases.add(rm);
        }
        m.put("releases", releases);
        m.put(
                "sources",
                snapshot.progress.entrySet().stream()
                        .map(
                                e ->
                                        Map.of(
                                                "source",
                                                e.getKey(),
                                                "deliveredThrough",
                                                Instant.ofEpochMilli(e.getValue()).toString()))
                        .toList());
        m.put(
                "attempts",
                snapshot.attempts().stream()
                        .map(
                                d -> {
                                    final Map<String, Object> am = new LinkedHashMap<>();
                                    am.put("deployId", d.getDeployId());
                                    am.put("completedTime", d.getCompletedTime().toString());
                                    am.put("source", d.getSource().name());
                                    am.put("status", d.getStatus());
                                    am.put("checkOnly", d.getCheckOnly());
                                    am.put("createdBy", d.getCreatedBy());
                                    am.put("components", d.getComponents());
                                    return am;
                                })
                        .toList());
        m.put(
                "alerts",
                h.alerts().stream()
                        .map(
                                a -> {
                                    final Map<String, Object> am = new LinkedHashMap<>();
                                    am.put("dedupKey", a.dedupKey);
                                    am.put("detector", a.detector);
                                    am.put("subject", a.subject);
                                    am.put("severity", a.severity);
                                    am.put("status", a.status);
                                    am.put("trigger", a.trigger);
                                    am.put("releaseId", a.releaseId);
                                    am.put("summary", a.summary);
                                    am.put(
                                            "triggeredAt",
                                            a.triggeredAtMs < 0
                                                    ? null
                                                    : Instant.ofEpochMilli(a.triggeredAtMs)
                                                            .toString());
                                    am.put(
                                            "resolvedAt",
                                            a.resolvedAtMs < 0
                                                    ? null
                                                    : Instant.ofEpochMilli(a.resolvedAtMs)
                                                            .toString());
                                    am.put("evidence", a.evidence);
                                    am.put(
                                            "actions",
                                            actionLinks == null
                                                            || a.triggeredAtMs < 0
                                                            || a.severity == null
                                                    ? List.of()
                                                    : actionLinks
                                                            .forTriggered(
                                                                    a.orgId,
                                                                    a.dedupKey,
                                                                    a.releaseId,
                                                                    a.detector,
                                                                    a.subject,
                                                                    a.severity,
                                                                    a.summary,
                                                                    Instant.ofEpochMilli(
                                                                            a.triggeredAtMs))
                                                            .stream()
                                                            .map(
                                                                    l ->
                                                                            Map.of(
                                                                                    "name",
                                                                                    l.action(),
                                                                                    "url",
                                                                                    l.url()))
                                                            .toList());
                                    return am;
                                })
                        .toList());
        m.put(
                "buckets",
                h.buckets().stream()
                        .map(
                                b -> {
                                    final Map<String, Object> bm = new LinkedHashMap<>();
                                    bm.put("start", b.start().toString());
                                    bm.put("failures", b.value().failures);
                                    bm.put(
                                            "latencyMeanMs",
                                            b.value().latencySamples == 0
                                                    ? null
                                                    : b.value().latencyMeanMs());
                                    bm.put(
                                            "latencyMaxMs",
                                            b.value().latencySamples == 0
                                                    ? null
                                                    : b.value().latencyMaxMs);
                                    bm.put("dataChanges", b.value().dataChanges);
                                    return bm;
                                })
                        .toList());
        return JSON.writeValueAsString(m);
    }
}
