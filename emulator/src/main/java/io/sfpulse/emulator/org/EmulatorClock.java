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

    private final AtomicLong offsetMillis = new AtomicLong();
    private volatile Instant pinned;

    @Override
    public Instant instant() {
        final Instant p = pinned;
        return p != null ? p : Instant.now().plusMillis(offsetMillis.get());
    }

    /** Pins the clock to a virtual instant (scenario runner); {@code null} releases it. */
    public void pin(final Instant instant) {
        this.pinned = instant;
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
