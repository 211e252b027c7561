package io.sfpulse.streams.detector;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which of a deploy's components ({@code Type:Name}, as the Metadata API names them) an alert
 * points at: the evidence's "suspect components".
 */
public final class SuspectComponents {

    private SuspectComponents() {}

    /**
     * Components whose name appears as a whole word in a failing location, e.g.
     * {@code ApexClass:InvoiceService} in {@code Class.InvoiceService.calc}, {@code Flow:Invoice_Approval}
     * in {@code Flow.Invoice_Approval.Update_Invoice}.
     */
    public static List<String> byLocation(
            final List<String> components, final java.util.Set<String> locations) {
        return components.stream()
                .filter(
                        c -> {
                            final String name = nameOf(c);
                            final Pattern word =
                                    Pattern.compile("\\b" + Pattern.quote(name) + "\\b");
                            return locations.stream().anyMatch(l -> word.matcher(l).find());
                        })
                .toList();
    }

    /**
     * Components that touch an entity (and, when given, one of its fields): the object itself
     * ({@code CustomObject:Account}), its fields, validation rules, layouts and the like
     * ({@code CustomField:Account.Phone}, {@code ValidationRule:Account.Require_Phone},
     * {@code Layout:Account-Account Layout}), and automation named after it ({@code ApexTrigger:AccountTrigger},
     * {@code Flow:Account_Before_Save}; for {@code Invoice__c}, {@code Flow:Invoice_Approval}). With a field, a component on another field of the entity is
     * not a suspect.
     */
    public static List<String> byEntity(
            final List<String> components, final String entity, final String field) {
        final String e = entity.toLowerCase(Locale.ROOT);
        return components.stream()
                .filter(
                        c -> {
                            final String name = nameOf(c);
                            final String lower = name.toLowerCase(Locale.ROOT);
                            final int dot = name.indexOf('.');
                            if (dot > 0 || lower.startsWith(e + "-")) {
                                // Member of an object: Account.Phone, Account.Require_Phone,
                                // Account-Account Layout.
                                final String owner = dot > 0 ? lower.substring(0, dot) : e;
                                if (!owner.equals(e)) {
                                    return false;
                                }
                                final boolean fieldComponent =
                                        c.toLowerCase(Locale.ROOT).startsWith("customfield:");
                                return field == null
                                        || !fieldComponent
                                        || lower.substring(dot + 1)
                                                .equals(field.toLowerCase(Locale.ROOT));
                            }
                            // The object itself, or automation named after it (a custom object by
                            // its name without __c): the next
                            // character is not a lower-case letter (AccountTrigger,
                            // Invoice_Approval; not Accountant).
                            final String base =
                                    e.endsWith("__c") ? e.substring(0, e.length() - 3) : e;
                            return lower.equals(e)
                                    || name.length() > base.length()
                                            && lower.startsWith(base)
                                            && !Character.isLowerCase(name.charAt(base.length()));
                        })
                .toList();
    }

    private static String nameOf(final String component) {
        return component.contains(":")
                ? component.substring(component.indexOf(':') + 1)
                : component;
    }
}
