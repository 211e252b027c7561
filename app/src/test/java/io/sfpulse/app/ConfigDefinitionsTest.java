package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.ingest.SalesforceSourceConfig;
import io.sfpulse.schemas.config.ConfigDocumentation;
import io.sfpulse.sink.SinkConfig;
import io.sfpulse.sink.action.ActionConfig;
import io.sfpulse.streams.DetectionConfig;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every ConfigDef of the project documents every key and puts it in a group (one test for all of them). */
class ConfigDefinitionsTest {

    static Stream<Arguments> configDefs() {
        return Map.of(
                        "launcher (AppConfig)",
                        AppConfig.CONFIG_DEF,
                        "ingest connector (SalesforceSourceConfig)",
                        SalesforceSourceConfig.CONFIG_DEF,
                        "detection (DetectionConfig)",
                        DetectionConfig.CONFIG_DEF,
                        "sink (SinkConfig)",
                        SinkConfig.CONFIG_DEF,
                        "action (ActionConfig)",
                        ActionConfig.CONFIG_DEF)
                .entrySet()
                .stream()
                .map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configDefs")
    void everyKeyHasADescriptionAndAGroup(final String name, final ConfigDef def) {
        assertThat(def.configKeys()).isNotEmpty();
        assertThat(ConfigDocumentation.problems(def)).as(name).isEmpty();
    }
}
