package io.sfpulse.emulator.scenario;

import io.sfpulse.emulator.org.EmulatedOrg;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Plays a {@link Scenario} against an org in compressed time: the org's clock is pinned to each
 * step's virtual instant (so event times, CreatedDates and DeployRequest.CompletedDate are
 * realistic), and the player paces itself at {@code wallPerVirtualMinute}. The virtual timeline
 * ends at "now", so all events are in the past when it finishes.
 */
public final class ScenarioRunner {

    private final Duration wallPerVirtualMinute;
    private final Consumer<String> progress;
    private boolean clockKeepsRunning;

    public ScenarioRunner(final Duration wallPerVirtualMinute, final Consumer<String> progress) {
        this.wallPerVirtualMinute = wallPerVirtualMinute;
        this.progress = progress;
    }

    /**
     * After the last step the org's clock keeps running at the scenario's compressed pace (from the
     * last step's instant) instead of returning to real time: a quiet org whose time moves on.
     */
    public ScenarioRunner clockKeepsRunning() {
        this.clockKeepsRunning = true;
        return this;
    }

    /** Plays the scenario; returns its virtual start instant. */
    public Instant run(final EmulatedOrg org, final Scenario scenario) throws InterruptedException {
        final Instant start = Instant.now().minus(scenario.duration()).minusSeconds(60);
        progress.accept("scenario '" + scenario.name() + "': " + scenario.description());
        Duration previous = Duration.ZERO;
        Instant last = start;
        try {
            for (final Scenario.Step step : scenario.steps()) {
                final long wallMillis =
                        (step.offset().minus(previous).toMillis() * wallPerVirtualMinute.toMillis())
                                / 60_000;
                if (wallMillis > 0) {
                    Thread.sleep(wallMillis); // pacing of the player, not synchronization
                }
                previous = step.offset();
                final Instant virtual = start.plus(step.offset());
                last = virtual;
                org.clock().pin(virtual);
                step.action().accept(org, virtual);
                if (step.label() != null) {
                    progress.accept(
                            String.format(
                                    "  [T%+4dm] %s",
                                    step.offset().toMinutes() - milestoneZero(scenario),
                                    step.label()));
                }
                if (!step.pauseAfter().isZero()) {
                    Thread.sleep(step.pauseAfter().toMillis());
                }
            }
        } finally {
            if (clockKeepsRunning) {
                org.clock().runFrom(last, 60_000.0 / Math.max(1, wallPerVirtualMinute.toMillis()));
            } else {
                org.clock().pin(null);
            }
        }
        return start;
    }

    /** Offsets are shown relative to the first milestone labelled as a deploy, if any. */
    private static long milestoneZero(final Scenario scenario) {
        return scenario.steps().stream()
                .filter(s -> s.label() != null && s.label().startsWith("deploy"))
                .map(s -> s.offset().toMinutes())
                .findFirst()
                .orElse(0L);
    }
}
