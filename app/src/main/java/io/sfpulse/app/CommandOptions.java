package io.sfpulse.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of a launcher command: {@code --name value} pairs, the command's flags ({@code --dry-run}
 * -> {@code "true"}), {@code --verbose} (the launcher's) skipped, anything else kept as unexpected; and
 * where the commands that talk to a running sfpulse find its operations endpoint. Pure.
 */
record CommandOptions(Map<String, String> values, List<String> unexpected) {

    static CommandOptions parse(final List<String> args, final Set<String> flags) {
        final Map<String, String> values = new LinkedHashMap<>();
        final List<String> unexpected = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            final String a = args.get(i);
            if (flags.contains(a)) {
                values.put(a.substring(2), "true");
            } else if (a.equals("--verbose")) {
                continue;
            } else if (a.startsWith("--") && i + 1 < args.size()) {
                values.put(a.substring(2), args.get(++i));
            } else {
                unexpected.add(a);
            }
        }
        return new CommandOptions(values, unexpected);
    }

    /** {@code --url}, else {@code $SFPULSE_URL}, else the default operations endpoint; without a trailing slash. */
    String opsUrl(final Map<String, String> env) {
        return values.getOrDefault("url", env.getOrDefault("SFPULSE_URL", "http://127.0.0.1:9464")).replaceAll("/+$", "");
    }

    /** {@code --token}, else {@code $SFPULSE_OPS_TOKEN}, else empty. */
    String opsToken(final Map<String, String> env) {
        return values.getOrDefault("token", env.getOrDefault("SFPULSE_OPS_TOKEN", ""));
    }
}
