package io.sfpulse.sink.action;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request template: text with {@code {{variable}}} placeholders from a fixed vocabulary
 * ({@link ActionVariables#NAMES}), checked when the template is read so a typo fails at start-up
 * rather than sending a request with a hole in it. Rendering escapes each value for where it goes
 * (a JSON string, a form or URL component). Immutable.
 */
public final class ActionTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");
    private final String text;
    private final List<String> variables;

    private ActionTemplate(final String text, final List<String> variables) {
        this.text = text;
        this.variables = variables;
    }

    /**
     * @throws IllegalArgumentException naming the unknown variable or the unclosed placeholder
     */
    public static ActionTemplate parse(final String text, final Set<String> known) {
        final List<String> vars = new ArrayList<>();
        final Matcher m = PLACEHOLDER.matcher(text);
        int end = 0;
        while (m.find()) {
            checkNoStray(text.substring(end, m.start()));
            final String name = m.group(1);
            if (!known.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown variable {{"
                                + name
                                + "}}; known: "
                                + String.join(", ", new java.util.TreeSet<>(known)));
            }
            vars.add(name);
            end = m.end();
        }
        checkNoStray(text.substring(end));
        return new ActionTemplate(text, List.copyOf(vars));
    }

    private static void checkNoStray(final String literal) {
        // Only an opener can be stray: JSON bodies close nested objects with "}}".
        if (literal.contains("{{")) {
            throw new IllegalArgumentException(
                    "unbalanced placeholder near '"
                            + literal.substring(literal.indexOf("{{")).strip()
                            + "'");
        }
    }

    public String render(final Map<String, String> values, final UnaryOperator<String> escape) {
        final Matcher m = PLACEHOLDER.matcher(text);
        final StringBuilder out = new StringBuilder();
        while (m.find()) {
            final String v = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(escape.apply(v == null ? "" : v)));
        }
        m.appendTail(out);
        return out.toString();
    }

    public List<String> variables() {
        return variables;
    }

    /** Escapes a value for the inside of a JSON string. */
    public static String json(final String v) {
        return new String(
                com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(v));
    }

    /** Escapes a value for a form field or URL query component. */
    public static String form(final String v) {
        return java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8);
    }
}
