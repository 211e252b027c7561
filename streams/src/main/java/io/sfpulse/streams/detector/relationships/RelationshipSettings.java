package io.sfpulse.streams.detector.relationships;

import io.sfpulse.schemas.config.ConfigGroup;
import io.sfpulse.streams.detector.share.ShareSettings;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the broken-relationships detector ({@code detector.broken-relationships.*}): the share
 * test's (trials are the object's changes, hits the changes breaking a reference) and how long a
 * deleted record's id is remembered as a parent that references must not point at.
 */
public record RelationshipSettings(ShareSettings share, Duration deletedRetention) {

    public static final String GROUP = "Detector: broken relationships";
    public static final String DELETED_RETENTION_MS_CONFIG =
            ShareSettings.key(BrokenRelationshipsDetector.NAME, "deleted.retention.ms");

    public static RelationshipSettings defaults() {
        return new RelationshipSettings(
                new ShareSettings(
                        Duration.ofHours(4),
                        Duration.ofHours(1),
                        Duration.ofHours(3),
                        Duration.ofHours(1),
                        0.001,
                        5,
                        3.0,
                        30,
                        Duration.ofMinutes(20)),
                Duration.ofDays(1));
    }

    public static ConfigDef define(final ConfigDef def) {
        final RelationshipSettings d = defaults();
        ShareSettings.define(
                def,
                BrokenRelationshipsDetector.NAME,
                GROUP,
                "changes breaking a reference",
                "object's changes",
                d.share());
        return ConfigGroup.of(def, GROUP)
                .define(
                        DELETED_RETENTION_MS_CONFIG,
                        Type.LONG,
                        d.deletedRetention().toMillis(),
                        Range.atLeast(60_000),
                        Importance.LOW,
                        "How long a deleted record's id is remembered, so a change pointing at it counts as a reference to a deleted parent.")
                .configDef();
    }

    public static RelationshipSettings from(final AbstractConfig c) {
        return new RelationshipSettings(
                ShareSettings.from(c, BrokenRelationshipsDetector.NAME),
                Duration.ofMillis(c.getLong(DELETED_RETENTION_MS_CONFIG)));
    }
}
