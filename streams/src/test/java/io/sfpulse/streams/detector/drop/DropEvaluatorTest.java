package io.sfpulse.streams.detector.drop;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.absence.AbsenceDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropEvaluatorTest {

    private static final long MIN = 60_000;
    private static final long RELEASE = 1_000 * 60 * MIN;
    private final DropEvaluator evaluator =
            new DropEvaluator(
                    AbsenceDetector.defaults(),
                    new WatchedCounts() {
                        @Override
                        public boolean counts(final Signal s) {
                            return true;
                        }

                        @Override
                        public String subject(final Signal s) {
                            return s.getSubject();
                        }

                        @Override
                        public long amount(final Signal s) {
                            return 1;
                        }

                        @Override
                        public String family(final String channel) {
                            return "all";
                        }

                        @Override
                        public List<String> suspects(
                                final List<String> components, final String subject) {
                            return List.of();
                        }

                        @Override
                        public String title(final String subject) {
                            return subject;
                        }

                        @Override
                        public String unit() {
                            return "executions";
                        }

                        @Override
                        public String resumed() {
                            return "runs again";
                        }

                        @Override
                        public String evidenceKey() {
                            return "entryPoint";
                        }

                        @Override
                        public String testedKey() {
                            return "entryPointsTested";
                        }
                    });

    /** {@code perMinute} executions a minute in [from, to) minutes relative to the release. */
    private static void run(
            final CountSeries s, final int from, final int to, final int perMinute) {
        for (int m = from; m < to; m++) {
            if (perMinute > 0) {
                s.add(RELEASE + m * MIN + 1_000, perMinute, "/event/LogEntryEvent__e");
            } else {
                s.minutes.observe(RELEASE + m * MIN);
            }
        }
    }

    @Test
    void silenceWhereEnoughWasExpectedIsAbsentWhileTheOrgGoesOn() {
        final CountSeries flow = new CountSeries();
        final CountSeries all = new CountSeries();
        run(flow, -180, 0, 1);
        run(all, -180, 0, 3);
        run(all, 0, 30, 2);
        final DropEvaluator.Assessment a =
                evaluator.assess(flow, all, RELEASE, RELEASE, RELEASE + 30 * MIN, 2);
        assertThat(a.verdict()).isEqualTo(DropEvaluator.Verdict.DROPPED);
        assertThat(a.observed()).isZero();
        assertThat(a.expected()).isEqualTo(30.0, org.assertj.core.data.Offset.offset(0.5));
        // alpha over the two subjects and the 48 five-minute looks of the 4-hour window.
        assertThat(a.alpha()).isEqualTo(0.001 / 2 / 48);
        assertThat(a.share().othersObserved()).isEqualTo(60);
        assertThat(a.share().ratio()).isZero();
        assertThat(a.baseline().kind()).isEqualTo(DropEvaluator.BaselineKind.BEFORE_RELEASE);
    }

    @Test
    void silenceWhereLittleWasExpectedIsInconclusive() {
        final CountSeries flow = new CountSeries();
        run(flow, -180, 0, 0);
        flow.add(RELEASE - 100 * MIN, 1, "/event/LogEntryEvent__e");
        flow.add(RELEASE - 50 * MIN, 1, "/event/LogEntryEvent__e");
        final DropEvaluator.Assessment a =
                evaluator.assess(flow, flow, RELEASE, RELEASE, RELEASE + 30 * MIN, 1);
        assertThat(a.verdict()).isEqualTo(DropEvaluator.Verdict.INCONCLUSIVE);
        assertThat(a.reason()).contains("silence proves nothing");
    }

    @Test
    void aDropTheRestOfTheOrgSharesIsInconclusive() {
        final CountSeries flow = new CountSeries();
        final CountSeries all = new CountSeries();
        run(flow, -180, 0, 1);
        run(all, -180, 0, 3);
        final DropEvaluator.Assessment silent =
                evaluator.assess(flow, all, RELEASE, RELEASE, RELEASE + 30 * MIN, 2);
        assertThat(silent.verdict()).isEqualTo(DropEvaluator.Verdict.INCONCLUSIVE);
        assertThat(silent.reason()).contains("other activity fell too");
        // Everything at a tenth of its rate for two hours: the flow's share of the org did not
        // move.
        for (int m = 0; m < 120; m += 10) {
            flow.add(RELEASE + m * MIN, 1, "/event/LogEntryEvent__e");
            all.add(RELEASE + m * MIN, 3, "/event/LogEntryEvent__e");
        }
        final DropEvaluator.Assessment tenth =
                evaluator.assess(flow, all, RELEASE, RELEASE, RELEASE + 120 * MIN, 2);
        assertThat(tenth.test().verdict())
                .isEqualTo(io.sfpulse.streams.stats.RateComparison.Verdict.DECREASE);
        assertThat(tenth.verdict()).isEqualTo(DropEvaluator.Verdict.INCONCLUSIVE);
        assertThat(tenth.reason()).startsWith("org-wide drop");
    }

    @Test
    void aShortHistoryIsInconclusiveAndARunningEntryPointIsPresentAndResumed() {
        final CountSeries young = new CountSeries();
        run(young, -20, 0, 2);
        assertThat(evaluator.assess(young, young, RELEASE, RELEASE, RELEASE + 30 * MIN, 1).reason())
                .startsWith("baseline shorter than");
        final CountSeries steady = new CountSeries();
        run(steady, -180, 30, 1);
        final DropEvaluator.Assessment a =
                evaluator.assess(
                        steady, steady, RELEASE, RELEASE + 10 * MIN, RELEASE + 30 * MIN, 1);
        assertThat(a.verdict()).isEqualTo(DropEvaluator.Verdict.NORMAL);
        assertThat(evaluator.resumed(a)).isTrue();
    }

    @Test
    void withDaysOfHistoryTheBaselineIsTheSameTimeOfDay() {
        final CountSeries flow = new CountSeries();
        // Five days: busy in the hour before the release, idle in the hour after it, every day.
        for (int day = 5; day >= 1; day--) {
            final long offset = -day * 1440L;
            run(flow, (int) offset - 60, (int) offset, 2);
            run(flow, (int) offset, (int) offset + 60, 0);
        }
        run(flow, -60, 0, 2);
        final DropEvaluator.Assessment a =
                evaluator.assess(flow, flow, RELEASE, RELEASE, RELEASE + 30 * MIN, 1);
        assertThat(a.baseline().kind()).isEqualTo(DropEvaluator.BaselineKind.SEASONAL);
        assertThat(a.baseline().windows()).hasSize(5);
        assertThat(a.expected()).isZero();
        assertThat(a.verdict()).isEqualTo(DropEvaluator.Verdict.INCONCLUSIVE);
    }
}
