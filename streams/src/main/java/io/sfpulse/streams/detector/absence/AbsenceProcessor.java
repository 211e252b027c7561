package io.sfpulse.streams.detector.absence;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.SubjectKeys;
import io.sfpulse.streams.normalize.ProgressSignals;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts each entry point's executions (ACTIVITY signals) per (org, entry point), plus a total per
 * org and source family, and once a minute of stream time judges every entry point that ran before
 * the org's live release ({@link AbsenceEvaluator}) over the time its source has delivered: up to
 * its progress record (or the last signal seen on its channel), so silence is seen when nothing
 * arrives at all, and hours-late EventLogFile sources are judged when their rows are in. TRIGGERED
 * when it is significantly absent, UPDATED each time the silence doubles in length, RESOLVED when
 * it runs again at a normal rate; a new episode when it stops again inside the release window.
 * Dedup key: org|release|absent-activity|entry-point hash.
 */
final class AbsenceProcessor extends DetectorProcessor<ActivitySeries> {

    private static final Logger LOG = LoggerFactory.getLogger(AbsenceProcessor.class);
    /** Series name prefix of a family total (sorts before every entry point of the org). */
    static final String FAMILY_PREFIX = "\u0000";
    private static final long MAX_OPEN_MS = 7 * AbsenceEvaluator.DAY_MS;
    private static final long STEP_MS = 60_000;

    private final AbsenceEvaluator evaluator;
    private final AbsenceSettings settings;
    private KeyValueStore<String, OrgActivity> orgStore;
    private final Map<String, OrgActivity> orgs = new HashMap<>();
    /** org -> channel -> latest event time seen (a source without progress records is delivered up to its last signal). */
    private final Map<String, Map<String, Long>> lastSeen = new HashMap<>();
    /** Series key -> delivered time up to which it was last judged (a span is judged again only when it grew). */
    private final Map<String, Long> judgedThrough = new HashMap<>();

    AbsenceProcessor(final AbsenceEvaluator evaluator) {
        super(AbsenceDetector.NAME);
        this.evaluator = evaluator;
        this.settings = evaluator.settings();
    }

    @Override
    protected void connectStores(final ProcessorContext<String, Alert> ctx) {
        orgStore = ctx.getStateStore(AbsenceDetector.ORG_STORE);
    }

    @Override
    protected boolean observesOrg() {
        return false;
    }

    private OrgActivity org(final String org) {
        return orgs.computeIfAbsent(org, o -> {
            final OrgActivity stored = orgStore.get(o);
            return stored != null ? stored : new OrgActivity();
        });
    }

    @Override
    protected boolean handledAside(final String org, final Signal s, final long t) {
        if (s.getReleaseId() != null && s.getReleaseCompletedTime() != null) {
            final OrgActivity o = org(org);
            if (o.noteRelease(s)) {
                orgStore.put(org, o);
            }
        }
        if (ProgressSignals.isProgress(s)) {
            final OrgActivity o = org(org);
            if (o.noteProgress(ProgressSignals.sourceOf(s), t)) {
                orgStore.put(org, o);
            }
            return true;
        }
        lastSeen.computeIfAbsent(org, k -> new HashMap<>()).merge(s.getChannel(), t, Math::max);
        if (s.getKind() != SignalKind.ACTIVITY) {
            return true;
        }
        final String familyKey = seriesKey(org, FAMILY_PREFIX + family(s.getChannel()));
        final ActivitySeries family = load(familyKey);
        family.add(t, executions(s), s.getChannel());
        prune(family, t);
        save(familyKey, family);
        return false;
    }

    @Override
    protected boolean analyses(final Signal s) {
        return s.getKind() == SignalKind.ACTIVITY;
    }

    @Override
    protected String stateKey(final String org, final Signal s) {
        return seriesKey(org, s.getSubject());
    }

    @Override
    protected ActivitySeries emptyState() {
        return new ActivitySeries();
    }

    @Override
    protected void analyse(final String org, final Signal s, final long t, final ActivitySeries series) {
        final boolean fresh = series.source == null;
        series.add(t, executions(s), s.getChannel());
        if (fresh) {
            final OrgActivity o = org(org);
            o.entryPoints++;
            orgStore.put(org, o);
        }
    }

    private static long executions(final Signal s) {
        return Math.max(1, Math.round(s.getValue()));
    }

    private static boolean isFamilyTotal(final String stateKey) {
        return seriesOf(stateKey).startsWith(FAMILY_PREFIX);
    }

