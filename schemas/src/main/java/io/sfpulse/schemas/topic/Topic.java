package io.sfpulse.schemas.topic;

import org.apache.kafka.common.serialization.Serde;

/** A topic name paired with its key and value serdes. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {}
