package io.sfpulse.streams.detector.drop;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.RepeatedLooks;
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
 * Counts each subject's occurrences (the signals {@link WatchedCounts} picks) per (org, subject),
 * plus a total per org and source family, and once a look (every five minutes of delivered time) judges every subject
 * seen before the org's live release ({@link DropEvaluator}) over the time its source has
 * delivered: up to its progress record (or the last signal seen on its channel), so silence is seen
 * when nothing arrives at all, and hours-late EventLogFile sources are judged when their rows are
 * in. TRIGGERED when it dropped significantly, UPDATED each time the silence doubles in length,
 * RESOLVED when it is back at a normal rate; a new episode when it drops again inside the release
 * window. Dedup key: org|release|detector|subject hash.
 */
final class DropProcessor extends DetectorProcessor<CountSeries> {

    private static final Logger LOG = LoggerFactory.getLogger(DropProcessor.class);

    /** Series name prefix of a family total (sorts before every subject of the org). */
    static final String FAMILY_PREFIX = "\u0000";

    private static final long MAX_OPEN_MS = 7 * DropEvaluator.DAY_MS;

    /** Looks on a fixed grid of delivered time, one every {@link RepeatedLooks#RELEASE_LOOK}. */
    private static final long STEP_MS = RepeatedLooks.RELEASE_LOOK.toMillis();

    private final String detector;
    private final WatchedCounts watched;
    private final DropEvaluator evaluator;
    private final DropSettings settings;
    private KeyValueStore<String, OrgReleases> orgStore;
    private final Map<String, OrgReleases> orgs = new HashMap<>();

    /** org -> channel -> latest event time seen (a source without progress records is delivered up to its last signal). */
    private final Map<String, Map<String, Long>> lastSeen = new HashMap<>();

    /** Series key -> delivered time up to which it was last judged (a span is judged again only when it grew). */
    private final Map<String, Long> judgedThrough = new HashMap<>();

    DropProcessor(
            final String detector, final WatchedCounts watched, final DropEvaluator evaluator) {
        super(detector);
        this.detector = detector;
        this.watched = watched;
        this.evaluator = evaluator;
        this.settings = evaluator.settings();
    }

    @Override
    protected void connectStores(final ProcessorContext<String, Alert> ctx) {
        orgStore = ctx.getStateStore(DropDetector.orgStoreName(detector));
    }

    @Override
    protected boolean observesOrg() {
        return false;
    }

    private OrgReleases org(final String org) {
        return orgs.computeIfAbsent(
                org,
                o -> {
                    final OrgReleases stored = orgStore.get(o);
                    return stored != null ? stored : new OrgReleases();
                });
    }

    @Override
    protected boolean handledAside(final String org, final Signal s, final long t) {
        if (s.getReleaseId() != null && s.getReleaseCompletedTime() != null) {
            final OrgReleases o = org(org);
            if (o.noteRelease(s)) {
                orgStore.put(org, o);
            }
        }
        if (ProgressSignals.isProgress(s)) {
            final OrgReleases o = org(org);
            if (o.noteProgress(ProgressSignals.sourceOf(s), t)) {
                orgStore.put(org, o);
            }
            return true;
        }
        lastSeen.computeIfAbsent(org, k -> new HashMap<>()).merge(s.getChannel(), t, Math::max);
        final boolean counted = watched.counts(s);
        if (!counted && !watched.inFamily(s)) {
            return true;
        }
        final String familyKey = seriesKey(org, FAMILY_PREFIX + watched.family(s.getChannel()));
        final CountSeries family = load(familyKey);
        family.add(t, counted ? watched.amount(s) : 1, s.getChannel());
        prune(family, t);
        save(familyKey, family);
        return !counted;
    }

    @Override
    protected boolean analyses(final Signal s) {
        return watched.counts(s);
    }

    @Override
    protected String stateKey(final String org, final Signal s) {
        return seriesKey(org, watched.subject(s));
    }

    @Override
    protected CountSeries emptyState() {
        return new CountSeries();
    }

    @Override
    protected void analyse(
            final String org, final Signal s, final long t, final CountSeries series) {
        final boolean fresh = series.source == null;
        series.add(t, watched.amount(s), s.getChannel());
        if (fresh) {
            final OrgReleases o = org(org);
            o.subjects++;
            orgStore.put(org, o);
        }
    }

    private static boolean isFamilyTotal(final String stateKey) {
        return seriesOf(stateKey).startsWith(FAMILY_PREFIX);
    }

    @Override
    protected void prune(final CountSeries series, final long t) {
        long minuteHorizon =
                t
                        - settings.baseline().toMillis()
                        - settings.window().toMillis()
                        - settings.span().toMillis();
        for (final AlertState a : series.alerts.values()) {
            if (a.isOpen()) {
                minuteHorizon =
                        Math.min(
                                minuteHorizon,
                                a.releaseCompletedMs() - settings.baseline().toMillis());
            }
        }
        series.prune(minuteHorizon, t - (settings.seasonalDays() + 1L) * DropEvaluator.DAY_MS);
    }

