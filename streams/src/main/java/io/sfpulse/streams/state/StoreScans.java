package io.sfpulse.streams.state;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** Scanning a whole state store and rewriting what the scan changed (e.g. a punctuation resolving alerts). */
public final class StoreScans {

    /** What becomes of one entry after it was visited. */
    public enum Rewrite {
        KEEP,
        PUT,
        DELETE
    }

    private StoreScans() {}

    /**
     * Visits every entry; the entries the visitor reports as changed are written back, or deleted,
     * after the scan (no write while the store's iterator is open).
     */
    public static <K, V> void rewriteEach(
            final KeyValueStore<K, V> store, final BiFunction<K, V, Rewrite> visit) {
        final List<KeyValue<K, V>> put = new ArrayList<>();
        final List<K> delete = new ArrayList<>();
        try (KeyValueIterator<K, V> all = store.all()) {
            while (all.hasNext()) {
                final KeyValue<K, V> e = all.next();
                switch (visit.apply(e.key, e.value)) {
                    case PUT -> put.add(e);
                    case DELETE -> delete.add(e.key);
                    case KEEP -> {}
                }
            }
        }
        put.forEach(e -> store.put(e.key, e.value));
        delete.forEach(store::delete);
    }
}
