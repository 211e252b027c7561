package io.sfpulse.streams.detector.share;

import static io.sfpulse.streams.detector.EvidenceFormat.pct;
import static io.sfpulse.streams.detector.EvidenceFormat.window;

import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import io.sfpulse.streams.detector.RepeatedLooks;
import io.sfpulse.streams.detector.SubjectKeys;
import io.sfpulse.streams.stats.ProportionComparison;
import io.sfpulse.streams.stats.RateComparison;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Has the share of a group's trials that are hits of one kind risen after a release (an object's
 * changes that break a reference, an API client's requests that fail)? The share in the judged
 * span against the share before the release: Fisher's exact test, one-sided
 * ({@link ProportionComparison}) at alpha over the looks (one every five minutes) of the release window
 * ({@link RepeatedLooks}), with a minimum of hits, a minimum ratio and a minimum baseline.
 * And the lifecycle every share detector shares: a pending state per (release, kind of hit) once the
 * group has a baseline before the release, TRIGGERED, UPDATED when the hits double, RESOLVED when
 * the recent share is no longer significantly up even at alpha itself (hysteresis: an alert found at
 * the strict level of one look does not resolve while the share is still up), a new episode when it
 * rises again inside the release window; judged at most once a look (five minutes of event time) per
 * group. Pure apart from what it emits: no Kafka types.
 */
public final class ShareJudge {

    /** The call on one span, with its windows; {@code reason} says why. */
    public record Assessment(
            ProportionComparison.Result result,
            String reason,
            long fromMs,
            long toMs,
            long baselineFromMs,
            long baselineToMs) {
        public RateComparison.Verdict verdict() {
            return result.verdict();
        }
    }

    /** How a detector names, words and explains its alerts, and where they go. */
    public interface Voice {
        /** The alert subject of kind {@code key} of {@code group}, e.g. {@code Contact.AccountId -> deleted}. */
        String subject(String group, String key);

        String summary(
                AlertStatus status,
                String group,
                String key,
                String deploy,
                ProportionComparison.Result r);

        /** Evidence beyond what {@link #evidence} puts in for every share detector. */
        void explain(
                Map<String, String> evidence,
                String group,
                String key,
                ShareSeries series,
                AlertState alert);

        io.sfpulse.schemas.alert.Severity severity(String key);

        /** Hands the alert state to the processor (its {@code emit}). */
        void send(
                AlertState a, AlertStatus status, AlertLifecycle.Draft draft, long count, long now);
    }

    private final String detector;
    private final ShareSettings settings;
    private final ProportionComparison test;

    /** Whether an open alert's recent share is still up: at alpha, not over the looks (hysteresis: no resolution while it still is). */
    private final ProportionComparison stillUp;

    public ShareJudge(final String detector, final ShareSettings settings) {
        this.detector = detector;
        this.settings = settings;
        this.test =
                new ProportionComparison(
                        RepeatedLooks.releaseLevel(settings.alpha(), settings.window()),
                        settings.minHits(),
                        settings.minRatio(),
                        settings.minBaselineTrials());
        this.stillUp =
                new ProportionComparison(
                        settings.alpha(),
                        settings.minHits(),
                        settings.minRatio(),
                        settings.minBaselineTrials());
    }

    public ShareSettings settings() {
        return settings;
    }

    /** Judges the hits of kind {@code key} in [fromMs, toMs) against the baseline before the release at {@code releaseMs}. */
    public Assessment assess(
            final ShareSeries s,
            final String key,
            final long releaseMs,
            final long fromMs,
            final long toMs) {
        return assess(s, key, releaseMs, fromMs, toMs, test);
    }

