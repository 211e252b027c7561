package io.sfpulse.schemas.config;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;

/** Checks that a {@link ConfigDef} documents itself: every key has a description and a group. */
public final class ConfigDocumentation {

    private ConfigDocumentation() {}

    /** One line per key without a description or without a group; empty when all are documented. */
    public static List<String> problems(final ConfigDef def) {
        final List<String> problems = new ArrayList<>();
        for (final ConfigDef.ConfigKey key : def.configKeys().values()) {
            if (key.documentation == null || key.documentation.isBlank()) {
                problems.add(key.name + ": no description");
            }
            if (key.group == null || key.group.isBlank()) {
                problems.add(key.name + ": no group");
            }
        }
        return problems;
    }
}
