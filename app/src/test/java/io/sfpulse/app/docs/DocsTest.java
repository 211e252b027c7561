package io.sfpulse.app.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.app.OneOrgPerKind;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.DetectionTopology;
import io.sfpulse.streams.detector.Detectors;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/topics.md} and {@code docs/detectors.md} say what the code does: every topic sfpulse
 * names is in the topic table, every configured detector has its section, and every evidence key a
 * detector writes on the labelled suite (one org per scenario kind) is explained in that section or
 * among the keys every detector may write.
 */
class DocsTest {

    private static final Path DOCS = Path.of("..", "docs");

    private static String read(final String name) throws IOException {
        return Files.readString(DOCS.resolve(name), StandardCharsets.UTF_8);
    }

    @Test
    void topicsDocumentNamesEveryTopicAndEveryDefaultInput()
            throws IOException, IllegalAccessException {
        final String md = read("topics.md");
        for (final Field f : TopicNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers())
                    && f.getType() == String.class
                    && !f.getName().equals("INGEST_PREFIX")) {
                assertThat(md).as(f.getName()).contains("`" + f.get(null) + "`");
            }
        }
        for (final String topic :
                DetectionTopology.eventTopics(
                        new DetectionConfig(
                                Map.of(
                                        "schema.registry.url",
                                        "mock://docs",
                                        "kafka.bootstrap.servers",
                                        "unused:9092")))) {
            assertThat(md).as("default input " + topic).contains("`" + topic + "`");
        }
    }

    @Test
    void detectorsDocumentHasASectionPerDetectorWithEveryEvidenceKeyItWrites() throws IOException {
        final String md = read("detectors.md");
        final Map<String, String> sections = new TreeMap<>();
        for (final Detectors.Registration r : Detectors.ALL) {
            final String heading = "\n## `" + r.name() + "`";
            assertThat(md).as("section of " + r.name()).contains(heading);
            final int start = md.indexOf(heading);
            final int end = md.indexOf("\n## ", start + heading.length());
            sections.put(r.name(), md.substring(start, end < 0 ? md.length() : end));
        }
        // Keys every detector may write are explained once, before the first detector's section.
        final String common = md.substring(0, md.indexOf("\n## `"));
        final Map<String, Set<String>> written = new TreeMap<>();
        for (final Alert a : OneOrgPerKind.run().result().raised()) {
            written.computeIfAbsent(a.getDetector(), d -> new TreeSet<>())
                    .addAll(a.getEvidence().keySet());
        }
        assertThat(written.keySet()).as("detectors that alerted on the suite").isNotEmpty();
        final Map<String, Set<String>> missing = new TreeMap<>();
        written.forEach(
                (detector, keys) -> {
                    assertThat(sections).as("a section for " + detector).containsKey(detector);
                    final String section = sections.get(detector);
                    keys.stream()
                            .filter(
                                    k ->
                                            !section.contains("`" + k + "`")
                                                    && !common.contains("`" + k + "`"))
                            .forEach(
                                    k ->
                                            missing.computeIfAbsent(detector, d -> new TreeSet<>())
                                                    .add(k));
                });
        assertThat(missing)
                .as(
                        "evidence keys written on the suite but not explained in docs/detectors.md, per detector")
                .isEmpty();
    }

    @Test
    void detectorsDocumentListsTheDetectorsInTopologyOrder() throws IOException {
        final String md = read("detectors.md");
        final int[] at =
                Detectors.ALL.stream()
                        .mapToInt(r -> md.indexOf("\n## `" + r.name() + "`"))
                        .toArray();
        assertThat(Arrays.stream(at).boxed().toList()).isSorted();
    }
}
