package io.sfpulse.streams.verdict;

import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.config.ConfigGroup;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the release verdicts ({@code verdict.*}).
 * @param checkpointsMinutes       minutes after a release at which it is judged, ascending; the last one makes the verdict final
 * @param minSignals               fewest signals of the org after the release for anything but INCONCLUSIVE
 * @param minComponentExecutions   fewest signals naming one of the release's components (when it lists components) for HEALTHY
 * @param faultyMinSeverity        least severe alert on the release that makes it FAULTY
 */
public record VerdictSettings(
        List<Integer> checkpointsMinutes,
        long minSignals,
        long minComponentExecutions,
        Severity faultyMinSeverity) {

    public static final String GROUP = "Release verdicts";
    public static final String CHECKPOINTS_CONFIG = "verdict.checkpoints.minutes";
    private static final String CHECKPOINTS_DOC =
            "Minutes after a release (org event time) at which its verdict is evaluated, ascending; "
                    + "the verdict is re-evaluated at each and final at the last (or when the next release goes live). A detector's alert on the "
                    + "release makes it FAULTY at once.";
    public static final String MIN_SIGNALS_CONFIG = "verdict.min.signals";
    private static final String MIN_SIGNALS_DOC =
            "Fewest signals of the org since the release (failures, latencies, data changes, activity, "
                    + "observations) for a HEALTHY verdict; fewer is INCONCLUSIVE, saying how many there were.";
    public static final String MIN_COMPONENT_EXECUTIONS_CONFIG = "verdict.min.component.executions";
    private static final String MIN_COMPONENT_EXECUTIONS_DOC =
            "For a release that lists its components: fewest signals naming one of them "
                    + "(a stack frame, an entry point, an operation, the object it belongs to) for a HEALTHY verdict; a release whose changed "
                    + "components nobody ran is INCONCLUSIVE, naming them.";
    public static final String FAULTY_MIN_SEVERITY_CONFIG = "verdict.faulty.min.severity";
    private static final String FAULTY_MIN_SEVERITY_DOC =
            "Least severe alert on the release (after it went live) that makes it FAULTY: "
                    + "CRITICAL, ERROR, WARNING or INFO; less severe alerts are listed in the reasons only.";

    public static ConfigDef define(final ConfigDef def) {
        return ConfigGroup.of(def, GROUP)
                .define(
                        CHECKPOINTS_CONFIG,
                        Type.LIST,
                        List.of("10", "20", "60"),
                        ConfigDef.LambdaValidator.with(
                                (name, value) -> parse(name, value),
                                () -> "ascending minutes, each at least 1"),
                        Importance.MEDIUM,
                        CHECKPOINTS_DOC)
                .define(
                        MIN_SIGNALS_CONFIG,
                        Type.LONG,
                        30L,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        MIN_SIGNALS_DOC)
                .define(
                        MIN_COMPONENT_EXECUTIONS_CONFIG,
                        Type.LONG,
                        10L,
                        ConfigDef.Range.atLeast(1),
                        Importance.MEDIUM,
                        MIN_COMPONENT_EXECUTIONS_DOC)
                .define(
                        FAULTY_MIN_SEVERITY_CONFIG,
                        Type.STRING,
                        Severity.WARNING.name(),
                        ConfigDef.ValidString.in(
                                Severity.CRITICAL.name(),
                                Severity.ERROR.name(),
                                Severity.WARNING.name(),
                                Severity.INFO.name()),
                        Importance.LOW,
                        FAULTY_MIN_SEVERITY_DOC)
                .configDef();
    }

    public static VerdictSettings from(final AbstractConfig c) {
        return new VerdictSettings(
                parse(CHECKPOINTS_CONFIG, c.getList(CHECKPOINTS_CONFIG)),
                c.getLong(MIN_SIGNALS_CONFIG),
                c.getLong(MIN_COMPONENT_EXECUTIONS_CONFIG),
                Severity.valueOf(c.getString(FAULTY_MIN_SEVERITY_CONFIG)));
    }

    /** The default settings (for tests and tools that judge without a configuration). */
    public static VerdictSettings defaults() {
        return new VerdictSettings(List.of(10, 20, 60), 30, 10, Severity.WARNING);
    }

    private static List<Integer> parse(final String name, final Object value) {
        final List<?> raw = (List<?>) value;
        if (raw == null || raw.isEmpty()) {
            throw new ConfigException(name, value, "needs at least one checkpoint");
        }
        final List<Integer> out = new java.util.ArrayList<>();
        for (final Object o : raw) {
            final int minutes;
            try {
                minutes = Integer.parseInt(o.toString().trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(
                        name, value, "'" + o + "' is not a whole number of minutes");
            }
            if (minutes <= 0 || !out.isEmpty() && minutes <= out.get(out.size() - 1)) {
                throw new ConfigException(
                        name, value, "checkpoints must be positive and ascending");
            }
            out.add(minutes);
        }
        return List.copyOf(out);
    }

    /** Whether an alert of {@code severity} makes a release FAULTY (Severity's symbols run from most to least severe). */
    public boolean failing(final Severity severity) {
        return severity.ordinal() <= faultyMinSeverity.ordinal();
    }

    public int lastCheckpoint() {
        return checkpointsMinutes.get(checkpointsMinutes.size() - 1);
    }
}
