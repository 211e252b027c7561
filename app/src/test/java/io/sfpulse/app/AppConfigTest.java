package io.sfpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {

    @TempDir Path dir;

    @Test
    void environmentOverridesFileKeys() throws Exception {
        final Path file = dir.resolve("sfpulse.properties");
        Files.writeString(
                file,
                "kafka.bootstrap.servers=file:9092\nsfpulse.topic.partitions=3\nsink.webhook.url=http://file\n");
        final AppConfig config =
                AppConfig.load(
                        file,
                        Map.of(
                                "SFPULSE_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                                "SFPULSE_DETECTOR_POST__DEPLOY__FAILURES_ALPHA", "0.001",
                                "SFPULSE_JAVA_OPTS", "-Xmx1g",
                                "HOME", "/root"));
        assertThat(config.getString(AppConfig.BOOTSTRAP_CONFIG)).isEqualTo("env:9092");
        assertThat(config.embeddedKafka()).isFalse();
        assertThat(config.partitions()).isEqualTo(3);
        assertThat(config.all())
                .containsEntry("detector.post-deploy-failures.alpha", "0.001")
                .containsEntry("sink.webhook.url", "http://file")
                .doesNotContainKey("java.opts")
                .doesNotContainKey("home");
    }

    @Test
    void unconfiguredPartsAreEmbedded() throws Exception {
        final AppConfig config = AppConfig.load(null, Map.of());
        assertThat(config.embeddedKafka()).isTrue();
        assertThat(config.embeddedRegistry()).isTrue();
        assertThat(config.emulatedOrg()).isTrue();
        assertThat(config.services()).containsExactlyInAnyOrder("ingest", "streams", "sink");
    }

    @Test
    void orgSettingsAreStrippedOfTheirPrefix() {
        final AppConfig config =
                new AppConfig(
                        Map.of(
                                "salesforce.orgs",
                                "acme,globex",
                                "org.acme.salesforce.login.url",
                                "https://acme.my.salesforce.com",
                                "org.globex.salesforce.channels",
                                "/event/A__e"));
        assertThat(config.orgs()).containsExactly("acme", "globex");
        assertThat(config.orgSettings("acme"))
                .containsExactly(
                        Map.entry("salesforce.login.url", "https://acme.my.salesforce.com"));
    }
}
