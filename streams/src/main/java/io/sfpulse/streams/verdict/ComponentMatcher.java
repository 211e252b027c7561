package io.sfpulse.streams.verdict;

import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.detector.SuspectComponents;
import io.sfpulse.streams.normalize.SignalNormalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which of a release's components ({@code Type:Name}) a signal exercised: a component whose name is a
 * word of the signal's location or subject (the stack frame {@code Class.InvoiceService.calculate},
 * the entry point {@code Flow.Invoice_Flow}, an operation, a page view's app and Lightning page),
 * and, for a data change, the components
 * that belong to or are named after its object ({@link SuspectComponents#byEntity}). One per
 * release, kept in memory by the verdict processor; not thread-safe.
 */
public final class ComponentMatcher {

    private static final Pattern WORD_BREAK = Pattern.compile("[^A-Za-z0-9_]+");

    private final List<String> components;
    private final Map<String, List<String>> byName = new HashMap<>();
    private final Map<String, List<String>> byEntity = new HashMap<>();

    public ComponentMatcher(final List<String> components) {
        this.components = List.copyOf(components);
        for (final String c : components) {
            final String name = c.contains(":") ? c.substring(c.indexOf(':') + 1) : c;
            byName.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(c);
        }
    }

    /** The components the signal names, each once. */
    public Set<String> exercised(final Signal s) {
        final Set<String> out = new LinkedHashSet<>();
        if (components.isEmpty()) {
            return out;
        }
        words(s.getLocation(), out);
        words(s.getSubject(), out);
        // A page view names its app (c__Sales_Console for CustomApplication:Sales_Console) and
        // Lightning page.
        words(stripNamespace(s.getAttributes().get(SignalNormalizer.APP)), out);
        words(s.getAttributes().get(SignalNormalizer.PAGE), out);
        if (s.getKind() == SignalKind.DATA_CHANGE) {
            out.addAll(
                    byEntity.computeIfAbsent(
                            s.getSubject(), e -> SuspectComponents.byEntity(components, e, null)));
        }
        return out;
    }

    private static String stripNamespace(final String name) {
        return name == null
                ? null
                : name.contains("__") ? name.substring(name.lastIndexOf("__") + 2) : name;
    }

    private void words(final String text, final Set<String> out) {
        if (text == null || text.isEmpty()) {
            return;
        }
        for (final String w : WORD_BREAK.split(text)) {
            final List<String> hit = byName.get(w.toLowerCase(Locale.ROOT));
            if (hit != null) {
                out.addAll(hit);
            }
        }
    }
}
