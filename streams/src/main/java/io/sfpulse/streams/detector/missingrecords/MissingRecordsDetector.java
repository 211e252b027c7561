package io.sfpulse.streams.detector.missingrecords;

import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.detector.SuspectComponents;
import io.sfpulse.streams.detector.drop.DropDetector;
import io.sfpulse.streams.detector.drop.DropSettings;
import io.sfpulse.streams.detector.drop.WatchedCounts;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Records that stop being created after a release: per object, its Change Data Capture CREATE
 * events (and GAP_CREATE, a creation whose body Salesforce could not send) against the baseline;
 * e.g. Cases an intake flow no longer creates. Each event counts once, whatever the number of
 * records it reports: Salesforce merges the same change to many records into one event, and
 * counting the records of such bulk creations would make the counts far more variable than the
 * Poisson test assumes (false drops whenever a few bulk events are missing). Compared with the org's other data
 * changes (creations, updates and deletes of every object: enough of them to tell an org-wide lull from one object's missing
 * records, which a few other creations an hour cannot), so an org-wide lull is not one object's missing records. Suspects: the release's
 * components on the object (the object, its fields and rules, triggers and flows named after it).
 */
public final class MissingRecordsDetector extends DropDetector {

    public static final String NAME = "missing-records";
    public static final String GROUP = "Detector: missing records";

    public MissingRecordsDetector(final DropSettings settings) {
        super(NAME, settings, new RecordCreations());
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
        return DropSettings.define(def, NAME, GROUP, "an object's record creations", defaults());
    }

    public static MissingRecordsDetector from(final AbstractConfig config) {
        return new MissingRecordsDetector(DropSettings.from(config, NAME));
    }

    /** Whether a data-change signal reports records created. */
    static boolean isCreation(final Signal s) {
        if (s.getKind() != SignalKind.DATA_CHANGE) {
            return false;
        }
        final String type = s.getAttributes().get("changeType");
        return "CREATE".equals(type) || "GAP_CREATE".equals(type);
    }

    /** Records created per object, from change events. */
    private static final class RecordCreations implements WatchedCounts {
        @Override
        public boolean counts(final Signal s) {
            return isCreation(s);
        }

        @Override
        public String subject(final Signal s) {
            return s.getSubject();
        }

        @Override
        public long amount(final Signal s) {
            return 1;
        }

        @Override
        public String family(final String channel) {
            return "changes";
        }

        /** Every data change of the org, not only creations: a lull the whole org shares shows in its updates too. */
        @Override
        public boolean inFamily(final Signal s) {
            return s.getKind() == SignalKind.DATA_CHANGE;
        }

        @Override
        public List<String> suspects(final List<String> components, final String subject) {
            return SuspectComponents.byEntity(components, subject, null);
        }

        @Override
        public String title(final String subject) {
            return subject + " record creation";
        }

        @Override
        public String unit() {
            return "creations";
        }

        @Override
        public String resumed() {
            return "resumed";
        }

        @Override
        public String evidenceKey() {
            return "entity";
        }

        @Override
        public String testedKey() {
            return "entitiesTested";
        }
    }
}