    @Override
    protected void punctuate(final long streamTime) {
        final Map<String, CountSeries> families = new HashMap<>();
        final long forgetAfter = (settings.seasonalDays() + 1L) * DropEvaluator.DAY_MS;
        updateEachState(
                (key, series) -> {
                    final String org = orgOf(key);
                    final String subject = seriesOf(key);
                    if (isFamilyTotal(key)) {
                        families.put(key, series);
                        return false;
                    }
                    final OrgReleases o = org(org);
                    final long through = deliveredThrough(o, org, series.source, streamTime);
                    final long judged = judgedThrough.getOrDefault(key, Long.MIN_VALUE);
                    if (through == Long.MIN_VALUE) {
                        return false;
                    }
                    // Judged at each look of delivered time (a grid point every five minutes), also
                    // when stream time jumped (a
                    // backlog read at once, compressed time): Kafka Streams calls a stream-time
                    // punctuation once however many
                    // minutes passed. After a start (nothing judged yet in this instance), from the
                    // last window: what was already
                    // emitted is skipped.
                    final long first =
                            judged == Long.MIN_VALUE
                                    ? lookAtOrBefore(
                                            Math.max(
                                                            series.firstObservedMs(),
                                                            through - settings.window().toMillis())
                                                    + STEP_MS
                                                    - 1)
                                    : judged + STEP_MS;
                    final long last = lookAtOrBefore(through);
                    if (first > last) {
                        return false;
                    }
                    CountSeries family =
                            families.get(
                                    seriesKey(org, FAMILY_PREFIX + watched.family(series.source)));
                    if (family == null) {
                        family = series; // no family total (yet): the org's other activity is
                        // unknown, so the org-wide check finds nothing
                    }
                    boolean changed = false;
                    for (long t = first; t <= last; t += STEP_MS) {
                        changed |= judge(org, subject, series, family, o, t);
                    }
                    judgedThrough.put(key, last);
                    return changed;
                },
                (key, series) -> {
                    final boolean stale =
                            series.alerts.isEmpty()
                                    && series.lastEventMs < streamTime - forgetAfter;
                    if (stale && !isFamilyTotal(key)) {
                        final OrgReleases o = org(orgOf(key));
                        o.subjects = Math.max(0, o.subjects - 1);
                        orgStore.put(orgOf(key), o);
                        judgedThrough.remove(key);
                    }
                    return stale;
                });
    }

    /** The time of the look at or before {@code t} (a point of the look grid). */
    private static long lookAtOrBefore(final long t) {
        return RepeatedLooks.releaseLook(t) * STEP_MS;
    }

    /** How far the subject's source has delivered: its progress record, else its last signal; never beyond stream time. */
    private long deliveredThrough(
            final OrgReleases o, final String org, final String source, final long streamTime) {
        final long progress = o.deliveredThrough.getOrDefault(source, Long.MIN_VALUE);
        final long seen = lastSeen.getOrDefault(org, Map.of()).getOrDefault(source, Long.MIN_VALUE);
        final long through = Math.max(progress, seen);
        return through == Long.MIN_VALUE ? Long.MIN_VALUE : Math.min(through, streamTime);
    }

