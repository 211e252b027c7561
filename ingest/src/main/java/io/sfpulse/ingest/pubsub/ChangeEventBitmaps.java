package io.sfpulse.ingest.pubsub;

import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * Expands the {@code changedFields}, {@code nulledFields} and {@code diffFields} bitmaps of a change
 * event received over Pub/Sub into field names, from the event's own schema: {@code 0x...} is a bitmap
 * over the top-level fields by position (bit 0 = least significant), {@code <pos>-0x...} one over the
 * fields of the compound field at top-level position {@code pos}, reported as {@code Parent.Child}.
 * Both forms are united (Salesforce does not consistently set the parent's own bit). Entries that are
 * already names pass through.
 */
public final class ChangeEventBitmaps {

    private static final Pattern NESTED = Pattern.compile("(\\d+)-0x([0-9A-Fa-f]+)");

    private ChangeEventBitmaps() {}

    public static List<String> names(final Schema schema, final List<String> bitmaps) {
        final Set<String> out = new LinkedHashSet<>();
        for (final String entry : bitmaps) {
            final Matcher nested = NESTED.matcher(entry);
            if (entry.startsWith("0x") || entry.startsWith("0X")) {
                forEachBit(
                        entry.substring(2),
                        bit -> {
                            if (bit < schema.getFields().size()) {
                                out.add(schema.getFields().get(bit).name());
                            }
                        });
            } else if (nested.matches()) {
                final int parentPos = Integer.parseInt(nested.group(1));
                if (parentPos >= schema.getFields().size()) {
                    continue;
                }
                final Schema.Field parent = schema.getFields().get(parentPos);
                final Schema record = recordOf(parent.schema());
                if (record == null) {
                    continue;
                }
                forEachBit(
                        nested.group(2),
                        bit -> {
                            if (bit < record.getFields().size()) {
                                out.add(parent.name() + "." + record.getFields().get(bit).name());
                            }
                        });
            } else {
                out.add(entry);
            }
        }
        return List.copyOf(out);
    }

    private static void forEachBit(final String hex, final java.util.function.IntConsumer action) {
        final BigInteger bits = new BigInteger(hex, 16);
        for (int bit = bits.getLowestSetBit(); bit >= 0 && bit < bits.bitLength(); bit++) {
            if (bits.testBit(bit)) {
                action.accept(bit);
            }
        }
    }

    /** The record inside a compound field's type: the record itself, or its branch of a union such as {@code ["null", X]}. */
    private static Schema recordOf(final Schema type) {
        if (type.getType() == Schema.Type.RECORD) {
            return type;
        }
        if (type.getType() == Schema.Type.UNION) {
            return type.getTypes().stream()
                    .filter(t -> t.getType() == Schema.Type.RECORD)
                    .findFirst()
                    .orElse(null);
        }
        return null;
    }
}
