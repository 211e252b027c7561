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

    public ScenarioRunner(final Duration wallPerVirtualMinute, final Consumer<String> progress) {
        this.wallPerVirtualMinute = wallPerVirtualMinute;
        this.progress = progress;
    }

    /** Plays the scenario; returns its virtual start instant. */
    public Instant run(final EmulatedOrg org, final Scenario scenario) throws InterruptedException {
        final Instant start = Instant.now().minus(scenario.duration()).minusSeconds(60);
        progress.accept("scenario '" + scenario.name() + "': " + scenario.description());
        Duration previous = Duration.ZERO;
        try {
            for (final Scenario.Step step : scenario.steps()) {
                final long wallMillis = (step.offset().minus(previous).toMillis() * wallPerVirtualMinute.toMillis()) / 60_000;
                if (wallMillis > 0) {
                    Thread.sleep(wallMillis); // pacing of the player, not synchronization
                }
                previous = step.offset();
                final Instant virtual = start.plus(step.offset());
                org.clock().pin(virtual);
                step.action().accept(org, virtual);
                if (step.label() != null) {
                    progress.accept(String.format("  [T%+4dm] %s", step.offset().toMinutes() - milestoneZero(scenario), step.label()));
                }
                if (!step.pauseAfter().isZero()) {
                    Thread.sleep(step.pauseAfter().toMillis());
                }
            }
        } finally {
            org.clock().pin(null);
        }
        return start;
    }

    /** Offsets are shown relative to the first milestone labelled as a deploy, if any. */
    private static long milestoneZero(final Scenario scenario) {
        return scenario.steps().stream().filter(s -> s.label() != null && s.label().startsWith("deploy"))
            .map(s -> s.offset().toMinutes()).findFirst().orElse(0L);
    }
}