    /** Source family of a channel: EventLogFile rows (hours late) are never compared with streamed activity. */
    static String family(final String channel) {
        return channel != null && channel.startsWith("elf/") ? "elf" : "streaming";
    }

    @Override
    protected void prune(final ActivitySeries series, final long t) {
        long minuteHorizon = t - settings.baseline().toMillis() - settings.window().toMillis() - settings.span().toMillis();
        for (final AlertState a : series.alerts.values()) {
            if (a.isOpen()) {
                minuteHorizon = Math.min(minuteHorizon, a.releaseCompletedMs() - settings.baseline().toMillis());
            }
        }
        series.prune(minuteHorizon, t - (settings.seasonalDays() + 1L) * AbsenceEvaluator.DAY_MS);
    }

    @Override
    protected void punctuate(final long streamTime) {
        final Map<String, ActivitySeries> families = new HashMap<>();
        final long forgetAfter = (settings.seasonalDays() + 1L) * AbsenceEvaluator.DAY_MS;
        updateEachState((key, series) -> {
            final String org = orgOf(key);
            final String entryPoint = seriesOf(key);
            if (isFamilyTotal(key)) {
                families.put(key, series);
                return false;
            }
            final OrgActivity o = org(org);
            final long through = deliveredThrough(o, org, series.source, streamTime);
            final long judged = judgedThrough.getOrDefault(key, Long.MIN_VALUE);
            if (through == Long.MIN_VALUE || through <= judged) {
                return false;
            }
            judgedThrough.put(key, through);
            ActivitySeries family = families.get(seriesKey(org, FAMILY_PREFIX + family(series.source)));
            if (family == null) {
                family = series; // no family total (yet): the org's other activity is unknown, so the org-wide check finds nothing
            }
            // Judged minute by minute of delivered time, also when stream time jumped (a backlog read at once, compressed
            // time): Kafka Streams calls a stream-time punctuation once however many minutes passed.
            boolean changed = false;
            // After a start (nothing judged yet in this instance), from the last window: what was already emitted is skipped.
            final long first = Math.max(judged == Long.MIN_VALUE ? series.firstObservedMs() : judged + STEP_MS,
                through - settings.window().toMillis());
            for (long t = first; t < through; t += STEP_MS) {
                changed |= judge(org, entryPoint, series, family, o, t);
            }
            return judge(org, entryPoint, series, family, o, through) || changed;
        }, (key, series) -> {
            final boolean stale = series.alerts.isEmpty() && series.lastEventMs < streamTime - forgetAfter;
            if (stale && !isFamilyTotal(key)) {
                final OrgActivity o = org(orgOf(key));
                o.entryPoints = Math.max(0, o.entryPoints - 1);
                orgStore.put(orgOf(key), o);
                judgedThrough.remove(key);
            }
            return stale;
        });
    }

    /** How far the entry point's source has delivered: its progress record, else its last signal; never beyond stream time. */
    private long deliveredThrough(final OrgActivity o, final String org, final String source, final long streamTime) {
        final long progress = o.deliveredThrough.getOrDefault(source, Long.MIN_VALUE);
        final long seen = lastSeen.getOrDefault(org, Map.of()).getOrDefault(source, Long.MIN_VALUE);
        final long through = Math.max(progress, seen);
        return through == Long.MIN_VALUE ? Long.MIN_VALUE : Math.min(through, streamTime);
    }

