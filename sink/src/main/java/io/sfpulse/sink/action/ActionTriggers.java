package io.sfpulse.sink.action;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.verdict.ReleaseVerdict;
import io.sfpulse.schemas.verdict.VerdictStatus;
import io.sfpulse.sink.channel.WebhookChannel;
import java.util.Map;

/**
 * The trigger a verdict or alert state is for actions. A verdict triggers {@code verdict:FAULTY} at
 * its first FAULTY state (idempotency key {@code org|release#verdict:FAULTY}, so later FAULTY states
 * of the release run nothing again), {@code verdict:HEALTHY} and {@code verdict:INCONCLUSIVE} at its
 * final state; PENDING and provisional states trigger nothing. An alert state triggers
 * {@code alert:<status>} keyed like its webhook delivery. Pure.
 */
public final class ActionTriggers {

    private ActionTriggers() {}

    /** The verdict's trigger, or null when it triggers nothing. */
    public static ActionTrigger of(final ReleaseVerdict v) {
        final boolean fires =
                v.getStatus() == VerdictStatus.FAULTY
                        || v.getIsFinal()
                                && (v.getStatus() == VerdictStatus.HEALTHY
                                        || v.getStatus() == VerdictStatus.INCONCLUSIVE);
        if (!fires) {
            return null;
        }
        final String release = v.getOrgId() + "|" + v.getReleaseId();
        final String trigger = "verdict:" + v.getStatus().name();
        final String key = release + "#" + trigger;
        final Map<String, String> vars = ActionVariables.of(v);
        vars.put("trigger", trigger);
        vars.put("idempotencyKey", key);
        return new ActionTrigger(
                trigger, key, v.getOrgId(), null, release, v.getStatus().name(), vars);
    }

    /** @param verdict the latest verdict of the alert's release, when known */
    public static ActionTrigger of(final Alert a, final ReleaseVerdict verdict) {
        final String trigger = "alert:" + a.getStatus().name();
        final String key = WebhookChannel.idempotencyKey(a);
        final Map<String, String> vars = ActionVariables.of(a, verdict);
        vars.put("trigger", trigger);
        vars.put("idempotencyKey", key);
        return new ActionTrigger(
                trigger,
                key,
                a.getOrgId(),
                a.getDetector(),
                a.getDedupKey(),
                a.getStatus().name(),
                vars);
    }
}
