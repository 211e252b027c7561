package io.sfpulse.emulator.org;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The org's notion of "now". Real time by default; scenarios can run it at an offset so that a
 * scripted hour of traffic replays in seconds with realistic event times. Thread-safe.
 */
public final class EmulatorClock extends Clock {

    /** Virtual time running at a rate from an anchor (after a compressed scenario). */
    private record Running(Instant from, long fromNanos, double rate) {
        Instant now() {
            return from.plusMillis((long) ((System.nanoTime() - fromNanos) / 1e6 * rate));
        }
    }

    private final AtomicLong offsetMillis = new AtomicLong();
    private volatile Instant pinned;
    private volatile Running running;

    @Override
    public Instant instant() {
        final Instant p = pinned;
        if (p != null) {
            return p;
        }
        final Running r = running;
        return r != null ? r.now() : Instant.now().plusMillis(offsetMillis.get());
    }

    /** Pins the clock to a virtual instant (scenario runner); {@code null} releases it (back to real time). */
    public void pin(final Instant instant) {
        this.running = null;
        this.pinned = instant;
    }

    /**
     * Lets the clock run on from {@code from} at {@code rate} virtual milliseconds per wall
     * millisecond, as an org's clock keeps running after a scenario played in compressed time.
     */
    public void runFrom(final Instant from, final double rate) {
        this.running = new Running(from, System.nanoTime(), rate);
        this.pinned = null;
    }

    public void shift(final Duration by) {
        offsetMillis.addAndGet(by.toMillis());
    }

    @Override
    public ZoneOffset getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(final java.time.ZoneId zone) {
        return this;
    }
}
