package io.sfpulse.streams.detector.relationships;

import static io.sfpulse.streams.detector.EvidenceFormat.pct;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.SuspectComponents;
import io.sfpulse.streams.detector.share.ShareJudge;
import io.sfpulse.streams.normalize.SignalNormalizer;
import io.sfpulse.streams.stats.ProportionComparison;
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
 * org, into the detector's deleted-records store for {@code deleted.retention.ms}); judges every
 * broken reference against the share before the live release, with the lifecycle of every share
 * detector ({@link ShareJudge}). Dedup key: org|release|broken-relationships|reference hash.
 */
final class RelationshipProcessor extends DetectorProcessor<ObjectReferences>
        implements ShareJudge.Voice {

    private static final long SWEEP_EVERY_MS = 3_600_000L;
    private final ShareJudge judge;
    private final RelationshipSettings settings;
    private KeyValueStore<String, Long> deleted;
    private long sweptAt = Long.MIN_VALUE;

    RelationshipProcessor(final RelationshipSettings settings) {
        super(BrokenRelationshipsDetector.NAME);
        this.settings = settings;
        this.judge = new ShareJudge(BrokenRelationshipsDetector.NAME, settings.share());
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
        if (s.getKind() == SignalKind.DATA_CHANGE
                && "DELETE".equals(s.getAttributes().get("changeType"))) {
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
    protected void analyse(
            final String org, final Signal s, final long t, final ObjectReferences o) {
        final Map<String, String> attrs = s.getAttributes();
        o.changes.countTrial(t);
        for (final Map.Entry<String, String> attr : attrs.entrySet()) {
            if (attr.getKey().startsWith(SignalNormalizer.REFERENCE_PREFIX)) {
                final String field =
                        attr.getKey().substring(SignalNormalizer.REFERENCE_PREFIX.length());
                o.learnReference(field);
                final Long deletedAt = deleted.get(org + SERIES_SEPARATOR + attr.getValue());
                if (deletedAt != null && deletedAt <= t) {
                    o.changes.countHit(field + ObjectReferences.DANGLING, t, attr.getValue());
                }
            }
        }
        for (final String field : attrs.getOrDefault("nulledFields", "").split(",")) {
            if (!field.isBlank() && o.isReference(field.trim())) {
                o.changes.countHit(field.trim() + ObjectReferences.NULLED, t, null);
            }
        }
        judge.watch(o.changes, s, t);
        judge.judge(org, s.getSubject(), o.changes, t, this);
    }

    @Override
    protected void prune(final ObjectReferences o, final long t) {
        judge.prune(o.changes, t);
    }

    @Override
    protected boolean discard(final ObjectReferences o) {
        return o.changes.isEmpty();
    }

    @Override
    protected void punctuate(final long streamTime) {
        updateEachState(
                (key, o) -> false,
                (key, o) -> {
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

    @Override
    public String subject(final String object, final String broken) {
        return object + "." + broken;
    }

    @Override
    public String summary(
            final AlertStatus status,
            final String object,
            final String broken,
            final String deploy,
            final ProportionComparison.Result r) {
        final String what =
                object
                        + "."
                        + ObjectReferences.fieldOf(broken)
                        + (broken.endsWith(ObjectReferences.NULLED)
                                ? " nulled"
                                : " points at deleted records");
        return switch (status) {
            case RESOLVED ->
                    String.format(
                            Locale.ROOT,
                            "%s: back to baseline after %s (%d of %d %s changes, %s before)",
                            what,
                            deploy,
                            r.currentHits(),
                            r.currentTrials(),
                            object,
                            pct(r.baselineShare()));
            case UPDATED ->
                    String.format(
                            Locale.ROOT,
                            "%s still after %s: %d of %d %s changes (%s), %s before",
                            what,
                            deploy,
                            r.currentHits(),
                            r.currentTrials(),
                            object,
                            pct(r.currentShare()),
                            pct(r.baselineShare()));
            default ->
                    String.format(
                            Locale.ROOT,
                            "%s after %s: %d of %d %s changes (%s), %s before (p=%.2g)",
                            what,
                            deploy,
                            r.currentHits(),
                            r.currentTrials(),
                            object,
                            pct(r.currentShare()),
                            pct(r.baselineShare()),
                            r.pValue());
        };
    }

    @Override
    public void explain(
            final Map<String, String> e,
            final String object,
            final String broken,
            final io.sfpulse.streams.detector.share.ShareSeries s,
            final AlertState alert) {
        final boolean nulled = broken.endsWith(ObjectReferences.NULLED);
        final String field = ObjectReferences.fieldOf(broken);
        e.put(
                "test",
                nulled
                        ? "Fisher's exact test (one-sided) of the share of the object's changes that null the reference"
                        : "Fisher's exact test (one-sided) of the share of the object's changes that point the reference at a deleted record");
        e.put("entity", object);
        e.put("field", object + "." + field);
        e.put("relationship", nulled ? "nulled" : "points at deleted record");
        final java.util.Set<String> parents = s.samples(broken);
        if (!parents.isEmpty()) {
            e.put("deletedParents", String.join(",", parents));
            e.put("parentObject", objectOf(parents.iterator().next()));
        }
        if (alert.hasRelease()) {
            e.put(
                    "suspectComponents",
                    String.join(
                            ",", SuspectComponents.byEntity(alert.components(), object, field)));
        }
    }

    @Override
    public Severity severity(final String broken) {
        return Severity.ERROR;
    }

    @Override
    public void send(
            final AlertState a,
            final AlertStatus status,
            final AlertLifecycle.Draft draft,
            final long count,
            final long now) {
        emit(a, status, draft, count, now);
    }

    /** The object an id's key prefix stands for, for the standard objects; else the prefix. */
    static String objectOf(final String id) {
        final String prefix = id.length() >= 3 ? id.substring(0, 3) : id;
        return switch (prefix) {
            case "001" -> "Account";
            case "003" -> "Contact";
            case "005" -> "User";
            case "006" -> "Opportunity";
            case "00Q" -> "Lead";
            case "500" -> "Case";
            case "701" -> "Campaign";
            case "800" -> "Contract";
            case "801" -> "Order";
            default -> "records with key prefix " + prefix;
        };
    }
}
