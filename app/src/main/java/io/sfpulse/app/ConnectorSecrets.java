package io.sfpulse.app;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.provider.FileConfigProvider;

/**
 * Keeps connector secrets out of Kafka Connect's REST API and its config topic, the way Connect
 * users do: every {@code PASSWORD}-typed value of a connector config is written to a properties
 * file readable only by this user, and the config handed to the worker holds a
 * {@code ${file:PATH:KEY}} placeholder that the worker's {@link FileConfigProvider} resolves when
 * it starts the connector and its tasks. Also keeps the token of the worker's REST API. Both
 * files live in the embedded worker's directory ({@code <data.dir>/connect}), owner-only.
 */
final class ConnectorSecrets {

    /** Name of the config provider as the worker config declares it. */
    static final String PROVIDER = "file";

    private final Path file;
    private final Path restTokenFile;
    private final Properties secrets = new Properties();

    /** @param dir the embedded worker's directory, {@code <data.dir>/connect} */
    ConnectorSecrets(final Path dir) {
        this.file = dir.resolve("secrets.properties");
        this.restTokenFile = dir.resolve("rest-token");
        // A restarted launcher keeps the secrets of every connector: tasks the worker restores from
        // its config topic read them
        // before (or while) this launcher puts the connectors again.
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                secrets.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read connector secrets from " + file, e);
            }
        }
    }

    Path restTokenFile() {
        return restTokenFile;
    }

    /** The configured token of the worker's REST API, else the one generated into {@link #restTokenFile()} on first start. */
    String restToken(final String configured) {
        if (configured != null && !configured.isEmpty()) {
            return configured;
        }
        try {
            if (!Files.exists(restTokenFile)) {
                final byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                writeOwnerOnly(restTokenFile, HexFormat.of().formatHex(random));
            }
            return Files.readString(restTokenFile).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot keep the Connect REST token in " + restTokenFile, e);
        }
    }

    /** The worker settings that enable the provider. */
    static Map<String, String> workerConfig() {
        return Map.of(
                "config.providers",
                PROVIDER,
                "config.providers." + PROVIDER + ".class",
                FileConfigProvider.class.getName());
    }

    /**
     * Moves the secrets of {@code config} (keys {@code definition} types as PASSWORD) to the file;
     * returns the config with placeholders in their place.
     */
    synchronized Map<String, String> externalise(
            final String connector, final Map<String, String> config, final ConfigDef definition) {
        final Map<String, String> out = new HashMap<>(config);
        definition.configKeys().values().stream()
                .filter(k -> k.type == ConfigDef.Type.PASSWORD)
                .forEach(
                        k -> {
                            final String value = config.get(k.name);
                            if (value != null && !value.isEmpty() && !value.startsWith("${")) {
                                final String key = connector + "." + k.name;
                                secrets.setProperty(key, value);
                                out.put(
                                        k.name,
                                        "${"
                                                + PROVIDER
                                                + ":"
                                                + file.toAbsolutePath()
                                                + ":"
                                                + key
                                                + "}");
                            }
                        });
        write();
        return out;
    }

    private void write() {
        final StringWriter text = new StringWriter();
        try {
            secrets.store(
                    text,
                    "sfpulse connector secrets (read by the Connect worker's FileConfigProvider)");
            writeOwnerOnly(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write connector secrets to " + file, e);
        }
    }

    /**
     * Writes {@code content} to a temporary file readable and writable by this user only (where the
     * file system has POSIX permissions) and moves it over {@code target} atomically: a reader (the
     * worker's config provider) sees the old file or the new one, never a truncated one.
     */
    private static void writeOwnerOnly(final Path target, final String content) throws IOException {
        final Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        final Path temp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the file keeps the directory's default permissions
            }
            Files.writeString(
                    temp, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(
                    temp,
                    target,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
