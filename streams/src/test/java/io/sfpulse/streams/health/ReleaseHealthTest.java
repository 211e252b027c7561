package io.sfpulse.streams.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseHealthTest {

    private static final String ORG = "00D000000000001EAA";
    private static final Instant T = Instant.parse("2026-11-10T12:00:00Z");

    private static DeploymentMarker release(final String id, final Instant at) {
        return DeploymentMarker.newBuilder()
                .setOrgId(ORG)
                .setDeployId(id)
                .setSource(MarkerSource.MARKER_API)
                .setStatus("Succeeded")
                .setCompletedTime(at)
                .build();
    }

    private static AlertRecord alert(
            final String release,
            final String trigger,
            final Instant triggered,
            final Instant resolved) {
        final AlertRecord a = new AlertRecord();
        a.orgId = ORG;
        a.releaseId = release;
        a.trigger = trigger;
        a.dedupKey = ORG + "|" + release + "|x|y";
        a.triggeredAtMs = triggered.toEpochMilli();
        a.resolvedAtMs = resolved == null ? -1 : resolved.toEpochMilli();
        a.status = resolved == null ? "TRIGGERED" : "RESOLVED";
        return a;
    }

    private static ReleaseHealthQueries.Bucket bucket(
            final Instant start, final long failures, final double latency) {
        final SignalBucket b = new SignalBucket();
        b.failures = failures;
        b.latencySamples = 1;
        b.latencySumMs = latency;
        return new ReleaseHealthQueries.Bucket(start, b);
    }

    @Test
    void changeFailureRateCountsReleasesWithPostDeployAlertsAndMttrAveragesResolvedOnes() {
        final List<DeploymentMarker> releases =
                List.of(
                        release("r1", T),
                        release("r2", T.plus(Duration.ofHours(3))),
                        release("r3", T.plus(Duration.ofHours(6))),
                        release("r4", T.plus(Duration.ofHours(9))));
        final List<AlertRecord> alerts =
                List.of(
                        alert(
                                "r1",
                                "deploy",
                                T.plusSeconds(300),
                                T.plusSeconds(300 + 1200)), // 20 min to restore
                        alert(
                                "r1",
                                "deploy",
                                T.plusSeconds(600),
                                T.plusSeconds(600 + 2400)), // 40 min
                        alert(
                                "r3",
                                "deploy",
                                T.plus(Duration.ofHours(6)).plusSeconds(60),
                                null), // still open
                        alert(
                                null,
                                "no-deploy",
                                T.plus(Duration.ofHours(4)),
                                T.plus(Duration.ofHours(4))
                                        .plusSeconds(3600))); // 60 min, no release
        final ReleaseHealth h =
                new ReleaseHealth(
                        ORG,
                        releases,
                        alerts,
                        List.of(
                                bucket(T.minusSeconds(600), 1, 100),
                                bucket(T.plusSeconds(300), 9, 300)));
        final ReleaseHealth.Kpis k = h.kpis();
        assertThat(k.releases()).isEqualTo(4);
        assertThat(k.failedReleases()).isEqualTo(2);
        assertThat(k.changeFailureRate()).isEqualTo(0.5);
        assertThat(k.resolvedAlerts()).isEqualTo(3);
        assertThat(k.meanTimeToRestoreMinutes()).isCloseTo(40.0, within(1e-9));
        assertThat(k.openAlerts()).isEqualTo(1);
        final ReleaseHealth.Release r1 = h.releases().get(h.releases().size() - 1);
        assertThat(r1.marker().getDeployId()).isEqualTo("r1");
        assertThat(r1.alerts()).hasSize(2);
        assertThat(r1.before().failures()).isEqualTo(1);
        assertThat(r1.after().failures()).isEqualTo(9);
        assertThat(r1.after().latencyMeanMs()).isEqualTo(300.0);
        assertThat(h.releases().get(0).marker().getDeployId()).isEqualTo("r4");
    }

    @Test
    void noReleasesMeansNoRateRatherThanZero() {
        final ReleaseHealth.Kpis k = new ReleaseHealth(ORG, List.of(), List.of(), List.of()).kpis();
        assertThat(k.changeFailureRate()).isNull();
        assertThat(k.meanTimeToRestoreMinutes()).isNull();
    }

    @Test
    void defectsLeadTimeAndTheErrorBudgetPerOrgAndRelease() {
        final DeploymentMarker r1 =
                DeploymentMarker.newBuilder(release("r1", T))
                        .setCommitTime(T.minus(Duration.ofMinutes(90)))
                        .build();
        final DeploymentMarker r2 =
                DeploymentMarker.newBuilder(release("r2", T.plus(Duration.ofHours(2))))
                        .setCommitTime(T.plus(Duration.ofMinutes(90)))
                        .build();
        final List<AlertRecord> alerts =
                List.of(
                        alert(
                                "r2",
                                "deploy",
                                T.plus(Duration.ofHours(2)).plusSeconds(300),
                                T.plus(Duration.ofHours(3))),
                        alert("r2", "deploy", T.plus(Duration.ofHours(2)).plusSeconds(600), null));
        // 1,000 executions in each of 4 buckets; 2 failures while r1 was live, 18 while r2 is.
        final List<ReleaseHealthQueries.Bucket> buckets =
                List.of(
                        executions(T, 1000, 2),
                        executions(T.plus(Duration.ofHours(1)), 1000, 0),
                        executions(T.plus(Duration.ofHours(2)), 1000, 10),
                        executions(T.plus(Duration.ofHours(3)), 1000, 8));
        final ReleaseHealth h =
                new ReleaseHealth(
                        ORG,
                        List.of(r1, r2),
                        alerts,
                        buckets,
                        new KpiSettings(10.0, Duration.ofDays(28)),
                        null);
        final ReleaseHealth.Kpis k = h.kpis();
        assertThat(k.defectsPerRelease()).isEqualTo(1.0);
        assertThat(k.medianLeadTimeMinutes()).as("90 and 30 minutes").isEqualTo(90.0);
        final ReleaseHealth.ErrorBudget b = k.errorBudget();
        assertThat(b.executions()).isEqualTo(4000);
        assertThat(b.failures()).isEqualTo(20);
        assertThat(b.failuresPerThousand()).isEqualTo(5.0);
        assertThat(b.consumed()).as("5 of the 10 per thousand allowed").isEqualTo(0.5);
        assertThat(b.to())
                .isEqualTo(T.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(5)).toString());
        final ReleaseHealth.Release newest = h.releases().get(0);
        assertThat(newest.defects()).isEqualTo(2);
        assertThat(newest.leadTimeMinutes()).isEqualTo(30.0);
        assertThat(newest.failuresWhileLive()).isEqualTo(18);
        assertThat(newest.budgetBurned()).as("18 of the 40 failures allowed").isEqualTo(0.45);
        assertThat(newest.meanTimeToRestoreMinutes()).isEqualTo(55.0);
        assertThat(h.releases().get(1).budgetBurned()).isEqualTo(0.05);

        final ReleaseHealth recent =
                new ReleaseHealth(
                        ORG,
                        List.of(r1, r2),
                        alerts,
                        buckets,
                        KpiSettings.defaults(),
                        T.plus(Duration.ofHours(1)));
        assertThat(recent.releases())
                .extracting(r -> r.marker().getDeployId())
                .containsExactly("r2");
    }

    private static ReleaseHealthQueries.Bucket executions(
            final Instant start, final long observations, final long failures) {
        final SignalBucket b = new SignalBucket();
        b.observations = observations - failures;
        b.failures = failures;
        return new ReleaseHealthQueries.Bucket(start, b);
    }

    @Test
    void adoptionComparesTheShippedAppsAndPagesInTheDayBeforeAndAfter() {
        final DeploymentMarker r =
                DeploymentMarker.newBuilder(release("r1", T.plus(Duration.ofMinutes(30))))
                        .setComponents(
                                List.of(
                                        "CustomApplication:Sales_Console",
                                        "FlexiPage:Account_Record_Page",
                                        "ApexClass:InvoiceService"))
                        .build();
        final List<ReleaseHealthQueries.Views> views =
                List.of(
                        views(T.minus(Duration.ofHours(2)), "app:c__Sales_Console", 10, "u1", "u2"),
                        views(
                                T,
                                "app:c__Sales_Console",
                                99,
                                "u9"), // the hour the release went live in: neither
                        views(
                                T.plus(Duration.ofHours(1)),
                                "app:c__Sales_Console",
                                30,
                                "u1",
                                "u2",
                                "u3"),
                        views(T.plus(Duration.ofHours(2)), "page:Account_Record_Page", 5, "u4"),
                        views(
                                T.plus(Duration.ofHours(30)),
                                "app:c__Sales_Console",
                                7,
                                "u5")); // beyond the day after
        final ReleaseHealth.Release rel =
                new ReleaseHealth(
                                ORG,
                                List.of(r),
                                List.of(),
                                List.of(),
                                views,
                                KpiSettings.defaults(),
                                null)
                        .releases()
                        .get(0);
        assertThat(rel.adoption())
                .containsExactly(
                        new ReleaseHealth.Adoption(
                                "CustomApplication:Sales_Console", 10, 2, 30, 3, false),
                        new ReleaseHealth.Adoption(
                                "FlexiPage:Account_Record_Page", 0, 0, 5, 1, false));
    }

    private static ReleaseHealthQueries.Views views(
            final Instant hour, final String target, final long count, final String... viewers) {
        final AdoptionBucket b = new AdoptionBucket();
        final AdoptionBucket.Target t = new AdoptionBucket.Target();
        t.views = count;
        t.viewers.addAll(List.of(viewers));
        b.targets.put(target, t);
        return new ReleaseHealthQueries.Views(hour, b);
    }
}
