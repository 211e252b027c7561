package io.sfpulse.app.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One sfpulse service in its own JVM ({@code sfpulse run --config FILE}, the launcher's classpath),
 * its output appended to a log file; {@link #kill()} is {@code kill -9} (SIGKILL: no shutdown hook).
 */
public final class ServiceProcess {

    private final String name;
    private final Path config;
    private final Path log;
    private Process process;
    private int kills;

    public ServiceProcess(final String name, final Path config, final Path log) {
        this.name = name;
        this.config = config;
        this.log = log;
    }

    /**
     * A service whose settings are written to {@code <dir>/<name>.properties} and whose output goes
     * to {@code <dir>/<name>.log}; not started yet.
     */
    public static ServiceProcess configured(
            final String name, final Path dir, final Map<String, String> settings)
            throws IOException {
        final Path config = dir.resolve(name + ".properties");
        final Properties props = new Properties();
        props.putAll(settings);
        try (Writer w = Files.newBufferedWriter(config)) {
            props.store(w, "sfpulse " + name);
        }
        return new ServiceProcess(name, config, dir.resolve(name + ".log"));
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public void start() throws IOException {
        final ProcessBuilder pb =
                new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx768m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.sfpulse.app.Launcher",
                        "run",
                        "--verbose",
                        "--config",
                        config.toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** {@code kill -9}: SIGKILL, no shutdown hook runs; waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        kills++;
    }

    /** The exit status once the process is gone (137 after {@link #kill()}: 128 + SIGKILL), or -1 while it runs. */
    public int exitCode() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    /** SIGKILLs so far. */
    public int kills() {
        return kills;
    }

    /** A graceful stop (SIGTERM, then SIGKILL after 30 s). */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
