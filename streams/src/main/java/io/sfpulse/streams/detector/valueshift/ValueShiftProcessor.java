package io.sfpulse.streams.detector.valueshift;

import static io.sfpulse.streams.detector.EvidenceFormat.pct;

import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.RepeatedLooks;
import io.sfpulse.streams.detector.SubjectKeys;
import io.sfpulse.streams.normalize.SignalNormalizer;
import io.sfpulse.streams.stats.CategoryShift;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the values each data-change signal reports for the configured category fields
 * ({@code value.<Field>} attributes) per (org, Entity.Field) and, at most once a look (five minutes of event
 * time) per field, judges the values written since the live release against those before it
 * ({@link ValueShiftEvaluator}). TRIGGERED when the mix shifted, UPDATED each time the values
 * judged double, RESOLVED when the recent values are back to the usual mix (no shift
 * even at alpha itself, without the looks' correction: hysteresis); a new episode when it
 * shifts again inside the release window. Dedup key: org|release|value-shift|field hash.
 */
final class ValueShiftProcessor extends DetectorProcessor<FieldValues> {

    private static final Logger LOG = LoggerFactory.getLogger(ValueShiftProcessor.class);
    private final ValueShiftEvaluator evaluator;
    private final ValueShiftSettings settings;

    ValueShiftProcessor(final ValueShiftEvaluator evaluator) {
        super(ValueShiftDetector.NAME);
        this.evaluator = evaluator;
        this.settings = evaluator.settings();
    }

    @Override
    protected boolean observesOrg() {
        return false;
    }

    /** One signal can carry several fields (Status and Priority of one Case): each field's state is read, judged and saved here. */
    @Override
    protected boolean handledAside(final String org, final Signal s, final long t) {
        if (s.getKind() != SignalKind.DATA_CHANGE) {
            return true;
        }
        for (final Map.Entry<String, String> attr : s.getAttributes().entrySet()) {
            if (!attr.getKey().startsWith(SignalNormalizer.CATEGORY_VALUE_PREFIX)) {
                continue;
            }
            final String field =
                    s.getSubject()
                            + "."
                            + attr.getKey()
                                    .substring(SignalNormalizer.CATEGORY_VALUE_PREFIX.length());
            final String key = seriesKey(org, field);
            final FieldValues f = load(key);
            f.add(t, attr.getValue());
            watch(org, field, f, s, t);
            judge(org, field, f, t);
            prune(f, t);
            save(key, f);
        }
        return true;
    }

    @Override
    protected boolean analyses(final Signal s) {
        return false; // everything is done in handledAside
    }

    @Override
    protected FieldValues emptyState() {
        return new FieldValues();
    }

    @Override
    protected void analyse(
            final String org, final Signal s, final long t, final FieldValues state) {
        throw new IllegalStateException("value-shift handles every signal aside");
    }

    @Override
    protected void prune(final FieldValues f, final long t) {
        long horizon =
                t
                        - settings.baseline().toMillis()
                        - settings.window().toMillis()
                        - settings.span().toMillis();
        for (final AlertState a : f.alerts.values()) {
            horizon = Math.min(horizon, a.releaseCompletedMs() - settings.baseline().toMillis());
        }
        f.prune(horizon);
        f.alerts
                .values()
                .removeIf(
                        a ->
                                a.expired(
                                        t,
                                        settings.window().toMillis(),
                                        settings.window().toMillis()
                                                + settings.baseline().toMillis()));
        if (f.all.isEmpty()) {
            f.intendedReleases
                    .clear(); // nothing written for longer than a baseline and a window: no release
            // is still judged
        }
    }

    @Override
    protected boolean discard(final FieldValues f) {
        return f.all.isEmpty() && f.alerts.isEmpty();
    }

    /** A value written under a release the field has a baseline before: from now on, a shift can be that release's doing. */
    private void watch(
            final String org,
            final String field,
            final FieldValues f,
            final Signal s,
            final long t) {
        if (s.getReleaseId() == null || s.getReleaseCompletedTime() == null) {
            return;
        }
        final long release = s.getReleaseCompletedTime().toEpochMilli();
        if (f.alerts.containsKey(s.getReleaseId())
                || f.intendedReleases.contains(s.getReleaseId())
                || t - release > settings.window().toMillis()
                || f.firstObservedMs() > release - settings.minBaseline().toMillis()) {
            return;
        }
        final String entity = field.substring(0, field.indexOf('.'));
        if (ValueShiftEvaluator.intended(
                s.getReleaseComponents(), entity, field.substring(entity.length() + 1))) {
            f.intendedReleases.add(s.getReleaseId());
            LOG.atInfo()
                    .addKeyValue("org", org)
                    .addKeyValue("detector", ValueShiftDetector.NAME)
                    .addKeyValue("deployId", s.getReleaseId())
                    .log(
                            "Deploy changes the definition of {}: a shift of its values after it is intended, not judged",
                            field);
            return;
        }
        f.alerts.put(s.getReleaseId(), AlertState.forRelease(s));
    }

    private void judge(final String org, final String field, final FieldValues f, final long t) {
        final long look = RepeatedLooks.releaseLook(t);
        if (look == f.judgedLook) {
            return;
        }
        f.judgedLook = look;
        for (final Iterator<AlertState> it = f.alerts.values().iterator(); it.hasNext(); ) {
            final AlertState a = it.next();
            final long release = a.releaseCompletedMs();
            if (a.isOpen()) {
                final ValueShiftEvaluator.Assessment recent =
                        evaluator.assessRecent(
                                f,
                                release,
                                Math.max(
                                        a.episodeStartMs(),
                                        t - settings.resolveWindow().toMillis()),
                                t);
                if (recent.verdict() == CategoryShift.Verdict.NORMAL) {
                    emit(org, field, f, a, AlertStatus.RESOLVED, recent, t);
                } else {
                    final ValueShiftEvaluator.Assessment now =
                            evaluator.assess(
                                    f, release, evaluator.spanStart(a.episodeStartMs(), t), t);
                    if (now.verdict() == CategoryShift.Verdict.SHIFTED
                            && now.result().currentTotal() >= 2 * a.lastReportedCount()) {
                        emit(org, field, f, a, AlertStatus.UPDATED, now, t);
                    }
                }
                continue;
            }
            final long start = a.isResolved() ? a.lastEmittedMs() : a.episodeStartMs();
            if (t - release > settings.window().toMillis() || t <= start) {
                continue;
            }
            final ValueShiftEvaluator.Assessment now =
                    evaluator.assess(f, release, evaluator.spanStart(start, t), t);
            if (now.verdict() != CategoryShift.Verdict.SHIFTED) {
                continue;
            }
            if (a.isResolved()) {
                AlertLifecycle.reopen(a, org, ValueShiftDetector.NAME, SubjectKeys.hash(field));
            }
            emit(org, field, f, a, AlertStatus.TRIGGERED, now, t);
        }
    }

    @Override
    protected void punctuate(final long streamTime) {
        updateEachState(
                (key, f) -> false,
                (key, f) -> {
                    prune(f, streamTime);
                    return discard(f);
                });
    }

    private void emit(
            final String org,
            final String field,
            final FieldValues f,
            final AlertState a,
            final AlertStatus status,
            final ValueShiftEvaluator.Assessment as,
            final long now) {
        final CategoryShift.Result r = as.result();
        final String deploy = a.hasRelease() ? "deploy " + a.releaseId() : "the release";
        final String summary =
                switch (status) {
                    case RESOLVED ->
                            String.format(
                                    Locale.ROOT,
                                    "%s values back to their usual mix after %s: '%s' in %s of %d values (%s before)",
                                    field,
                                    deploy,
                                    r.movedValue(),
                                    pct(r.shareAfter()),
                                    r.currentTotal(),
                                    pct(r.shareBefore()));
                    case UPDATED ->
                            String.format(
                                    Locale.ROOT,
                                    "%s values still shifted after %s: '%s' in %s of %d values written vs %s before (p=%.2g)",
                                    field,
                                    deploy,
                                    r.movedValue(),
                                    pct(r.shareAfter()),
                                    r.currentTotal(),
                                    pct(r.shareBefore()),
                                    r.pValue());
                    default ->
                            String.format(
                                    Locale.ROOT,
                                    "%s values shifted after %s: '%s' in %s of %d values written vs %s before (chi-square p=%.2g)",
                                    field,
                                    deploy,
                                    r.movedValue(),
                                    pct(r.shareAfter()),
                                    r.currentTotal(),
                                    pct(r.shareBefore()),
                                    r.pValue());
                };
        emit(
                a,
                status,
                new AlertLifecycle.Draft(
                        org,
                        ValueShiftDetector.NAME,
                        SubjectKeys.hash(field),
                        field,
                        summary,
                        Severity.WARNING,
                        evaluator.evidence(field, f, as, a),
                        as.fromMs(),
                        as.toMs()),
                r.currentTotal(),
                now);
    }
}
