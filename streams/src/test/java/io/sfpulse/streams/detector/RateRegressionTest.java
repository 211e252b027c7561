package io.sfpulse.streams.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.streams.stats.RateComparison;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateRegressionTest {

    private static final long H = 3_600_000;
    private static final long DEPLOY = 100 * H;
    private final RateRegression rate =
            new RateRegression(
                    new RateRegression.Parameters(
                            0.001,
                            5,
                            2.0,
                            Duration.ofHours(1),
                            Duration.ofHours(2),
                            Duration.ofMinutes(10),
                            Duration.ofMinutes(15),
                            Duration.ofMinutes(30)));

    /** One event every 20 minutes for two hours before the deploy, observed all along. */
    private static MinuteCounts quietBaseline() {
        final MinuteCounts c = new MinuteCounts();
        c.observe(DEPLOY - 2 * H);
        for (long t = DEPLOY - 2 * H; t < DEPLOY; t += 20 * 60_000) {
            c.add(t, 1);
        }
        return c;
    }

    @Test
    void theContinuousNoDeployCheckJudgesAtAlphaOverTheMinuteWindowsOfADay() {
        // evaluated on every signal over a window sliding by the minute: 1,440 distinct windows a
        // day, not 48 disjoint ones
        assertThat(RepeatedLooks.over(Duration.ofDays(1))).isEqualTo(1440.0);
        final AlertState noDeploy = AlertState.noDeploy(0L);
        assertThat(rate.alpha(noDeploy)).isEqualTo(rate.parameters().alpha() / 1440);
        assertThat(
                        rate.alpha(
                                AlertState.forRelease(
                                        "0Af", DEPLOY, java.util.List.of(), "r1", "abc")))
                .isEqualTo(rate.parameters().alpha());
    }

    @Test
    void aChanceBurstAtTheFormerPerDisjointWindowLevelNoLongerTriggersWithoutADeploy() {
        // 20 an hour for the hour before, then 26 in the last half hour (p ~ 5e-6): below alpha/48,
        // above alpha/1440
        final MinuteCounts c = new MinuteCounts();
        final long now = DEPLOY;
        c.observe(now - 2 * H);
        for (long t = now - 90 * 60_000L; t < now - 30 * 60_000L; t += 3 * 60_000L) {
            c.add(t, 1);
        }
        for (int i = 0; i < 26; i++) {
            c.add(now - 30 * 60_000L + 69_000L * i, 1);
        }
        final RateRegression.Evaluation e = rate.rolling(c, now);
        assertThat(e.result().pValue())
                .isBetween(rate.parameters().alpha() / 1440, rate.parameters().alpha() / 48);
        assertThat(e.result().verdict()).isNotEqualTo(RateComparison.Verdict.INCREASE);
    }

    @Test
    void trafficComingBackAfterAPostReleaseLullIsMeasuredAgainstTheSpanBeforeTheRelease() {
        // 40 an hour for the two hours before the release, a lull (4 an hour) in its hour-long
        // window, then 80 an hour: the
        // span just before the recent half hour is half lull, so traffic back above its usual level
        // looks like a rise
        // against it (p ~ 1e-9); against the span before the release it is below the no-deploy
        // check's level (p ~ 5e-4).
        final MinuteCounts c = new MinuteCounts();
        c.observe(DEPLOY - 2 * H);
        for (long t = DEPLOY - 2 * H; t < DEPLOY; t += 90_000) {
            c.add(t, 1);
        }
        for (long t = DEPLOY; t < DEPLOY + H; t += 15 * 60_000) {
            c.add(t, 1);
        }
        final long now = DEPLOY + 90 * 60_000L;
        for (long t = DEPLOY + H; t < now; t += 45_000) {
            c.add(t, 1);
        }
        final RateRegression.Evaluation unaware = rate.rolling(c, now);
        assertThat(unaware.result().verdict()).isEqualTo(RateComparison.Verdict.INCREASE);
        final RateRegression.Evaluation e = rate.rolling(c, now, DEPLOY);
        assertThat(e.result().verdict()).isNotEqualTo(RateComparison.Verdict.INCREASE);
        assertThat(e.baselineToMs()).isEqualTo(DEPLOY);
        assertThat(e.baselineFromMs()).isEqualTo(DEPLOY - 2 * H);
        assertThat(e.currentFromMs()).isEqualTo(now - 30 * 60_000L);
        // Just after the release's window, the recent span starts where the window ends (the
        // window's tail is the release's).
        final long justAfter = DEPLOY + 65 * 60_000L;
        assertThat(rate.rolling(c, justAfter, DEPLOY).currentFromMs()).isEqualTo(DEPLOY + H);
        assertThat(rate.rolling(c, justAfter, DEPLOY).baselineToMs()).isEqualTo(DEPLOY);
        // Once the baseline before the recent window no longer reaches into the release's window,
        // it is that span again.
        final long later = DEPLOY + 4 * H;
        assertThat(rate.rolling(c, later, DEPLOY).baselineToMs()).isEqualTo(later - 30 * 60_000L);
    }

    @Test
    void flagsABurstAfterTheReleaseWithItsWindowsAndCounts() {
        final MinuteCounts c = quietBaseline();
        for (int i = 0; i < 12; i++) {
            c.add(DEPLOY + 60_000L * i, 1);
        }
        final RateRegression.Evaluation e =
                rate.sinceRelease(c, DEPLOY, DEPLOY, DEPLOY + 12 * 60_000);
        assertThat(e.result().verdict()).isEqualTo(RateComparison.Verdict.INCREASE);
        assertThat(e.result().current()).isEqualTo(12);
        assertThat(e.result().baseline()).isEqualTo(6);
        assertThat(e.baselineFromMs()).isEqualTo(DEPLOY - 2 * H);
        assertThat(e.baselineToMs()).isEqualTo(DEPLOY);
    }

    @Test
    void isInconclusiveOnTooShortAHistoryAndNeverAnIncreaseOnTooFewEvents() {
        final MinuteCounts young = new MinuteCounts();
        young.observe(DEPLOY - 5 * 60_000);
        for (int i = 0; i < 20; i++) {
            young.add(DEPLOY + 30_000L * i, 1);
        }
        assertThat(
                        rate.sinceRelease(young, DEPLOY, DEPLOY, DEPLOY + 10 * 60_000)
                                .result()
                                .verdict())
                .isEqualTo(RateComparison.Verdict.INCONCLUSIVE);
        final MinuteCounts few = quietBaseline();
        few.add(DEPLOY + 60_000, 3);
        assertThat(rate.sinceRelease(few, DEPLOY, DEPLOY, DEPLOY + 2 * 60_000).result().verdict())
                .isNotEqualTo(RateComparison.Verdict.INCREASE);
    }

    @Test
    void judgesALaterEpisodeOnTheSpanSinceItsStartOnly() {
        final MinuteCounts c = quietBaseline();
        for (int i = 0; i < 12; i++) {
            c.add(DEPLOY + 60_000L * i, 1);
        }
        // Resolved at +30 min; nothing since: the first burst does not count towards the second
        // episode.
        final RateRegression.Evaluation e =
                rate.sinceRelease(c, DEPLOY, DEPLOY + 30 * 60_000, DEPLOY + 40 * 60_000);
        assertThat(e.result().current()).isZero();
        assertThat(e.result().verdict()).isNotEqualTo(RateComparison.Verdict.INCREASE);
        assertThat(e.currentFromMs()).isEqualTo(DEPLOY + 30 * 60_000);
    }

    @Test
    void capsTheComparedSpanAtTheWindowAndResolvesOnTheRecentSpan() {
        final MinuteCounts c = quietBaseline();
        for (int i = 0; i < 12; i++) {
            c.add(DEPLOY + 60_000L * i, 1);
        }
        assertThat(rate.sinceRelease(c, DEPLOY, DEPLOY, DEPLOY + 5 * H).currentToMs())
                .isEqualTo(DEPLOY + H);
        assertThat(rate.backToBaseline(rate.recent(c, DEPLOY, DEPLOY + 5 * 60_000))).isFalse();
        assertThat(rate.backToBaseline(rate.recent(c, DEPLOY, DEPLOY + 40 * 60_000))).isTrue();
        assertThat(rate.inWindow(DEPLOY, DEPLOY + H)).isTrue();
        assertThat(rate.inWindow(DEPLOY, DEPLOY + H + 1)).isFalse();
    }

    @Test
    void minuteCountsSumHalfOpenSpansAndPrune() {
        final MinuteCounts c = new MinuteCounts();
        c.add(0, 2);
        c.add(59_999, 1);
        c.add(60_000, 4);
        assertThat(c.count(0, 60_000)).isEqualTo(3);
        assertThat(c.count(0, 60_001)).isEqualTo(7);
        assertThat(c.series(0, 120_000)).isEqualTo("start=0;step=60000;values=3,4");
        c.prune(60_000);
        assertThat(c.count(0, 120_000)).isEqualTo(4);
        assertThat(c.firstObservedMs()).isZero();
    }
}
