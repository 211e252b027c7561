package io.sfpulse.streams.verdict;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.schemas.verdict.ReleaseVerdict;
import io.sfpulse.schemas.verdict.VerdictStatus;
import io.sfpulse.streams.normalize.ProgressSignals;
import io.sfpulse.streams.normalize.SignalNormalizer;
import io.sfpulse.streams.state.StateSerde;
import io.sfpulse.streams.state.StateStores;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One verdict per release and org ({@link VerdictJudge}), kept up to date from the attributed
 * signals (the release's exposure; progress signals move the org's event time when it is quiet)
 * and from the detectors' alert states on the release. A release is tracked from its first signal
 * (PENDING), evaluated at each checkpoint after it went live (org event time, never wall clock), at
 * once when a detector alerts on it, and made final at the last checkpoint or when the next release
 * goes live. Emits {@link ReleaseVerdict}s keyed {@code org|releaseId}.
 *
 * <p>Runs after every detector on each signal (it is the topology's last reader of the attributed
 * stream), so an alert caused by a signal is counted before the signal can close a checkpoint.
 */
public final class ReleaseVerdictProcessor
        extends ContextualProcessor<String, VerdictInput, String, ReleaseVerdict> {

    public static final String NAME = "release-verdicts";
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseVerdictProcessor.class);

    private final VerdictSettings settings;
    private final VerdictJudge judge;

    /** Per release key, its components' matcher (rebuilt after a restart from the stored components). */
    private final Map<String, ComponentMatcher> matchers = new HashMap<>();

    private final Map<VerdictStatus, Sensor> finalSensors = new EnumMap<>(VerdictStatus.class);
    private KeyValueStore<String, ReleaseOutcome> outcomes;
    private KeyValueStore<String, OrgVerdictClock> clocks;

    private ReleaseVerdictProcessor(final VerdictSettings settings) {
        this.settings = settings;
        this.judge = new VerdictJudge(settings);
    }

    public static ProcessorSupplier<String, VerdictInput, String, ReleaseVerdict> supplier(
            final VerdictSettings settings, final StateStores state) {
        return new ProcessorSupplier<>() {
            @Override
            public ReleaseVerdictProcessor get() {
                return new ReleaseVerdictProcessor(settings);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        state.keyValue(
                                        VerdictStores.OUTCOMES,
                                        Serdes.String(),
                                        StateSerde.of(ReleaseOutcome.class))
                                .withCachingEnabled(),
                        state.keyValue(
                                        VerdictStores.CLOCKS,
                                        Serdes.String(),
                                        StateSerde.of(OrgVerdictClock.class))
                                .withCachingEnabled());
            }
        };
    }

    @Override
    public void init(final ProcessorContext<String, ReleaseVerdict> context) {
        super.init(context);
        outcomes = context.getStateStore(VerdictStores.OUTCOMES);
        clocks = context.getStateStore(VerdictStores.CLOCKS);
        for (final VerdictStatus s :
                List.of(VerdictStatus.HEALTHY, VerdictStatus.INCONCLUSIVE, VerdictStatus.FAULTY)) {
            finalSensors.put(
                    s,
                    context.metrics()
                            .addRateTotalSensor(
                                    "verdicts",
                                    NAME,
                                    "final-" + s.name().toLowerCase(java.util.Locale.ROOT),
                                    Sensor.RecordingLevel.INFO));
        }
    }

    @Override
    public void process(final Record<String, VerdictInput> record) {
        final VerdictInput in = record.value();
        if (in == null) {
            return;
        }
        if (in.alert() != null) {
            alert(in.alert());
        } else if (record.key() != null && in.signal() != null) {
            signal(record.key(), in.signal(), record.timestamp());
        }
    }

    private void signal(final String org, final Signal s, final long at) {
        OrgVerdictClock clock = clocks.get(org);
        boolean clockChanged = false;
        if (clock == null) {
            clock = new OrgVerdictClock();
        }
        if (s.getReleaseId() != null && s.getReleaseCompletedTime() != null) {
            final String key = VerdictStores.key(org, s.getReleaseId());
            ReleaseOutcome o = outcomes.get(key);
            if (o == null) {
                o = track(org, s, clock);
                clockChanged = o != null;
            }
            if (o != null
                    && !o.finalized
                    && !ProgressSignals.isProgress(s)
                    && !SignalNormalizer.isDerived(s)) {
                o.signals++;
                if (s.getKind() == SignalKind.FAILURE) {
                    o.failures++;
                }
                for (final String c : matcher(key, o).exercised(s)) {
                    o.componentExecutions.merge(c, 1L, Long::sum);
                }
                outcomes.put(key, o);
            }
        }
        if (at >= clock.nextDueMs) {
            checkpoints(org, clock, at);
            clockChanged = true;
        }
        if (clockChanged) {
            clocks.put(org, clock);
        }
    }

    /**
     * Starts judging the release the signal is attributed to, unless it is older than the newest one
     * tracked (a late signal of a past release); the releases still pending end, superseded by it.
     * A release that replaces the newest one at an earlier instant (a CI/CD marker merged into its
     * DeployRequest) supersedes it too. Returns the new outcome, or null when not tracked.
     */
    private ReleaseOutcome track(final String org, final Signal s, final OrgVerdictClock clock) {
        final long liveAt = s.getReleaseCompletedTime().toEpochMilli();
        final boolean replacesLatest =
                clock.latestReleaseId != null
                        && liveAt < clock.latestLiveAtMs
                        && clock.pending.contains(clock.latestReleaseId)
                        && sameRelease(
                                outcomes.get(VerdictStores.key(org, clock.latestReleaseId)), s);
        if (liveAt < clock.latestLiveAtMs && !replacesLatest) {
            return null;
        }
        for (final String id : List.copyOf(clock.pending)) {
            final ReleaseOutcome old = outcomes.get(VerdictStores.key(org, id));
            if (old != null) {
                old.supersededBy = s.getReleaseId();
                old.merged = replacesLatest && id.equals(clock.latestReleaseId);
                evaluate(
                        old,
                        Math.max(liveAt, old.liveAtMs),
                        null,
                        true,
                        (old.merged ? "merged into release " : "evaluation ended when release ")
                                + s.getReleaseId()
                                + " went live");
                noteIfHealthy(clock, old);
            }
            clock.pending.remove(id);
        }
        final ReleaseOutcome o = new ReleaseOutcome();
        o.orgId = org;
        o.releaseId = s.getReleaseId();
        o.label = s.getReleaseLabel();
        o.commit = s.getReleaseCommit();
        o.liveAtMs = liveAt;
        o.components = new java.util.ArrayList<>(s.getReleaseComponents());
        if (clock.healthyReleaseId != null) {
            o.rollbackReleaseId = clock.healthyReleaseId;
            o.rollbackLabel = clock.healthyLabel;
            o.rollbackCommit = clock.healthyCommit;
            o.rollbackLiveAtMs = clock.healthyLiveAtMs;
        }
        o.evaluatedAtMs = liveAt;
        o.reasons = judge.judge(o, liveAt, false).reasons();
        clock.pending.add(o.releaseId);
        clock.latestReleaseId = o.releaseId;
        clock.latestLiveAtMs = liveAt;
        outcomes.put(VerdictStores.key(org, o.releaseId), o);
        clock.nextDueMs = nextDue(org, clock);
        LOG.atInfo()
                .addKeyValue("org", org)
                .addKeyValue("releaseId", o.releaseId)
                .log(
                        "Judging release {} of org {} (checkpoints {} min after it went live)",
                        o.releaseId,
                        org,
                        settings.checkpointsMinutes());
        forward(o);
        return o;
    }

    private static boolean sameRelease(final ReleaseOutcome latest, final Signal s) {
        return latest != null
                && (Objects.equals(latest.label, s.getReleaseLabel()) && latest.label != null
                        || Objects.equals(latest.commit, s.getReleaseCommit())
                                && latest.commit != null);
    }

    /** Evaluates every checkpoint of the org's pending releases that is due at {@code at}. */
    private void checkpoints(final String org, final OrgVerdictClock clock, final long at) {
        for (final String id : List.copyOf(clock.pending)) {
            final String key = VerdictStores.key(org, id);
            final ReleaseOutcome o = outcomes.get(key);
            if (o == null) {
                clock.pending.remove(id);
                continue;
            }
            final List<Integer> cps = settings.checkpointsMinutes();
            while (o.checkpointsDone < cps.size() && at >= dueAt(o, o.checkpointsDone)) {
                final int minutes = cps.get(o.checkpointsDone);
                o.checkpointsDone++;
                evaluate(
                        o,
                        dueAt(o, o.checkpointsDone - 1),
                        minutes,
                        o.checkpointsDone == cps.size(),
                        null);
            }
            if (o.finalized) {
                clock.pending.remove(id);
                noteIfHealthy(clock, o);
            }
        }
        clock.nextDueMs = nextDue(org, clock);
    }

    /** A release that ended HEALTHY (not merged away) is the rollback target of the releases after it. */
    private static void noteIfHealthy(final OrgVerdictClock clock, final ReleaseOutcome o) {
        if (o.finalized
                && !o.merged
                && VerdictStatus.HEALTHY.name().equals(o.status)
                && o.liveAtMs >= clock.healthyLiveAtMs) {
            clock.healthyReleaseId = o.releaseId;
            clock.healthyLabel = o.label;
            clock.healthyCommit = o.commit;
            clock.healthyLiveAtMs = o.liveAtMs;
        }
    }

    private long dueAt(final ReleaseOutcome o, final int checkpoint) {
        return o.liveAtMs + settings.checkpointsMinutes().get(checkpoint) * 60_000L;
    }

    private long nextDue(final String org, final OrgVerdictClock clock) {
        long next = Long.MAX_VALUE;
        for (final String id : clock.pending) {
            final ReleaseOutcome o = outcomes.get(VerdictStores.key(org, id));
            if (o != null && o.checkpointsDone < settings.checkpointsMinutes().size()) {
                next = Math.min(next, dueAt(o, o.checkpointsDone));
            }
        }
        return next;
    }

    private void alert(final Alert a) {
        if (a.getReleaseId() == null
                || !"deploy".equals(a.getEvidence().getOrDefault("trigger", "deploy"))) {
            return; // no release, or the no-deploy path: not an outcome of a release
        }
        final String key = VerdictStores.key(a.getOrgId(), a.getReleaseId());
        final ReleaseOutcome o = outcomes.get(key);
        if (o == null || o.finalized) {
            LOG.atDebug()
                    .addKeyValue("org", a.getOrgId())
                    .log(
                            "Alert {} on release {}, whose verdict is {}",
                            a.getDedupKey(),
                            a.getReleaseId(),
                            o == null ? "not tracked" : "final");
            return;
        }
        final ReleaseOutcome.AlertOutcome known = o.alerts.get(a.getDedupKey());
        final ReleaseOutcome.AlertOutcome now =
                known != null ? known : new ReleaseOutcome.AlertOutcome();
        final boolean changed =
                known == null || !Objects.equals(known.status, a.getStatus().name());
        now.detector = a.getDetector();
        now.subject = a.getSubject();
        now.severity = a.getSeverity().name();
        now.summary = a.getSummary();
        if (known == null) {
            now.triggeredAtMs =
                    a.getStatus() == AlertStatus.TRIGGERED
                            ? a.getEventTime().toEpochMilli()
                            : a.getWindowStart().toEpochMilli();
        }
        now.status = a.getStatus().name();
        o.alerts.put(a.getDedupKey(), now);
        if (changed) {
            evaluate(
                    o,
                    Math.max(o.evaluatedAtMs, a.getEventTime().toEpochMilli()),
                    null,
                    false,
                    null);
        } else {
            outcomes.put(key, o);
        }
    }

    /** Judges, stores and emits; {@code note} (the end of the evaluation) goes first in the reasons. */
    private void evaluate(
            final ReleaseOutcome o,
            final long at,
            final Integer checkpoint,
            final boolean last,
            final String note) {
        final VerdictJudge.Judgement j = judge.judge(o, at, o.checkpointsDone > 0 || last);
        final String before = o.status;
        o.status = j.status().name();
        o.reasons = new java.util.ArrayList<>(j.reasons());
        if (note != null) {
            o.reasons.add(0, note);
        }
        o.evaluatedAtMs = at;
        o.checkpointMinutes = checkpoint;
        if (last && !o.finalized) {
            o.finalized = true;
            finalSensors.get(j.status()).record();
        }
        outcomes.put(VerdictStores.key(o.orgId, o.releaseId), o);
        if (!before.equals(o.status) || last) {
            LOG.atInfo()
                    .addKeyValue("org", o.orgId)
                    .addKeyValue("releaseId", o.releaseId)
                    .log(
                            "Release {} of org {} is {}{} {} min after it went live: {}",
                            o.releaseId,
                            o.orgId,
                            o.status,
                            o.finalized ? " (final)" : "",
                            Math.round(o.minutesAfterRelease(at)),
                            String.join("; ", o.reasons));
        }
        forward(o);
    }

    private void forward(final ReleaseOutcome o) {
        context()
                .forward(
                        new Record<>(
                                VerdictStores.key(o.orgId, o.releaseId),
                                VerdictRecords.of(o),
                                o.evaluatedAtMs));
    }

    private ComponentMatcher matcher(final String key, final ReleaseOutcome o) {
        if (matchers.size() > 10_000) {
            matchers.clear(); // bounded: rebuilt on demand
        }
        return matchers.computeIfAbsent(key, k -> new ComponentMatcher(o.components));
    }
}
