package io.sfpulse.schemas.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** The one place that creates and configures value serdes, from the registry settings. Immutable. */
public final class SfpulseSerdes {

    private final Map<String, ?> serdeConfig;

    public SfpulseSerdes(final Map<String, ?> serdeConfig) {
        this.serdeConfig = Map.copyOf(serdeConfig);
        new AvroSerdeConfig(serdeConfig); // validate eagerly: fail at start-up, not on first record
    }

    /** Serdes against {@code schema.registry.url=url}. */
    public static SfpulseSerdes forRegistry(final String url) {
        return new SfpulseSerdes(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, url));
    }

    public Map<String, ?> config() {
        return serdeConfig;
    }

    public <T extends SpecificRecord> Serde<T> valueSerde(final Class<T> type) {
        final AvroWireSerde<T> serde = new AvroWireSerde<>(type);
        serde.configure(serdeConfig, false);
        return serde;
    }
}
