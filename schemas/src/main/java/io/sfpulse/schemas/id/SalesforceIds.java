package io.sfpulse.schemas.id;

import java.util.regex.Pattern;

/**
 * Salesforce ids in their 18-character, case-safe form. Salesforce accepts and returns both the
 * 15-character (case-sensitive) and the 18-character form, and different surfaces use different
 * forms (EventLogFile ID columns are 15 characters; REST, CometD and Pub/Sub payloads 18; a CI
 * script may send either), so every id that becomes a Kafka key or a join key is normalised here:
 * the 3-character suffix is computed from the case of the first 15 characters, never looked up.
 */
public final class SalesforceIds {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{15}|[A-Za-z0-9]{18}");
    private static final String SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    private SalesforceIds() {}

    /** Whether {@code id} has the shape of a 15- or 18-character Salesforce id. */
    public static boolean isId(final String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * Whether {@code value} is an 18-character id whose case-safe suffix matches its first 15
     * characters: how a field value is told to be a record reference (1 in 32,768 other
     * 18-character words would pass by chance).
     */
    public static boolean isCaseSafeId(final String value) {
        return value != null
                && value.length() == 18
                && isId(value)
                && suffix(value.substring(0, 15)).equalsIgnoreCase(value.substring(15));
    }

    /**
     * The 18-character form of a 15- or 18-character id: a 15-character id gets its computed
     * suffix; an 18-character id keeps its first 15 characters and its suffix is recomputed (so a
     * suffix that another system upper- or lower-cased comes out as Salesforce writes it).
     * @throws IllegalArgumentException when {@code id} is neither
     */
    public static String to18(final String id) {
        if (!isId(id)) {
            throw new IllegalArgumentException(
                    "Not a 15- or 18-character Salesforce id: '" + id + "'");
        }
        final String base = id.substring(0, 15);
        return base + suffix(base);
    }

    /** {@link #to18} for ids that should be Salesforce ids, else the value unchanged (an org alias, say). */
    public static String normalizeIfId(final String value) {
        return isId(value) ? to18(value) : value;
    }

    /** The 3-character case-safe suffix of a 15-character id. */
    static String suffix(final String id15) {
        final StringBuilder suffix = new StringBuilder(3);
        for (int chunk = 0; chunk < 3; chunk++) {
            int bits = 0;
            for (int j = 0; j < 5; j++) {
                final char c = id15.charAt(chunk * 5 + j);
                if (c >= 'A' && c <= 'Z') {
                    bits |= 1 << j;
                }
            }
            suffix.append(SUFFIX_CHARS.charAt(bits));
        }
        return suffix.toString();
    }
}
