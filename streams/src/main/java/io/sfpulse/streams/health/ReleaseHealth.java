package io.sfpulse.streams.health;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The release-health view of one org, computed from its releases, alert histories and signal
 * buckets: per release the alerts attributed to it (its defects), failures/latency in the hour
 * before and after, its time to restore, its lead time (commit -> live, when the CI/CD marker
 * carried the commit time) and the share of the org's error budget it burned; and the org's KPIs:
 * change-failure rate (releases with at least one post-deploy alert / releases), mean time to
 * restore (triggered -> resolved, over resolved alerts), defects per release, median lead time, and
 * the error budget (failures per thousand executions over a rolling 28 days against a target), the
 * adoption of the apps and pages each release shipped (views and viewers before vs after),
 * optionally over a period ({@code since}). Pure.
 */
public final class ReleaseHealth {

    private static final Duration AROUND = Duration.ofHours(1);

    /** Failures and latency in a span. */
    public record Span(
            long failures, long latencySamples, Double latencyMeanMs, long dataChanges) {}

    /**
     * One release with its outcome.
     * @param budgetBurned failures while it was live, as a share of the org's error budget (null without executions)
     */
    public record Release(
            DeploymentMarker marker,
            List<AlertRecord> alerts,
            Span before,
            Span after,
            Double meanTimeToRestoreMinutes,
            Double leadTimeMinutes,
            long failuresWhileLive,
            Double budgetBurned,
            List<Adoption> adoption) {
        public boolean failed() {
            return !alerts.isEmpty();
        }

        public int defects() {
            return alerts.size();
        }
    }

    /**
     * Use of an app or Lightning page a release shipped ({@code CustomApplication:X}, {@code FlexiPage:Y}),
     * in the {@link #ADOPTION_SPAN} before and after it went live (whole hours; the hour it went live in
     * counts for neither).
     * @param viewersAreFloor true when more distinct viewers came than a bucket keeps
     */
    public record Adoption(
            String component,
            long viewsBefore,
            int viewersBefore,
            long viewsAfter,
            int viewersAfter,
            boolean viewersAreFloor) {}

    /** How far before and after a release its apps' and pages' use is compared. */
    public static final Duration ADOPTION_SPAN = Duration.ofHours(24);

    /**
     * The error budget over the rolling window ending at the org's latest data ({@code from}, {@code to}: ISO-8601 instants).
     * @param consumed failures over the failures the target allows (1.0 = the budget is spent); null without executions
     */
    public record ErrorBudget(
            String from,
            String to,
            long failures,
            long executions,
            Double failuresPerThousand,
            double targetPerThousand,
            Double consumed) {}

    /** Key figures. */
    public record Kpis(
            int releases,
            int failedReleases,
            Double changeFailureRate,
            int resolvedAlerts,
            Double meanTimeToRestoreMinutes,
            int openAlerts,
            Double defectsPerRelease,
            Double medianLeadTimeMinutes,
            ErrorBudget errorBudget) {}

    private final String orgId;
    private final List<Release> releases;
    private final List<AlertRecord> alerts;
    private final List<ReleaseHealthQueries.Bucket> buckets;
    private final ErrorBudget budget;

    public ReleaseHealth(
            final String orgId,
            final List<DeploymentMarker> markers,
            final List<AlertRecord> allAlerts,
            final List<ReleaseHealthQueries.Bucket> buckets) {
        this(orgId, markers, allAlerts, buckets, KpiSettings.defaults(), null);
    }

    public ReleaseHealth(
            final String orgId,
            final List<DeploymentMarker> markers,
            final List<AlertRecord> allAlerts,
            final List<ReleaseHealthQueries.Bucket> buckets,
            final KpiSettings settings,
            final Instant since) {
        this(orgId, markers, allAlerts, buckets, List.of(), settings, since);
    }

    /**
     * @param views hourly page views of the org (for adoption)
     * @param since only releases that went live and alerts triggered from then on (null: all)
     */
    public ReleaseHealth(
            final String orgId,
            final List<DeploymentMarker> markers,
            final List<AlertRecord> allAlerts,
            final List<ReleaseHealthQueries.Bucket> buckets,
            final List<ReleaseHealthQueries.Views> views,
            final KpiSettings settings,
            final Instant since) {
        this.orgId = orgId;
        this.buckets = buckets;
        final long from = since == null ? Long.MIN_VALUE : since.toEpochMilli();
        this.alerts =
                allAlerts.stream()
                        .filter(a -> orgId.equals(a.orgId))
                        .filter(a -> a.triggeredAtMs >= from || a.open())
                        .sorted(
                                Comparator.comparingLong((AlertRecord a) -> a.triggeredAtMs)
                                        .reversed())
                        .toList();
        this.budget = budget(settings);
        final List<DeploymentMarker> inOrder =
                markers.stream()
                        .sorted(Comparator.comparing(DeploymentMarker::getCompletedTime))
                        .toList();
        final List<Release> rs = new ArrayList<>();
        for (int i = 0; i < inOrder.size(); i++) {
            final DeploymentMarker m = inOrder.get(i);
            final Instant live = m.getCompletedTime();
            if (live.toEpochMilli() < from) {
                continue;
            }
            final List<AlertRecord> own =
                    alerts.stream()
                            .filter(
                                    a ->
                                            m.getDeployId().equals(a.releaseId)
                                                    && "deploy".equals(a.trigger))
                            .toList();
            final OptionalDouble restore =
                    own.stream()
                            .filter(a -> a.resolvedAtMs >= 0 && a.triggeredAtMs >= 0)
                            .mapToDouble(a -> (a.resolvedAtMs - a.triggeredAtMs) / 60_000.0)
                            .average();
            final Instant until =
                    i + 1 < inOrder.size()
                            ? inOrder.get(i + 1).getCompletedTime()
                            : budget == null ? live : Instant.parse(budget.to());
            final long failuresLive = span(live, until).failures();
            final Double allowed =
                    budget == null || budget.executions() == 0
                            ? null
                            : budget.executions() * settings.errorBudgetPerThousand() / 1000.0;
            rs.add(
                    new Release(
                            m,
                            own,
                            span(live.minus(AROUND), live),
                            span(live, live.plus(AROUND)),
                            restore.isPresent() ? restore.getAsDouble() : null,
                            m.getCommitTime() == null
                                    ? null
                                    : Duration.between(m.getCommitTime(), live).toSeconds() / 60.0,
                            failuresLive,
                            allowed == null || allowed == 0 ? null : failuresLive / allowed,
                            adoption(m, views)));
        }
        rs.sort(Comparator.comparing((Release r) -> r.marker().getCompletedTime()).reversed());
        this.releases = rs;
    }

