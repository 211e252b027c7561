package io.sfpulse.streams.detector.failures;

import io.sfpulse.streams.state.StoreScans;
import java.util.function.BiPredicate;
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
        StoreScans.rewriteEach(
                store,
                (key, c) ->
                        !update.test(key, c)
                                ? StoreScans.Rewrite.KEEP
                                : c.isEmpty() ? StoreScans.Rewrite.DELETE : StoreScans.Rewrite.PUT);
    }
}
