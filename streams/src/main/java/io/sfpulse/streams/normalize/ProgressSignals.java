package io.sfpulse.streams.normalize;

import io.sfpulse.schemas.progress.SourceProgress;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;

/**
 * A progress record as a signal: "the org was watched, and this source delivered everything, up to
 * t". It travels with the org's signals only as far as release attribution, whose grace buffer
 * (like every detector's punctuation) runs on the stream time it moves; it is never written to the
 * enriched topic nor analysed by a detector. Pure.
 */
public final class ProgressSignals {

    /** Channel prefix of progress signals: {@code progress:<source>}. */
    public static final String CHANNEL_PREFIX = "progress:";

    private ProgressSignals() {}

    public static Signal toSignal(final SourceProgress p) {
        return Signal.newBuilder()
                .setOrgId(p.getOrgId())
                .setKind(SignalKind.OBSERVATION)
                .setSubject("progress")
                .setChannel(CHANNEL_PREFIX + p.getSource())
                .setEventTime(p.getDeliveredThrough())
                .build();
    }

    public static boolean isProgress(final Signal s) {
        return s.getChannel().startsWith(CHANNEL_PREFIX);
    }

    /** The source a progress signal reports on. */
    public static String sourceOf(final Signal s) {
        return s.getChannel().substring(CHANNEL_PREFIX.length());
    }
}