    /** Judges one subject at delivered time {@code through}; reports whether its state changed. */
    private boolean judge(
            final String org,
            final String subject,
            final CountSeries series,
            final CountSeries family,
            final OrgReleases o,
            final long through) {
        boolean changed = false;
        if (o.hasRelease()
                && !series.alerts.containsKey(o.releaseId)
                && through > o.releaseCompletedMs
                && through - o.releaseCompletedMs <= settings.window().toMillis()
                && series.firstObservedMs()
                        <= o.releaseCompletedMs - settings.minBaseline().toMillis()) {
            // The subject occurred before the live release: from now on, its silence can be the
            // release's doing.
            series.alerts.put(
                    o.releaseId,
                    AlertState.forRelease(
                            o.releaseId,
                            o.releaseCompletedMs,
                            o.releaseComponents,
                            o.releaseLabel,
                            o.releaseCommit));
            changed = true;
        }
        for (final Iterator<AlertState> it = series.alerts.values().iterator(); it.hasNext(); ) {
            final AlertState a = it.next();
            if (!a.isPending() && through <= a.lastEmittedMs()) {
                continue; // judged again after a restart: this state was emitted at a later time
                // already
            }
            final long release = a.releaseCompletedMs();
            final boolean inWindow = through - release <= settings.window().toMillis();
            if (a.expired(
                            through,
                            settings.window().toMillis(),
                            settings.window().toMillis() + settings.baseline().toMillis())
                    || a.isOpen() && through - release > MAX_OPEN_MS) {
                if (a.isOpen()) {
                    LOG.atWarn()
                            .addKeyValue("org", org)
                            .addKeyValue("detector", detector)
                            .log(
                                    "{} has been silent for {} days after deploy {}: alert state dropped (it looks retired)",
                                    watched.title(subject),
                                    MAX_OPEN_MS / DropEvaluator.DAY_MS,
                                    a.releaseId());
                }
                it.remove();
                changed = true;
                continue;
            }
            if (a.isOpen()) {
                final DropEvaluator.Assessment recent =
                        evaluator.assess(
                                series,
                                family,
                                release,
                                Math.max(
                                        a.episodeStartMs(),
                                        through - settings.resolveWindow().toMillis()),
                                through,
                                o.subjects);
                if (evaluator.resumed(recent)) {
                    emit(
                            org,
                            subject,
                            series,
                            a,
                            AlertStatus.RESOLVED,
                            recent,
                            o.subjects,
                            through);
                    changed = true;
                } else {
                    final long silentMinutes = (through - a.episodeStartMs()) / 60_000;
                    if (silentMinutes >= 2 * a.lastReportedCount()) {
                        emit(
                                org,
                                subject,
                                series,
                                a,
                                AlertStatus.UPDATED,
                                evaluator.assess(
                                        series,
                                        family,
                                        release,
                                        evaluator.spanStart(a.episodeStartMs(), through),
                                        through,
                                        o.subjects),
                                o.subjects,
                                through);
                        changed = true;
                    }
                }
                continue;
            }
            // A pending alert is judged from its episode's start, a resolved one from its
            // resolution (a new episode starts there).
            final long start = a.isResolved() ? a.lastEmittedMs() : a.episodeStartMs();
            if (!inWindow || through <= start) {
                continue;
            }
            final DropEvaluator.Assessment now =
                    evaluator.assess(
                            series,
                            family,
                            release,
                            evaluator.spanStart(start, through),
                            through,
                            o.subjects);
            LOG.atDebug()
                    .addKeyValue("org", org)
                    .addKeyValue("detector", detector)
                    .log(
                            "{} judged over {}..{}: {} ({}), observed {} expected {} subjects {} p {}",
                            subject,
                            java.time.Instant.ofEpochMilli(now.fromMs()),
                            java.time.Instant.ofEpochMilli(now.toMs()),
                            now.verdict(),
                            now.reason(),
                            now.observed(),
                            now.expected(),
                            o.subjects,
                            now.test().pValue());
            if (now.verdict() != DropEvaluator.Verdict.DROPPED) {
                continue;
            }
            if (a.isResolved()) {
                AlertLifecycle.reopen(a, org, detector, SubjectKeys.hash(subject));
            }
            emit(org, subject, series, a, AlertStatus.TRIGGERED, now, o.subjects, through);
            changed = true;
        }
        return changed;
    }

    private void emit(
            final String org,
            final String subject,
            final CountSeries series,
            final AlertState a,
            final AlertStatus status,
            final DropEvaluator.Assessment as,
            final int subjects,
            final long now) {
        final long silentMinutes = Math.max(1, (now - a.episodeStartMs()) / 60_000);
        final long spanMinutes = Math.max(1, (as.toMs() - as.fromMs()) / 60_000);
        final String deploy = a.hasRelease() ? "deploy " + a.releaseId() : "the release";
        final String title = watched.title(subject);
        final String summary =
                switch (status) {
                    case RESOLVED ->
                            String.format(
                                    Locale.ROOT,
                                    "%s %s after %s: %d %s in the last %d min",
                                    title,
                                    watched.resumed(),
                                    deploy,
                                    as.observed(),
                                    watched.unit(),
                                    spanMinutes);
                    case UPDATED ->
                            String.format(
                                    Locale.ROOT,
                                    "%s still %s %d min after %s: %d %s in the last %d min, %.1f expected",
                                    title,
                                    as.observed() == 0 ? "silent" : "far below normal",
                                    silentMinutes,
                                    deploy,
                                    as.observed(),
                                    watched.unit(),
                                    spanMinutes,
                                    as.expected());
                    default ->
                            String.format(
                                    Locale.ROOT,
                                    "%s %s after %s: %d %s in %d min, %.1f expected (%s)",
                                    title,
                                    as.observed() == 0 ? "stopped" : "dropped",
                                    deploy,
                                    as.observed(),
                                    watched.unit(),
                                    spanMinutes,
                                    as.expected(),
                                    as.baseline().kind().label());
                };
        emit(
                a,
                status,
                new AlertLifecycle.Draft(
                        org,
                        detector,
                        SubjectKeys.hash(subject),
                        subject,
                        summary,
                        Severity.ERROR,
                        evaluator.evidence(subject, series, as, a, subjects),
                        as.fromMs(),
                        as.toMs()),
                silentMinutes,
                now);
    }
}
