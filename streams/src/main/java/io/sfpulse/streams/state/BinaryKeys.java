package io.sfpulse.streams.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Binary keys of per-series state: length-prefixed parts (org, operation, ...) and a trailing
 * big-endian time (minute, bucket), so one series' entries are one key range in time order; and
 * deleting such a range (what expired). Pure but for the store it is given.
 */
public final class BinaryKeys {

    private BinaryKeys() {}

    /** {@code [length][part]... [time]}. */
    public static Bytes of(final long time, final String... parts) {
        final byte[][] encoded = new byte[parts.length][];
        int size = 8;
        for (int i = 0; i < parts.length; i++) {
            encoded[i] = parts[i].getBytes(StandardCharsets.UTF_8);
            size += 4 + encoded[i].length;
        }
        final ByteBuffer b = ByteBuffer.allocate(size);
        for (final byte[] part : encoded) {
            b.putInt(part.length).put(part);
        }
        return Bytes.wrap(b.putLong(time).array());
    }

    /** The trailing time of a key built by {@link #of}. */
    public static long timeOf(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong(key.get().length - 8);
    }

    /** Deletes every key in [from, to] (from null: from the first key); the keys are collected first, then deleted. */
    public static <V> void deleteRange(
            final KeyValueStore<Bytes, V> store, final Bytes from, final Bytes to) {
        final List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, V> it = store.range(from, to)) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(store::delete);
    }
}