    /** Use of the apps and Lightning pages the release shipped, before vs after it. */
    private static List<Adoption> adoption(
            final DeploymentMarker m, final List<ReleaseHealthQueries.Views> views) {
        final List<Adoption> out = new ArrayList<>();
        final Instant live = m.getCompletedTime();
        for (final String component : m.getComponents()) {
            final String target =
                    component.startsWith("CustomApplication:")
                            ? "app:" + component.substring("CustomApplication:".length())
                            : component.startsWith("FlexiPage:")
                                    ? "page:" + component.substring("FlexiPage:".length())
                                    : null;
            if (target == null) {
                continue;
            }
            long before = 0;
            long after = 0;
            final java.util.Set<String> viewersBefore = new java.util.HashSet<>();
            final java.util.Set<String> viewersAfter = new java.util.HashSet<>();
            boolean floor = false;
            for (final ReleaseHealthQueries.Views v : views) {
                final Instant end = v.start().plus(ReadModelStores.ADOPTION_BUCKET);
                final boolean isBefore =
                        !end.isAfter(live) && !v.start().isBefore(live.minus(ADOPTION_SPAN));
                final boolean isAfter =
                        !v.start().isBefore(live) && v.start().isBefore(live.plus(ADOPTION_SPAN));
                if (!isBefore && !isAfter) {
                    continue;
                }
                for (final Map.Entry<String, AdoptionBucket.Target> t :
                        v.value().targets.entrySet()) {
                    if (!sameTarget(t.getKey(), target)) {
                        continue;
                    }
                    floor |= t.getValue().moreViewers;
                    if (isBefore) {
                        before += t.getValue().views;
                        viewersBefore.addAll(t.getValue().viewers);
                    } else {
                        after += t.getValue().views;
                        viewersAfter.addAll(t.getValue().viewers);
                    }
                }
            }
            out.add(
                    new Adoption(
                            component,
                            before,
                            viewersBefore.size(),
                            after,
                            viewersAfter.size(),
                            floor));
        }
        return out;
    }

    /** {@code app:c__Sales_Console} (a namespaced app name) is the app {@code Sales_Console} a release ships. */
    private static boolean sameTarget(final String seen, final String shipped) {
        if (seen.equalsIgnoreCase(shipped)) {
            return true;
        }
        final int colon = shipped.indexOf(':');
        final String kind = shipped.substring(0, colon + 1);
        return seen.startsWith(kind)
                && seen.toLowerCase(java.util.Locale.ROOT)
                        .endsWith(
                                "__"
                                        + shipped.substring(colon + 1)
                                                .toLowerCase(java.util.Locale.ROOT));
    }

    /** The error budget over the window that ends with the org's latest bucket; null without buckets. */
    private ErrorBudget budget(final KpiSettings settings) {
        if (buckets.isEmpty()) {
            return null;
        }
        final Instant to =
                buckets.stream()
                        .map(ReleaseHealthQueries.Bucket::start)
                        .max(Comparator.naturalOrder())
                        .orElseThrow()
                        .plus(ReadModelStores.BUCKET);
        final Instant from = to.minus(settings.budgetWindow());
        long failures = 0;
        long executions = 0;
        for (final ReleaseHealthQueries.Bucket b : buckets) {
            if (!b.start().isBefore(from) && b.start().isBefore(to)) {
                failures += b.value().failures;
                executions += b.value().executions();
            }
        }
        final Double perThousand = executions == 0 ? null : 1000.0 * failures / executions;
        return new ErrorBudget(
                from.toString(),
                to.toString(),
                failures,
                executions,
                perThousand,
                settings.errorBudgetPerThousand(),
                perThousand == null ? null : perThousand / settings.errorBudgetPerThousand());
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
        final List<AlertRecord> resolved =
                alerts.stream().filter(a -> a.resolvedAtMs >= 0 && a.triggeredAtMs >= 0).toList();
        final OptionalDouble mttr =
                resolved.stream()
                        .mapToDouble(a -> (a.resolvedAtMs - a.triggeredAtMs) / 60_000.0)
                        .average();
        final List<Double> leadTimes =
                releases.stream()
                        .map(Release::leadTimeMinutes)
                        .filter(java.util.Objects::nonNull)
                        .sorted()
                        .toList();
        return new Kpis(
                releases.size(),
                failed,
                releases.isEmpty() ? null : (double) failed / releases.size(),
                resolved.size(),
                mttr.isPresent() ? mttr.getAsDouble() : null,
                (int) alerts.stream().filter(AlertRecord::open).count(),
                releases.isEmpty()
                        ? null
                        : releases.stream().mapToInt(Release::defects).average().orElse(0),
                leadTimes.isEmpty() ? null : leadTimes.get(leadTimes.size() / 2),
                budget);
    }
}
