package io.sfpulse.streams.detector.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.integrations.IntegrationFailuresDetector;
import io.sfpulse.streams.stats.ProportionComparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle every share detector shares, on hand-made series: an alert raised at the strict
 * level of one look stays open while the recent share is still significantly up at alpha itself,
 * and resolves once it is back.
 */
class ShareJudgeTest {

    private static final long MINUTE = 60_000L;
    private static final long RELEASE = 1_000 * MINUTE;
    private static final String KEY = "failed";

    private final ShareSettings settings = IntegrationFailuresDetector.defaults();
    private final ShareJudge judge = new ShareJudge(IntegrationFailuresDetector.NAME, settings);
    private final ShareSeries series = new ShareSeries();
    private final List<AlertStatus> statuses = new ArrayList<>();
    private final List<Double> resolvedAtP = new ArrayList<>();

    private final ShareJudge.Voice voice =
            new ShareJudge.Voice() {
                @Override
                public String subject(final String group, final String key) {
                    return group;
                }

                @Override
                public String summary(
                        final AlertStatus status,
                        final String group,
                        final String key,
                        final String deploy,
                        final ProportionComparison.Result r) {
                    return status + " " + group;
                }

                @Override
                public void explain(
                        final Map<String, String> evidence,
                        final String group,
                        final String key,
                        final ShareSeries s,
                        final AlertState alert) {}

                @Override
                public Severity severity(final String key) {
                    return Severity.WARNING;
                }

                @Override
                public void send(
                        final AlertState a,
                        final AlertStatus status,
                        final AlertLifecycle.Draft draft,
                        final long count,
                        final long now) {
                    AlertLifecycle.next(a, status, draft, count, now);
                    statuses.add(status);
                    if (status == AlertStatus.RESOLVED) {
                        resolvedAtP.add(Double.parseDouble(draft.evidence().get("pValue")));
                    }
                }
            };

    /** Minutes [from, to) relative to the release: two requests a minute, {@code failEvery}-th of them failing (0: none), judged each minute. */
    private void minutes(final int from, final int to, final int failEvery) {
        for (int m = from; m < to; m++) {
            for (int i = 0; i < 2; i++) {
                final long t = RELEASE + m * MINUTE + 10_000L + 25_000L * i;
                series.countTrial(t);
                final int request = 2 * m + i;
                if (failEvery > 0 && Math.floorMod(request, failEvery) == 0
                        || failEvery == 0 && Math.floorMod(request, 120) == 7) {
                    series.countHit(KEY, t, "HTTP 503");
                }
                if (m >= 0) {
                    if (series.alerts.isEmpty()) {
                        series.alerts.put(
                                "0AfREL|" + KEY,
                                AlertState.forRelease("0AfREL", RELEASE, List.of(), null, null));
                    }
                    judge.judge("00DORG", "API client Sync", series, t, voice);
                }
            }
        }
    }

    @Test
    void anAlertStaysOpenWhileTheRecentShareIsStillUpAtAlphaAndResolvesOnceItIsBack() {
        // Two hours before the release: a request in 120 fails (0.8 %).
        minutes(-120, 0, 0);
        // After it: every second request fails, then every sixth (17 %): well above the 0.8 %
        // before, but in a
        // 20-minute resolve window (40 requests, 6 or 7 failed) not at the strict level of one
        // look.
        minutes(0, 20, 2);
        assertThat(statuses).startsWith(AlertStatus.TRIGGERED).doesNotContain(AlertStatus.RESOLVED);
        final double strict =
                settings.alpha() / 48; // the level of one look: 48 looks over the 4-hour window
        minutes(20, 80, 6);
        final ShareJudge.Assessment recent =
                judge.assess(series, KEY, RELEASE, RELEASE + 60 * MINUTE, RELEASE + 80 * MINUTE);
        assertThat(recent.result().pValue())
                .as("the recent share is not up at the strict level of one look")
                .isGreaterThan(strict)
                .isLessThan(settings.alpha());
        assertThat(statuses)
                .as("no resolution while the share is still significantly up")
                .doesNotContain(AlertStatus.RESOLVED);
        // Back to the share before the release: resolved, on a recent span that is no longer up at
        // alpha.
        minutes(80, 120, 0);
        assertThat(statuses).containsSubsequence(AlertStatus.TRIGGERED, AlertStatus.RESOLVED);
        assertThat(resolvedAtP)
                .singleElement()
                .satisfies(p -> assertThat(p).isGreaterThanOrEqualTo(settings.alpha()));
    }
}
