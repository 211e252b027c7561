package io.sfpulse.app;

import java.util.List;
import java.util.Map;

/**
 * The options of a launcher command as picocli parsed them ({@link Cli}): option name (without
 * {@code --}) to value, flags as {@code "true"}, repeatable options' values, positional parameters;
 * and where the commands that talk to a running sfpulse find its operations endpoint. Pure.
 */
record CommandOptions(
        Map<String, String> values, Map<String, List<String>> repeated, List<String> positional) {

    /** {@code --url}, else {@code $SFPULSE_URL}, else the default operations endpoint; without a trailing slash. */
    String opsUrl(final Map<String, String> env) {
        return values.getOrDefault("url", env.getOrDefault("SFPULSE_URL", "http://127.0.0.1:9464"))
                .replaceAll("/+$", "");
    }

    /** {@code --token}, else {@code $SFPULSE_OPS_TOKEN}, else empty. */
    String opsToken(final Map<String, String> env) {
        return values.getOrDefault("token", env.getOrDefault("SFPULSE_OPS_TOKEN", ""));
    }

    /** An integer option, or {@code otherwise}; a value that is not one is a usage error. */
    int integer(final String name, final int otherwise) {
        return values.containsKey(name) ? parse(name, Integer::valueOf) : otherwise;
    }

    /** A long option, or {@code otherwise}. */
    long longValue(final String name, final long otherwise) {
        return values.containsKey(name) ? parse(name, Long::valueOf) : otherwise;
    }

    private <T> T parse(final String name, final java.util.function.Function<String, T> f) {
        try {
            return f.apply(values.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--" + name + " must be a number, got '" + values.get(name) + "'");
        }
    }
}
