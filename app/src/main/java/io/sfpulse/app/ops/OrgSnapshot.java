package io.sfpulse.app.ops;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.streams.health.AdoptionBucket;
import io.sfpulse.streams.health.AlertRecord;
import io.sfpulse.streams.health.KpiSettings;
import io.sfpulse.streams.health.ReleaseHealth;
import io.sfpulse.streams.health.ReleaseHealthQueries;
import io.sfpulse.streams.health.SignalBucket;
import io.sfpulse.streams.verdict.ReleaseOutcome;
import io.sfpulse.streams.verdict.ReleaseVerdictQueries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * What the stores of one instance (or, merged, of all instances) hold about one org: its releases,
 * alerts, 5-minute signal buckets, hourly page views and release verdicts. Markers travel as Avro JSON; alerts and buckets as plain JSON.
 * The three stores are partitioned by org but their tasks may sit on different instances, so
 * snapshots are merged store by store.
 */
public final class OrgSnapshot {

    /** DeploymentMarker records in Avro's JSON encoding. */
    public List<String> markers = new ArrayList<>();

    /** Deploys that did not become releases (failed, canceled, check-only), Avro JSON. */
    public List<String> attempts = new ArrayList<>();

    /** Per source, the org time (epoch ms) up to which it has delivered everything. */
    public Map<String, Long> progress = new TreeMap<>();

    public List<AlertRecord> alerts = new ArrayList<>();

    /** Window start (epoch ms) to bucket. */
    public Map<Long, SignalBucket> buckets = new TreeMap<>();

    /** Hour start (epoch ms) to the org's page views in it. */
    public Map<Long, AdoptionBucket> views = new TreeMap<>();

    /** Release id to its latest verdict. */
    public Map<String, ReleaseOutcome> verdicts = new TreeMap<>();

    static OrgSnapshot local(
            final ReleaseHealthQueries queries,
            final ReleaseVerdictQueries verdictQueries,
            final String org,
            final List<AlertRecord> localAlerts,
            final Instant from,
            final Instant to) {
        final OrgSnapshot s = new OrgSnapshot();
        verdictQueries.releases(org).forEach(o -> s.verdicts.put(o.releaseId, o));
        queries.releases(org, from, to).forEach(m -> s.markers.add(toJson(m)));
        queries.attempts(org, from, to).forEach(m -> s.attempts.add(toJson(m)));
        queries.progress(org)
                .forEach((source, through) -> s.progress.put(source, through.toEpochMilli()));
        localAlerts.stream().filter(a -> org.equals(a.orgId)).forEach(s.alerts::add);
        queries.buckets(org, from, to)
                .forEach(b -> s.buckets.put(b.start().toEpochMilli(), b.value()));
        queries.views(org, from, to).forEach(v -> s.views.put(v.start().toEpochMilli(), v.value()));
        return s;
    }

    /** Adds what another instance holds: markers by deploy id, alerts by dedup key (the latest state wins), buckets by window. */
    void merge(final OrgSnapshot other) {
        final Map<String, String> byDeploy = new LinkedHashMap<>();
        for (final String m : markers) {
            byDeploy.put(fromJson(m).getDeployId(), m);
        }
        for (final String m : other.markers) {
            byDeploy.putIfAbsent(fromJson(m).getDeployId(), m);
        }
        markers = new ArrayList<>(byDeploy.values());
        final Map<String, String> attemptsById = new LinkedHashMap<>();
        for (final String m : attempts) {
            attemptsById.put(fromJson(m).getDeployId(), m);
        }
        for (final String m : other.attempts) {
            attemptsById.putIfAbsent(fromJson(m).getDeployId(), m);
        }
        attempts = new ArrayList<>(attemptsById.values());
        other.progress.forEach((source, through) -> progress.merge(source, through, Math::max));
        final Map<String, AlertRecord> byKey = new LinkedHashMap<>();
        for (final AlertRecord a : alerts) {
            byKey.put(a.dedupKey, a);
        }
        for (final AlertRecord a : other.alerts) {
            byKey.merge(a.dedupKey, a, (x, y) -> y.lastUpdateMs > x.lastUpdateMs ? y : x);
        }
        alerts = new ArrayList<>(byKey.values());
        other.buckets.forEach(buckets::putIfAbsent);
        other.views.forEach(views::putIfAbsent);
        other.verdicts.forEach(
                (id, v) ->
                        verdicts.merge(id, v, (x, y) -> y.evaluatedAtMs > x.evaluatedAtMs ? y : x));
    }

    ReleaseHealth health(final String org) {
        return health(org, KpiSettings.defaults(), null);
    }

    /** The org's health with the KPIs over releases and alerts from {@code since} on (null: all). */
    ReleaseHealth health(final String org, final KpiSettings settings, final Instant since) {
        final List<DeploymentMarker> decoded =
                markers.stream()
                        .map(OrgSnapshot::fromJson)
                        .sorted(java.util.Comparator.comparing(DeploymentMarker::getCompletedTime))
                        .toList();
        final List<ReleaseHealthQueries.Bucket> list =
                buckets.entrySet().stream()
                        .map(
                                e ->
                                        new ReleaseHealthQueries.Bucket(
                                                Instant.ofEpochMilli(e.getKey()), e.getValue()))
                        .toList();
        final List<ReleaseHealthQueries.Views> hourly =
                views.entrySet().stream()
                        .map(
                                e ->
                                        new ReleaseHealthQueries.Views(
                                                Instant.ofEpochMilli(e.getKey()), e.getValue()))
                        .toList();
        return new ReleaseHealth(org, decoded, alerts, list, hourly, settings, since);
    }

    /** The attempts, oldest first. */
    List<DeploymentMarker> attempts() {
        return attempts.stream()
                .map(OrgSnapshot::fromJson)
                .sorted(java.util.Comparator.comparing(DeploymentMarker::getCompletedTime))
                .toList();
    }

    static String toJson(final DeploymentMarker marker) {
        try {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final JsonEncoder encoder =
                    EncoderFactory.get().jsonEncoder(DeploymentMarker.getClassSchema(), out);
            new SpecificDatumWriter<>(DeploymentMarker.class).write(marker, encoder);
            encoder.flush();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DeploymentMarker fromJson(final String json) {
        try {
            return new SpecificDatumReader<>(DeploymentMarker.class)
                    .read(
                            null,
                            DecoderFactory.get()
                                    .jsonDecoder(DeploymentMarker.getClassSchema(), json));
        } catch (IOException e) {
            throw new UncheckedIOException("Not a DeploymentMarker in Avro JSON: " + json, e);
        }
    }
}
