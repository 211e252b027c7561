package io.sfpulse.streams.state;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Where the detection topology keeps its state: every store builder and materialization of the
 * topology comes from here, so one setting ({@code streams.state.stores}) chooses for all of them.
 * The service keeps RocksDB stores with changelogs (restored after a restart or a move); a replay
 * (backtest, the labelled suite) runs once from the start and never restores, so it keeps its state
 * in memory with no changelog - no RocksDB writes, no changelog records.
 */
public final class StateStores {

    /** The kinds of state store, by their configuration value. */
    public enum Kind {
        /** RocksDB on local disk, changelogged: the service's default. */
        ROCKSDB("rocksdb"),
        /** On the heap, changelogged: restored from the changelog on every start. */
        IN_MEMORY("in-memory"),
        /** On the heap, no changelog: for runs that start from nothing and never restore (replays). */
        IN_MEMORY_UNLOGGED("in-memory-unlogged");

        private final String value;

        Kind(final String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        public static Kind of(final String value) {
            return Arrays.stream(values())
                    .filter(k -> k.value.equals(value))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalArgumentException(
                                            "Unknown state store kind '"
                                                    + value
                                                    + "', expected one of "
                                                    + names()));
        }

        public static List<String> names() {
            return Arrays.stream(values()).map(Kind::value).toList();
        }
    }

    /** RocksDB, changelogged. */
    public static final StateStores DEFAULT = new StateStores(Kind.ROCKSDB);

    private final Kind kind;

    public StateStores(final Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    private boolean inMemory() {
        return kind != Kind.ROCKSDB;
    }

    private boolean logged() {
        return kind != Kind.IN_MEMORY_UNLOGGED;
    }

    /** A key-value store of this kind. */
    public <K, V> StoreBuilder<KeyValueStore<K, V>> keyValue(
            final String name, final Serde<K> keySerde, final Serde<V> valueSerde) {
        final StoreBuilder<KeyValueStore<K, V>> builder =
                Stores.keyValueStoreBuilder(keyValueSupplier(name), keySerde, valueSerde);
        return logged() ? builder : builder.withLoggingDisabled();
    }

    /**
     * A versioned key-value store: Kafka Streams has RocksDB versioned stores only, so this one is
     * on disk whatever the kind; it is unlogged where the kind is.
     */
    public <K, V> StoreBuilder<VersionedKeyValueStore<K, V>> versioned(
            final String name,
            final Duration history,
            final Serde<K> keySerde,
            final Serde<V> valueSerde) {
        final StoreBuilder<VersionedKeyValueStore<K, V>> builder =
                Stores.versionedKeyValueStoreBuilder(
                        Stores.persistentVersionedKeyValueStore(name, history),
                        keySerde,
                        valueSerde);
        return logged() ? builder : builder.withLoggingDisabled();
    }

    /** The materialization of a DSL key-value aggregate. */
    public <K, V> Materialized<K, V, KeyValueStore<Bytes, byte[]>> keyValueAggregate(
            final String name) {
        final Materialized<K, V, KeyValueStore<Bytes, byte[]>> m =
                Materialized.as(keyValueSupplier(name));
        return logged() ? m : m.withLoggingDisabled();
    }

    /** The materialization of a DSL windowed aggregate. */
    public <K, V> Materialized<K, V, WindowStore<Bytes, byte[]>> windowAggregate(
            final String name) {
        final Materialized<K, V, WindowStore<Bytes, byte[]>> m =
                Materialized.<K, V, WindowStore<Bytes, byte[]>>as(name)
                        .withStoreType(
                                inMemory()
                                        ? Materialized.StoreType.IN_MEMORY
                                        : Materialized.StoreType.ROCKS_DB);
        return logged() ? m : m.withLoggingDisabled();
    }

    private KeyValueBytesStoreSupplier keyValueSupplier(final String name) {
        return inMemory()
                ? Stores.inMemoryKeyValueStore(name)
                : Stores.persistentKeyValueStore(name);
    }

    @Override
    public String toString() {
        return kind.value();
    }
}
