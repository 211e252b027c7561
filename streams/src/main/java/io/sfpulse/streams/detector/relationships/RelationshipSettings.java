package io.sfpulse.streams.detector.relationships;

import io.sfpulse.schemas.config.ConfigGroup;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the broken-relationships detector ({@code detector.broken-relationships.*}).
 * @param window             how long after a release a rise of broken references is attributed to it
 * @param span               the span judged: the object's changes in the last {@code span} (less right after the release)
 * @param baseline           how far before the release the baseline reaches
 * @param minBaseline        shortest observed baseline for a conclusive call
 * @param alpha              significance level of Fisher's exact test
 * @param minHits            fewest broken references in the span to alert
 * @param minRatio           smallest ratio of the share now to the share before
 * @param minBaselineChanges fewest changes of the object in the baseline for a conclusive call
 * @param resolveWindow      recent span whose share must be back to the baseline to resolve
 * @param deletedRetention   how long a deleted record's id is remembered as a parent that references must not point at
 */
public record RelationshipSettings(Duration window, Duration span, Duration baseline, Duration minBaseline, double alpha, long minHits,
                                   double minRatio, long minBaselineChanges, Duration resolveWindow, Duration deletedRetention) {

    public static final String GROUP = "Detector: broken relationships";
    private static final String PREFIX = "detector." + BrokenRelationshipsDetector.NAME + ".";
    public static final String WINDOW_MS_CONFIG = PREFIX + "window.ms";
    public static final String SPAN_MS_CONFIG = PREFIX + "span.ms";
    public static final String BASELINE_MS_CONFIG = PREFIX + "baseline.ms";
    public static final String MIN_BASELINE_MS_CONFIG = PREFIX + "min.baseline.ms";
    public static final String ALPHA_CONFIG = PREFIX + "alpha";
    public static final String MIN_HITS_CONFIG = PREFIX + "min.hits";
    public static final String MIN_RATIO_CONFIG = PREFIX + "min.ratio";
    public static final String MIN_BASELINE_CHANGES_CONFIG = PREFIX + "min.baseline.changes";
    public static final String RESOLVE_WINDOW_MS_CONFIG = PREFIX + "resolve.window.ms";
    public static final String DELETED_RETENTION_MS_CONFIG = PREFIX + "deleted.retention.ms";

    public static RelationshipSettings defaults() {
        return new RelationshipSettings(Duration.ofHours(4), Duration.ofMinutes(30), Duration.ofHours(3), Duration.ofHours(1), 0.001, 5, 3.0, 30,
            Duration.ofMinutes(20), Duration.ofDays(1));
    }

    public static ConfigDef define(final ConfigDef def) {
        final RelationshipSettings d = defaults();
        return ConfigGroup.of(def, GROUP)
            .define(WINDOW_MS_CONFIG, Type.LONG, d.window().toMillis(), Range.atLeast(60_000), Importance.MEDIUM,
                "How long after a release a rise of nulled or dangling references is attributed to it.")
            .define(SPAN_MS_CONFIG, Type.LONG, d.span().toMillis(), Range.atLeast(60_000), Importance.MEDIUM,
                "Span judged: the object's changes in the last span.ms (less right after the release).")
            .define(BASELINE_MS_CONFIG, Type.LONG, d.baseline().toMillis(), Range.atLeast(60_000), Importance.MEDIUM,
                "How far before the release the baseline reaches.")
            .define(MIN_BASELINE_MS_CONFIG, Type.LONG, d.minBaseline().toMillis(), Range.atLeast(0), Importance.LOW,
                "Shortest observed baseline for a conclusive call.")
            .define(ALPHA_CONFIG, Type.DOUBLE, d.alpha(), Range.between(1e-12, 0.5), Importance.MEDIUM,
                "Significance level of Fisher's exact test (one-sided) of the share of the object's changes that break a reference.")
            .define(MIN_HITS_CONFIG, Type.LONG, d.minHits(), Range.atLeast(1), Importance.MEDIUM,
                "Fewest broken references in the judged span to alert.")
            .define(MIN_RATIO_CONFIG, Type.DOUBLE, d.minRatio(), Range.atLeast(1.0), Importance.MEDIUM,
                "Smallest ratio of the share of changes breaking the reference now to before.")
            .define(MIN_BASELINE_CHANGES_CONFIG, Type.LONG, d.minBaselineChanges(), Range.atLeast(1), Importance.LOW,
                "Fewest changes of the object in the baseline for a conclusive call.")
            .define(RESOLVE_WINDOW_MS_CONFIG, Type.LONG, d.resolveWindow().toMillis(), Range.atLeast(60_000), Importance.LOW,
                "Recent span whose share must be back to the baseline to resolve.")
            .define(DELETED_RETENTION_MS_CONFIG, Type.LONG, d.deletedRetention().toMillis(), Range.atLeast(60_000), Importance.LOW,
                "How long a deleted record's id is remembered, so a change pointing at it counts as a reference to a deleted parent.")
            .configDef();
    }

    public static RelationshipSettings from(final AbstractConfig c) {
        return new RelationshipSettings(ms(c, WINDOW_MS_CONFIG), ms(c, SPAN_MS_CONFIG), ms(c, BASELINE_MS_CONFIG), ms(c, MIN_BASELINE_MS_CONFIG),
            c.getDouble(ALPHA_CONFIG), c.getLong(MIN_HITS_CONFIG), c.getDouble(MIN_RATIO_CONFIG), c.getLong(MIN_BASELINE_CHANGES_CONFIG),
            ms(c, RESOLVE_WINDOW_MS_CONFIG), ms(c, DELETED_RETENTION_MS_CONFIG));
    }

    private static Duration ms(final AbstractConfig c, final String key) {
        return Duration.ofMillis(c.getLong(key));
    }
}
