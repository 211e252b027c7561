package io.sfpulse.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TemporaryDirectoryTest {

    @Test
    void shouldDeleteTheDirectoryAndEverythingInItOnClose() throws Exception {
        final Path dir;
        try (TemporaryDirectory t = TemporaryDirectory.create("sfpulse-test-")) {
            dir = t.path();
            Files.writeString(Files.createDirectories(dir.resolve("a/b")).resolve("f.log"), "x");
            assertThat(dir.getFileName().toString()).startsWith("sfpulse-test-");
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void shouldAcceptADirectoryDeletedAlready() throws Exception {
        final TemporaryDirectory t = TemporaryDirectory.create("sfpulse-test-");
        Files.delete(t.path());
        t.close();
        assertThat(t.path()).doesNotExist();
    }
}
