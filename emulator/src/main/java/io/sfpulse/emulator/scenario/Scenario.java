package io.sfpulse.emulator.scenario;

import io.sfpulse.emulator.org.EmulatedOrg;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A scripted story of an org over (virtual) time: steps at offsets from the scenario start, each
 * acting on the org at its virtual instant, e.g. "deploy at T, error burst at T+2m".
 */
public final class Scenario {

    /** One step: at {@code offset}, do {@code action(org, virtualInstant)}; {@code label} is shown as progress when set. */
    public record Step(
            Duration offset,
            String label,
            BiConsumer<EmulatedOrg, Instant> action,
            Duration pauseAfter) {}

    private final String name;
    private final String description;
    private final List<Step> steps = new ArrayList<>();

    public Scenario(final String name, final String description) {
        this.name = name;
        this.description = description;
    }

    public Scenario at(final Duration offset, final BiConsumer<EmulatedOrg, Instant> action) {
        steps.add(new Step(offset, null, action, Duration.ZERO));
        return this;
    }

    /** A milestone step, reported as progress and followed by a wall-clock pause (e.g. to let a deploy marker propagate). */
    public Scenario milestone(
            final Duration offset,
            final String label,
            final Duration pauseAfter,
            final BiConsumer<EmulatedOrg, Instant> action) {
        steps.add(new Step(offset, label, action, pauseAfter));
        return this;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** Steps in time order (stable for equal offsets). */
    public List<Step> steps() {
        final List<Step> sorted = new ArrayList<>(steps);
        sorted.sort(Comparator.comparing(Step::offset));
        return sorted;
    }

    public Duration duration() {
        return steps.stream()
                .map(Step::offset)
                .max(Comparator.naturalOrder())
                .orElse(Duration.ZERO);
    }
}
