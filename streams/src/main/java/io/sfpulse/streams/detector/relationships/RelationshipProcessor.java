package io.sfpulse.streams.detector.relationships;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.MinuteCounts;
import io.sfpulse.streams.detector.SubjectKeys;
import io.sfpulse.streams.normalize.SignalNormalizer;
import io.sfpulse.streams.stats.RateComparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per (org, object): counts the object's changes, and per reference field those that null it and
 * those that point it at a record deleted earlier (DELETE change events put the deleted ids, per
 * org, into the detector's deleted-records store for {@code deleted.retention.ms}); at most once a
 * minute of event time per object, judges every broken reference against the share before the
 * live release ({@link RelationshipEvaluator}). TRIGGERED, UPDATED when the broken references
 * double, RESOLVED when the recent share is back; a new episode when it rises again inside the
 * release window. Dedup key: org|release|broken-relationships|reference hash.
 */
final class RelationshipProcessor extends DetectorProcessor<ObjectReferences> {

    private static final long SWEEP_EVERY_MS = 3_600_000L;
    private final RelationshipEvaluator evaluator;
    private final RelationshipSettings settings;
    private KeyValueStore<String, Long> deleted;
    private long sweptAt = Long.MIN_VALUE;

    RelationshipProcessor(final RelationshipEvaluator evaluator) {
        super(BrokenRelationshipsDetector.NAME);
        this.evaluator = evaluator;
        this.settings = evaluator.settings();
    }

    @Override
    protected void connectStores(final ProcessorContext<String, Alert> ctx) {
        deleted = ctx.getStateStore(BrokenRelationshipsDetector.DELETED_STORE);
    }

    @Override
    protected boolean observesOrg() {
        return false;
    }

    /** DELETEs only feed the deleted-records store: no reference of the deleted object changes. */
    @Override
    protected boolean handledAside(final String org, final Signal s, final long t) {
        if (s.getKind() == SignalKind.DATA_CHANGE && "DELETE".equals(s.getAttributes().get("changeType"))) {
            for (final String id : s.getAttributes().getOrDefault("recordIds", "").split(",")) {
                if (!id.isBlank()) {
                    deleted.put(org + SERIES_SEPARATOR + id, t);
                }
            }
            return true;
        }
        return false;
    }

    @Override
    protected boolean analyses(final Signal s) {
        if (s.getKind() != SignalKind.DATA_CHANGE) {
            return false;
        }
        final String type = s.getAttributes().getOrDefault("changeType", "");
        return type.equals("CREATE") || type.equals("UPDATE") || type.equals("UNDELETE");
    }

    /** One state per (org, object): a change reads and rewrites its object's references only. */
    @Override
    protected String stateKey(final String org, final Signal s) {
        return seriesKey(org, s.getSubject());
    }

    @Override
    protected ObjectReferences emptyState() {
        return new ObjectReferences();
    }

    @Override
    protected void analyse(final String org, final Signal s, final long t, final ObjectReferences o) {
        final Map<String, String> attrs = s.getAttributes();
        o.changes.add(t, 1);
        for (final Map.Entry<String, String> attr : attrs.entrySet()) {
            if (attr.getKey().startsWith(SignalNormalizer.REFERENCE_PREFIX)) {
                final String field = attr.getKey().substring(SignalNormalizer.REFERENCE_PREFIX.length());
                o.learnReference(field);
                final Long deletedAt = deleted.get(org + SERIES_SEPARATOR + attr.getValue());
                if (deletedAt != null && deletedAt <= t) {
                    o.countBroken(field + RelationshipEvaluator.DANGLING, t, attr.getValue());
                }
            }
        }
        for (final String field : attrs.getOrDefault("nulledFields", "").split(",")) {
            if (!field.isBlank() && o.isReference(field.trim())) {
                o.countBroken(field.trim() + RelationshipEvaluator.NULLED, t, null);
            }
        }
        watch(o, s, t);
        judge(org, s.getSubject(), o, t);
    }

    /** Under a release the object has a baseline before, every reference it breaks can be that release's doing. */
    private void watch(final ObjectReferences o, final Signal s, final long t) {
        if (s.getReleaseId() == null || s.getReleaseCompletedTime() == null) {
            return;
        }
        final long release = s.getReleaseCompletedTime().toEpochMilli();
        if (t - release > settings.window().toMillis() || o.changes.firstObservedMs() > release - settings.minBaseline().toMillis()) {
            return;
        }
        for (final String broken : o.broken.keySet()) {
            o.alerts.computeIfAbsent(s.getReleaseId() + "|" + broken, k -> AlertState.forRelease(s));
        }
    }

    private void judge(final String org, final String object, final ObjectReferences o, final long t) {
        final long minute = Math.floorDiv(t, MinuteCounts.MINUTE_MS);
        if (minute == o.judgedMinute) {
            return;
        }
        o.judgedMinute = minute;
        for (final Map.Entry<String, AlertState> en : o.alerts.entrySet()) {
            final String broken = en.getKey().substring(en.getKey().indexOf('|') + 1);
            final AlertState a = en.getValue();
            final long release = a.releaseCompletedMs();
            final String subject = object + "." + broken;
            if (a.isOpen()) {
                final RelationshipEvaluator.Assessment recent = evaluator.assess(o, broken, release,
                    Math.max(a.episodeStartMs(), t - settings.resolveWindow().toMillis()), t);
                if (recent.verdict() != RateComparison.Verdict.INCREASE) {
                    emit(org, object, broken, o, a, AlertStatus.RESOLVED, recent, t);
                } else {
                    final RelationshipEvaluator.Assessment now = evaluator.assess(o, broken, release, evaluator.spanStart(a.episodeStartMs(), t), t);
                    if (now.result().currentHits() >= 2 * a.lastReportedCount()) {
                        emit(org, object, broken, o, a, AlertStatus.UPDATED, now, t);
                    }
                }
                continue;
            }
            final long start = a.isResolved() ? a.lastEmittedMs() : a.episodeStartMs();
            if (t - release > settings.window().toMillis() || t <= start) {
                continue;
            }
            final RelationshipEvaluator.Assessment now = evaluator.assess(o, broken, release, evaluator.spanStart(start, t), t);
            if (now.verdict() != RateComparison.Verdict.INCREASE) {
                continue;
            }
            if (a.isResolved()) {
                AlertLifecycle.reopen(a, org, BrokenRelationshipsDetector.NAME, SubjectKeys.hash(subject));
            }
            emit(org, object, broken, o, a, AlertStatus.TRIGGERED, now, t);
        }
    }

    @Override
    protected void prune(final ObjectReferences o, final long t) {
        long horizon = t - settings.baseline().toMillis() - settings.window().toMillis() - settings.span().toMillis();
        for (final AlertState a : o.alerts.values()) {
            horizon = Math.min(horizon, a.releaseCompletedMs() - settings.baseline().toMillis());
        }
        o.alerts.values().removeIf(a -> a.expired(t, settings.window().toMillis(), settings.window().toMillis() + settings.baseline().toMillis()));
        o.prune(horizon);
    }

    @Override
    protected boolean discard(final ObjectReferences o) {
        return o.changes.isEmpty() && o.alerts.isEmpty();
    }

    @Override
    protected void punctuate(final long streamTime) {
        updateEachState((key, o) -> false, (key, o) -> {
            prune(o, streamTime);
            return discard(o);
        });
        if (sweptAt != Long.MIN_VALUE && streamTime - sweptAt < SWEEP_EVERY_MS) {
            return;
        }
        sweptAt = streamTime;
        final List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = deleted.all()) {
            while (it.hasNext()) {
                final KeyValue<String, Long> kv = it.next();
                if (kv.value < streamTime - settings.deletedRetention().toMillis()) {
                    expired.add(kv.key);
                }
            }
        }
        expired.forEach(deleted::delete);
    }

    private void emit(final String org, final String object, final String broken, final ObjectReferences o, final AlertState a,
                      final AlertStatus status, final RelationshipEvaluator.Assessment as, final long now) {
        final var r = as.result();
        final String subject = object + "." + broken;
        final String deploy = a.hasRelease() ? "deploy " + a.releaseId() : "the release";
        final String what = broken.endsWith(RelationshipEvaluator.NULLED)
            ? object + "." + broken.substring(0, broken.length() - RelationshipEvaluator.NULLED.length()) + " nulled"
            : object + "." + broken.substring(0, broken.length() - RelationshipEvaluator.DANGLING.length()) + " points at deleted records";
        final String summary = switch (status) {
            case RESOLVED -> String.format(Locale.ROOT, "%s: back to baseline after %s (%d of %d %s changes, %s before)", what, deploy,
                r.currentHits(), r.currentTrials(), object, RelationshipEvaluator.pct(r.baselineShare()));
            case UPDATED -> String.format(Locale.ROOT, "%s still after %s: %d of %d %s changes (%s), %s before", what, deploy, r.currentHits(),
                r.currentTrials(), object, RelationshipEvaluator.pct(r.currentShare()), RelationshipEvaluator.pct(r.baselineShare()));
            default -> String.format(Locale.ROOT, "%s after %s: %d of %d %s changes (%s), %s before (p=%.2g)", what, deploy, r.currentHits(),
                r.currentTrials(), object, RelationshipEvaluator.pct(r.currentShare()), RelationshipEvaluator.pct(r.baselineShare()), r.pValue());
        };
        emit(a, status, new AlertLifecycle.Draft(org, BrokenRelationshipsDetector.NAME, SubjectKeys.hash(subject), subject, summary,
            Severity.ERROR, evaluator.evidence(object, broken, o, as, a), as.fromMs(), as.toMs()), r.currentHits(), now);
    }
}
