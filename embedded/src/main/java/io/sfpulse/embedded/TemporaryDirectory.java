package io.sfpulse.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.utils.Utils;

/**
 * A directory under the system's temporary folder that is deleted, with everything in it, when
 * closed: what benchmarks, replays and temporary brokers create, so nothing is left behind on the
 * machine (CI machines would fill their disk over time).
 */
public final class TemporaryDirectory implements AutoCloseable {

    private final Path path;

    private TemporaryDirectory(final Path path) {
        this.path = path;
    }

    /** Creates {@code <tmp>/<prefix><random>}. */
    public static TemporaryDirectory create(final String prefix) {
        try {
            return new TemporaryDirectory(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot create a temporary directory " + prefix + "*", e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public String toString() {
        return path.toString();
    }

    /** Deletes the directory and everything in it (already gone: nothing to do). */
    @Override
    public void close() {
        try {
            Utils.delete(path.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + path, e);
        }
    }
}