    private Assessment assess(
            final ShareSeries s,
            final String key,
            final long releaseMs,
            final long fromMs,
            final long toMs,
            final ProportionComparison test) {
        final long release = MinuteCounts.minuteStart(releaseMs);
        final long from = Math.min(toMs, MinuteCounts.nextMinuteStart(fromMs));
        final long baselineFrom =
                Math.min(
                        release,
                        Math.max(release - settings.baseline().toMillis(), s.firstObservedMs()));
        ProportionComparison.Result r =
                test.compare(
                        s.hitCount(key, from, toMs),
                        s.trials.count(from, toMs),
                        s.hitCount(key, baselineFrom, release),
                        s.trials.count(baselineFrom, release));
        final String reason;
        if (release - baselineFrom < settings.minBaseline().toMillis()) {
            r =
                    new ProportionComparison.Result(
                            RateComparison.Verdict.INCONCLUSIVE,
                            r.pValue(),
                            r.currentShare(),
                            r.baselineShare(),
                            r.ratio(),
                            r.currentHits(),
                            r.currentTrials(),
                            r.baselineHits(),
                            r.baselineTrials());
            reason = "baseline shorter than " + settings.minBaseline() + " before the release";
        } else if (r.verdict() == RateComparison.Verdict.INCONCLUSIVE) {
            reason =
                    r.baselineTrials() < settings.minBaselineTrials()
                            ? r.baselineTrials()
                                    + " trials in the baseline, fewer than "
                                    + settings.minBaselineTrials()
                            : r.currentHits() + " now, fewer than " + settings.minHits();
        } else if (r.verdict() == RateComparison.Verdict.INCREASE) {
            reason =
                    String.format(
                            Locale.ROOT,
                            "%s now, %s before",
                            pct(r.currentShare()),
                            pct(r.baselineShare()));
        } else {
            reason = "not significantly more than before";
        }
        return new Assessment(r, reason, from, toMs, baselineFrom, release);
    }

    /** Under the signal's release, once the group has a baseline before it, every kind of hit it has can be that release's doing. */
    public void watch(final ShareSeries s, final Signal signal, final long t) {
        if (signal.getReleaseId() == null || signal.getReleaseCompletedTime() == null) {
            return;
        }
        final long release = signal.getReleaseCompletedTime().toEpochMilli();
        if (t - release > settings.window().toMillis()
                || s.firstObservedMs() > release - settings.minBaseline().toMillis()) {
            return;
        }
        for (final String key : s.hits.keySet()) {
            s.alerts.computeIfAbsent(
                    signal.getReleaseId() + "|" + key, k -> AlertState.forRelease(signal));
        }
    }

    /** Judges every alert state of the group at {@code t}, at most once a look ({@link RepeatedLooks#RELEASE_LOOK} of event time). */
    public void judge(
            final String org,
            final String group,
            final ShareSeries s,
            final long t,
            final Voice voice) {
        final long look = RepeatedLooks.releaseLook(t);
        if (look == s.judgedLook) {
            return;
        }
        s.judgedLook = look;
        for (final Map.Entry<String, AlertState> en : s.alerts.entrySet()) {
            final String key = en.getKey().substring(en.getKey().indexOf('|') + 1);
            final AlertState a = en.getValue();
            final long release = a.releaseCompletedMs();
            if (a.isOpen()) {
                final Assessment recent =
                        assess(
                                s,
                                key,
                                release,
                                Math.max(
                                        a.episodeStartMs(),
                                        t - settings.resolveWindow().toMillis()),
                                t,
                                stillUp);
                if (recent.verdict() != RateComparison.Verdict.INCREASE) {
                    emit(org, group, key, s, a, AlertStatus.RESOLVED, recent, t, voice);
                } else {
                    final Assessment now =
                            assess(s, key, release, spanStart(a.episodeStartMs(), t), t);
                    if (now.result().currentHits() >= 2 * a.lastReportedCount()) {
                        emit(org, group, key, s, a, AlertStatus.UPDATED, now, t, voice);
                    }
                }
                continue;
            }
            final long start = a.isResolved() ? a.lastEmittedMs() : a.episodeStartMs();
            if (t - release > settings.window().toMillis() || t <= start) {
                continue;
            }
            final Assessment now = assess(s, key, release, spanStart(start, t), t);
            if (now.verdict() != RateComparison.Verdict.INCREASE) {
                continue;
            }
            if (a.isResolved()) {
                AlertLifecycle.reopen(
                        a, org, detector, SubjectKeys.hash(voice.subject(group, key)));
            }
            emit(org, group, key, s, a, AlertStatus.TRIGGERED, now, t, voice);
        }
    }

