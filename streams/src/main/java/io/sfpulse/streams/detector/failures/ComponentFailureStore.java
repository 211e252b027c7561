package io.sfpulse.streams.detector.failures;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The per-(org, component) failure states, each under its own key ({@code org SEP component}), so a
 * failure located in a component reads and rewrites that component's state and its org's, never
 * the other components'. Not thread-safe.
 */
final class ComponentFailureStore {

    private final KeyValueStore<String, ComponentFailures> store;

    ComponentFailureStore(final KeyValueStore<String, ComponentFailures> store) {
        this.store = store;
    }

    ComponentFailures load(final String key) {
        final ComponentFailures c = store.get(key);
        return c == null ? new ComponentFailures() : c;
    }

    void save(final String key, final ComponentFailures c) {
        if (c.isEmpty()) {
            store.delete(key);
        } else {
            store.put(key, c);
        }
    }

    /** Applies {@code update} to every component state, saving (or deleting, when empty) those it reports as changed. */
    void updateEach(final BiPredicate<String, ComponentFailures> update) {
        final List<KeyValue<String, ComponentFailures>> changed = new ArrayList<>();
        try (KeyValueIterator<String, ComponentFailures> all = store.all()) {
            while (all.hasNext()) {
                final KeyValue<String, ComponentFailures> e = all.next();
                if (update.test(e.key, e.value)) {
                    changed.add(e);
                }
            }
        }
        changed.forEach(e -> save(e.key, e.value));
    }
}
