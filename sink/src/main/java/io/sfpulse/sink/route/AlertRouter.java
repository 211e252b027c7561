package io.sfpulse.sink.route;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.Severity;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Chooses channels per alert: each rule matching the alert's org, detector and severity adds its
 * channels. Without rules every enabled channel gets every alert. Pure, immutable.
 */
public final class AlertRouter {

    /**
     * One rule. Org and detector patterns are globs ({@code *} any text); an empty list matches all.
     * @param minSeverity the least severe level that matches (CRITICAL is the most severe)
     */
    public record Rule(
            String name,
            List<String> orgs,
            List<String> detectors,
            Severity minSeverity,
            List<String> channels) {

        boolean matches(final Alert alert) {
            return globs(orgs, alert.getOrgId())
                    && globs(detectors, alert.getDetector())
                    && alert.getSeverity().ordinal() <= minSeverity.ordinal();
        }

        private static boolean globs(final List<String> patterns, final String value) {
            return patterns.isEmpty()
                    || patterns.stream()
                            .anyMatch(
                                    p ->
                                            Pattern.matches(
                                                    ("\\Q" + p + "\\E").replace("*", "\\E.*\\Q"),
                                                    value == null ? "" : value));
        }
    }

    private final List<Rule> rules;

    public AlertRouter(final List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Names of the channels this alert goes to, among {@code enabled}. */
    public Set<String> route(final Alert alert, final Set<String> enabled) {
        if (rules.isEmpty()) {
            return enabled;
        }
        final Set<String> out = new LinkedHashSet<>();
        rules.stream()
                .filter(r -> r.matches(alert))
                .forEach(r -> r.channels().stream().filter(enabled::contains).forEach(out::add));
        return out;
    }
}
