package io.sfpulse.schemas.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Defines the keys of one configuration group (a detector, a sink channel, a source) in a
 * {@link ConfigDef}, numbering them in the order they are defined, so generated documentation
 * ({@code toEnrichedRst}) and Connect's UI show them together. One way of defining keys across
 * sfpulse: {@code X_CONFIG} names plus {@code X_DOC} text, defined through a group.
 */
public final class ConfigGroup {

    private final ConfigDef def;
    private final String group;
    private int order;

    private ConfigGroup(final ConfigDef def, final String group) {
        this.def = def;
        this.group = group;
    }

    public static ConfigGroup of(final ConfigDef def, final String group) {
        return new ConfigGroup(def, group);
    }

    public ConfigGroup define(
            final String name,
            final Type type,
            final Object defaultValue,
            final Validator validator,
            final Importance importance,
            final String doc) {
        def.define(
                name,
                type,
                defaultValue,
                validator,
                importance,
                doc,
                group,
                ++order,
                Width.MEDIUM,
                name);
        return this;
    }

    public ConfigGroup define(
            final String name,
            final Type type,
            final Object defaultValue,
            final Importance importance,
            final String doc) {
        return define(name, type, defaultValue, null, importance, doc);
    }

    /** Continues the same definition with the keys of the next group. */
    public ConfigGroup group(final String next) {
        return new ConfigGroup(def, next);
    }

    public ConfigDef configDef() {
        return def;
    }
}
