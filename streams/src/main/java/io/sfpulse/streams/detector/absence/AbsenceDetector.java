package io.sfpulse.streams.detector.absence;

import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.detector.SuspectComponents;
import io.sfpulse.streams.detector.drop.DropDetector;
import io.sfpulse.streams.detector.drop.DropSettings;
import io.sfpulse.streams.detector.drop.WatchedCounts;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Entry points (flows, Apex methods, platform-event channels: ACTIVITY signals) that stop running,
 * or nearly, after a release. Suspects: the release's components named in the entry point.
 */
public final class AbsenceDetector extends DropDetector {

    public static final String NAME = "absent-activity";
    public static final String GROUP = "Detector: absent activity";

    public AbsenceDetector(final DropSettings settings) {
        super(NAME, settings, new EntryPoints());
    }

    public static DropSettings defaults() {
        return new DropSettings(
                Duration.ofHours(4),
                Duration.ofHours(1),
                Duration.ofHours(3),
                Duration.ofHours(1),
                Duration.ofDays(3),
                7,
                0.001,
                8,
                4,
                Duration.ofMinutes(20));
    }

    public static ConfigDef define(final ConfigDef def) {
        return DropSettings.define(def, NAME, GROUP, "an entry point's executions", defaults());
    }

    public static AbsenceDetector from(final AbstractConfig config) {
        return new AbsenceDetector(DropSettings.from(config, NAME));
    }

    /** Executions of entry points, streamed and from EventLogFile rows (hours late: never compared with streamed activity). */
    private static final class EntryPoints implements WatchedCounts {
        @Override
        public boolean counts(final Signal s) {
            return s.getKind() == SignalKind.ACTIVITY;
        }

        @Override
        public String subject(final Signal s) {
            return s.getSubject();
        }

        @Override
        public long amount(final Signal s) {
            return Math.max(1, Math.round(s.getValue()));
        }

        @Override
        public String family(final String channel) {
            return channel != null && channel.startsWith("elf/") ? "elf" : "streaming";
        }

        @Override
        public List<String> suspects(final List<String> components, final String subject) {
            return SuspectComponents.byLocation(components, Set.of(subject));
        }

        @Override
        public String title(final String subject) {
            return subject;
        }

        @Override
        public String unit() {
            return "executions";
        }

        @Override
        public String resumed() {
            return "runs again";
        }

        @Override
        public String evidenceKey() {
            return "entryPoint";
        }

        @Override
        public String testedKey() {
            return "entryPointsTested";
        }
    }
}