    /** Judges one entry point at delivered time {@code through}; reports whether its state changed. */
    private boolean judge(final String org, final String entryPoint, final ActivitySeries series, final ActivitySeries family,
                          final OrgActivity o, final long through) {
        boolean changed = false;
        if (o.hasRelease() && !series.alerts.containsKey(o.releaseId) && through > o.releaseCompletedMs
            && through - o.releaseCompletedMs <= settings.window().toMillis()
            && series.firstObservedMs() <= o.releaseCompletedMs - settings.minBaseline().toMillis()) {
            // The entry point ran before the live release: from now on, its silence can be the release's doing.
            series.alerts.put(o.releaseId, AlertState.forRelease(o.releaseId, o.releaseCompletedMs, o.releaseComponents, o.releaseLabel,
                o.releaseCommit));
            changed = true;
        }
        for (final Iterator<AlertState> it = series.alerts.values().iterator(); it.hasNext(); ) {
            final AlertState a = it.next();
            if (!a.isPending() && through <= a.lastEmittedMs()) {
                continue; // judged again after a restart: this state was emitted at a later time already
            }
            final long release = a.releaseCompletedMs();
            final boolean inWindow = through - release <= settings.window().toMillis();
            if (a.expired(through, settings.window().toMillis(), settings.window().toMillis() + settings.baseline().toMillis())
                || a.isOpen() && through - release > MAX_OPEN_MS) {
                if (a.isOpen()) {
                    LOG.atWarn().addKeyValue("org", org).addKeyValue("detector", AbsenceDetector.NAME)
                        .log("{} has not run for {} days after deploy {}: alert state dropped (the entry point looks retired)", entryPoint,
                            MAX_OPEN_MS / AbsenceEvaluator.DAY_MS, a.releaseId());
                }
                it.remove();
                changed = true;
                continue;
            }
            if (a.isOpen()) {
                final AbsenceEvaluator.Assessment recent = evaluator.assess(series, family, release,
                    Math.max(a.episodeStartMs(), through - settings.resolveWindow().toMillis()), through, o.entryPoints);
                if (evaluator.resumed(recent)) {
                    emit(org, entryPoint, series, a, AlertStatus.RESOLVED, recent, o.entryPoints, through);
                    changed = true;
                } else {
                    final long silentMinutes = (through - a.episodeStartMs()) / 60_000;
                    if (silentMinutes >= 2 * a.lastReportedCount()) {
                        emit(org, entryPoint, series, a, AlertStatus.UPDATED,
                            evaluator.assess(series, family, release, evaluator.spanStart(a.episodeStartMs(), through), through, o.entryPoints),
                            o.entryPoints, through);
                        changed = true;
                    }
                }
                continue;
            }
            // A pending alert is judged from its episode's start, a resolved one from its resolution (a new episode starts there).
            final long start = a.isResolved() ? a.lastEmittedMs() : a.episodeStartMs();
            if (!inWindow || through <= start) {
                continue;
            }
            final AbsenceEvaluator.Assessment now = evaluator.assess(series, family, release, evaluator.spanStart(start, through), through,
                o.entryPoints);
            LOG.atDebug().addKeyValue("org", org).addKeyValue("detector", AbsenceDetector.NAME).log("{} judged over {}..{}: {} ({}), observed {} expected {} entryPoints {} p {}",
                entryPoint, java.time.Instant.ofEpochMilli(now.fromMs()), java.time.Instant.ofEpochMilli(now.toMs()), now.verdict(), now.reason(),
                now.observed(), now.expected(), o.entryPoints, now.test().pValue());
            if (now.verdict() != AbsenceEvaluator.Verdict.ABSENT) {
                continue;
            }
            if (a.isResolved()) {
                AlertLifecycle.reopen(a, org, AbsenceDetector.NAME, SubjectKeys.hash(entryPoint));
            }
            emit(org, entryPoint, series, a, AlertStatus.TRIGGERED, now, o.entryPoints, through);
            changed = true;
        }
        return changed;
    }

    private void emit(final String org, final String entryPoint, final ActivitySeries series, final AlertState a, final AlertStatus status,
                      final AbsenceEvaluator.Assessment as, final int entryPoints, final long now) {
        final long silentMinutes = Math.max(1, (now - a.episodeStartMs()) / 60_000);
        final long spanMinutes = Math.max(1, (as.toMs() - as.fromMs()) / 60_000);
        final String deploy = a.hasRelease() ? "deploy " + a.releaseId() : "the release";
        final String summary = switch (status) {
            case RESOLVED -> String.format(Locale.ROOT, "%s runs again after %s: %d executions in the last %d min", entryPoint, deploy,
                as.observed(), spanMinutes);
            case UPDATED -> String.format(Locale.ROOT, "%s still %s %d min after %s: %d executions in the last %d min, %.1f expected", entryPoint,
                as.observed() == 0 ? "silent" : "far below normal", silentMinutes, deploy, as.observed(), spanMinutes, as.expected());
            default -> String.format(Locale.ROOT, "%s %s after %s: %d executions in %d min, %.1f expected (%s)", entryPoint,
                as.observed() == 0 ? "stopped" : "dropped", deploy, as.observed(), spanMinutes, as.expected(), as.baseline().kind().label());
        };
        emit(a, status, new AlertLifecycle.Draft(org, AbsenceDetector.NAME, SubjectKeys.hash(entryPoint), entryPoint, summary, Severity.ERROR,
            evaluator.evidence(entryPoint, series, as, a, entryPoints), as.fromMs(), as.toMs()), silentMinutes, now);
    }
}