    /** Forgets what no baseline, window or open alert needs any more, and expired alert states. */
    public void prune(final ShareSeries s, final long t) {
        long horizon =
                t
                        - settings.baseline().toMillis()
                        - settings.window().toMillis()
                        - settings.span().toMillis();
        for (final AlertState a : s.alerts.values()) {
            horizon = Math.min(horizon, a.releaseCompletedMs() - settings.baseline().toMillis());
        }
        s.alerts
                .values()
                .removeIf(
                        a ->
                                a.expired(
                                        t,
                                        settings.window().toMillis(),
                                        settings.window().toMillis()
                                                + settings.baseline().toMillis()));
        s.prune(horizon);
    }

    private long spanStart(final long startMs, final long nowMs) {
        return Math.max(startMs, nowMs - settings.span().toMillis());
    }

    private void emit(
            final String org,
            final String group,
            final String key,
            final ShareSeries s,
            final AlertState a,
            final AlertStatus status,
            final Assessment as,
            final long now,
            final Voice voice) {
        final String deploy = a.hasRelease() ? "deploy " + a.releaseId() : "the release";
        final String subject = voice.subject(group, key);
        voice.send(
                a,
                status,
                new AlertLifecycle.Draft(
                        org,
                        detector,
                        SubjectKeys.hash(subject),
                        subject,
                        voice.summary(status, group, key, deploy, as.result()),
                        voice.severity(key),
                        evidence(group, key, s, as, a, voice),
                        as.fromMs(),
                        as.toMs()),
                as.result().currentHits(),
                now);
    }

    /** The test, counts and shares before and after, windows, the hits' per-minute series, the release, then the detector's own. */
    private Map<String, String> evidence(
            final String group,
            final String key,
            final ShareSeries s,
            final Assessment a,
            final AlertState alert,
            final Voice voice) {
        final ProportionComparison.Result r = a.result();
        final Map<String, String> e = new LinkedHashMap<>();
        e.put("alpha", String.format(Locale.ROOT, "%.4g", test.alpha()));
        e.put("resolveAlpha", String.format(Locale.ROOT, "%.4g", stillUp.alpha()));
        e.put(
                "looks",
                RepeatedLooks.releaseLooksEvidence(
                        settings.window(), String.valueOf(settings.alpha())));
        e.put("pValue", String.format(Locale.ROOT, "%.3g", r.pValue()));
        e.put("observedCount", String.valueOf(r.currentHits()));
        e.put("trialsNow", String.valueOf(r.currentTrials()));
        e.put("baselineCount", String.valueOf(r.baselineHits()));
        e.put("trialsBefore", String.valueOf(r.baselineTrials()));
        e.put("shareAfter", pct(r.currentShare()));
        e.put("shareBefore", pct(r.baselineShare()));
        e.put("ratio", String.format(Locale.ROOT, "%.4g", r.ratio()));
        e.put("baselineWindows", window(a.baselineFromMs(), a.baselineToMs()));
        e.put("currentWindow", window(a.fromMs(), a.toMs()));
        e.put("reason", a.reason());
        final MinuteCounts series = s.hitSeries(key);
        if (series != null) {
            final long from =
                    Math.min(alert.releaseCompletedMs() - settings.span().toMillis(), a.fromMs());
            e.put("series", series.series(from, Math.max(a.toMs(), from + MinuteCounts.MINUTE_MS)));
        }
        if (alert.hasRelease()) {
            e.put("deployId", alert.releaseId());
            e.put("deployCompletedAt", Instant.ofEpochMilli(alert.releaseCompletedMs()).toString());
        }
        voice.explain(e, group, key, s, alert);
        return e;
    }
}
