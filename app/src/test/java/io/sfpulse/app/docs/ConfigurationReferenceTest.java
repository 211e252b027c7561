package io.sfpulse.app.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.app.AppConfig;
import io.sfpulse.ingest.SalesforceSourceConfig;
import io.sfpulse.sink.SinkConfig;
import io.sfpulse.streams.DetectionConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code docs/configuration.md} is what the ConfigDefs render today: a key added,
 * removed, renamed or re-documented without regenerating the reference fails here. Regenerate with
 * {@code mvn test -pl app -Dtest=ConfigurationReferenceTest -DupdateDocs=true} (or
 * {@code ./sfpulse docs configuration docs/configuration.md}).
 */
class ConfigurationReferenceTest {

    private static final Path COMMITTED = Path.of("..", "docs", "configuration.md");

    @Test
    void committedReferenceIsWhatTheConfigDefsRender() throws IOException {
        final String rendered = ConfigurationReference.render();
        // What the build generated, next to the other build output, for a diff when this fails.
        ConfigurationReference.write(Path.of("target", "docs", "configuration.md"));
        if (Boolean.getBoolean("updateDocs")) {
            ConfigurationReference.write(COMMITTED);
        }
        assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
                .as(
                        "docs/configuration.md is stale: regenerate it with -DupdateDocs=true (diff against app/target/docs/configuration.md)")
                .isEqualTo(rendered);
    }

    @Test
    void everyKeyOfEveryComponentIsListedOnceWithItsDocumentation() {
        final String md = ConfigurationReference.render();
        Stream.of(
                        AppConfig.CONFIG_DEF,
                        SalesforceSourceConfig.CONFIG_DEF,
                        DetectionConfig.CONFIG_DEF,
                        SinkConfig.CONFIG_DEF)
                .flatMap(d -> d.configKeys().values().stream())
                .forEach(
                        k -> {
                            assertThat(md).as(k.name).contains("| `" + k.name + "` |");
                            assertThat(
                                            md.split(
                                                    "\\| `"
                                                            + java.util.regex.Pattern.quote(k.name)
                                                            + "` \\|",
                                                    -1))
                                    .as(k.name + " listed once")
                                    .hasSize(2);
                        });
        // Detector groups (one per detector) and sink channel groups are headings of their own.
        assertThat(md)
                .contains(
                        "### Detector: missing records",
                        "### Sink: PagerDuty",
                        "### Operations endpoint");
        // Secrets never show a default value; required keys say so.
        assertThat(md).contains("| `sink.webhook.url` | password | ");
        assertThat(md).contains("*required*");
    }

    @Test
    void theReferenceIsTheSameOnEveryMachine() {
        // A default under the temporary directory (streams.state.dir) is shown as such, not as this
        // machine's path.
        assertThat(ConfigurationReference.render())
                .contains("`${java.io.tmpdir}/sfpulse-streams`")
                .doesNotContain(System.getProperty("java.io.tmpdir") + "/sfpulse-streams")
                // and every validator describes itself (no lambda's class name and identity hash)
                .doesNotContain("$$Lambda")
                .doesNotContainPattern("@[0-9a-f]{6,}");
    }
}
