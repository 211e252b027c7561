package io.sfpulse.streams.normalize;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading fields of an event payload the way Salesforce spells them (several names per field, numbers as text). Pure. */
final class PayloadFields {

    private PayloadFields() {}

    /** The first of {@code fields} present and not null, as text; empty when none is. */
    static String text(final JsonNode node, final String... fields) {
        for (final String f : fields) {
            final JsonNode v = node.get(f);
            if (v != null && !v.isNull()) {
                return v.asText();
            }
        }
        return "";
    }

    /** A numeric field (JSON number or numeric text), NaN when absent or not a number. */
    static double number(final JsonNode node, final String field) {
        final JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        try {
            return v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText().trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
