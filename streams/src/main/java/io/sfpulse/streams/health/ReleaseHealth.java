package io.sfpulse.streams.health;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The release-health view of one org, computed from its releases, alert histories and signal
 * buckets: per release the alerts attributed to it and failures/latency in the hour before and
 * after; change-failure rate (releases with at least one post-deploy alert / releases) and mean
 * time to restore (triggered -> resolved, over resolved alerts). Pure.
 */
public final class ReleaseHealth {

    private static final Duration AROUND = Duration.ofHours(1);

    /** Failures and latency in a span. */
    public record Span(long failures, long latencySamples, Double latencyMeanMs, long dataChanges) {
    }

    /** One release with its outcome. */
    public record Release(DeploymentMarker marker, List<AlertRecord> alerts, Span before, Span after) {
        public boolean failed() {
            return !alerts.isEmpty();
        }
    }

    /** Key figures. */
    public record Kpis(int releases, int failedReleases, Double changeFailureRate, int resolvedAlerts, Double meanTimeToRestoreMinutes,
                       int openAlerts) {
    }

    private final String orgId;
    private final List<Release> releases;
    private final List<AlertRecord> alerts;
    private final List<ReleaseHealthQueries.Bucket> buckets;

    public ReleaseHealth(final String orgId, final List<DeploymentMarker> markers, final List<AlertRecord> allAlerts,
                         final List<ReleaseHealthQueries.Bucket> buckets) {
        this.orgId = orgId;
        this.buckets = buckets;
        this.alerts = allAlerts.stream().filter(a -> orgId.equals(a.orgId))
            .sorted(Comparator.comparingLong((AlertRecord a) -> a.triggeredAtMs).reversed()).toList();
        final List<Release> rs = new ArrayList<>();
        for (final DeploymentMarker m : markers) {
            final Instant live = m.getCompletedTime();
            rs.add(new Release(m, alerts.stream().filter(a -> m.getDeployId().equals(a.releaseId) && "deploy".equals(a.trigger)).toList(),
                span(live.minus(AROUND), live), span(live, live.plus(AROUND))));
        }
        rs.sort(Comparator.comparing((Release r) -> r.marker().getCompletedTime()).reversed());
        this.releases = rs;
    }

    private Span span(final Instant from, final Instant to) {
        long failures = 0;
        long samples = 0;
        double sum = 0;
        long changes = 0;
        for (final ReleaseHealthQueries.Bucket b : buckets) {
            if (!b.start().isBefore(from) && b.start().isBefore(to)) {
                failures += b.value().failures;
                samples += b.value().latencySamples;
                sum += b.value().latencySumMs;
                changes += b.value().dataChanges;
            }
        }
        return new Span(failures, samples, samples == 0 ? null : sum / samples, changes);
    }

    public String orgId() {
        return orgId;
    }

    /** Newest first. */
    public List<Release> releases() {
        return releases;
    }

    /** Newest trigger first. */
    public List<AlertRecord> alerts() {
        return alerts;
    }

    public List<ReleaseHealthQueries.Bucket> buckets() {
        return buckets;
    }

    public Kpis kpis() {
        final int failed = (int) releases.stream().filter(Release::failed).count();
        final List<AlertRecord> resolved = alerts.stream().filter(a -> a.resolvedAtMs >= 0 && a.triggeredAtMs >= 0).toList();
        final OptionalDouble mttr = resolved.stream().mapToDouble(a -> (a.resolvedAtMs - a.triggeredAtMs) / 60_000.0).average();
        return new Kpis(releases.size(), failed, releases.isEmpty() ? null : (double) failed / releases.size(), resolved.size(),
            mttr.isPresent() ? mttr.getAsDouble() : null, (int) alerts.stream().filter(AlertRecord::open).count());
    }
}
