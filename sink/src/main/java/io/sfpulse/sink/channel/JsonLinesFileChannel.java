package io.sfpulse.sink.channel;

import io.sfpulse.schemas.alert.Alert;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends each alert state as one JSON line to a file (created with its directories), synced before success. */
public final class JsonLinesFileChannel implements AlertChannel {

    private final Path file;

    public JsonLinesFileChannel(final Path file) {
        this.file = file;
    }

    @Override
    public String name() {
        return "file";
    }

    @Override
    public synchronized DeliveryResult deliver(final Alert alert) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(
                    file,
                    AlertJson.toJson(alert) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.SYNC);
            return new DeliveryResult.Delivered(0);
        } catch (IOException e) {
            return new DeliveryResult.Retriable(
                    -1, "Cannot append to '" + file + "': " + e.getMessage(), null);
        }
    }
}
