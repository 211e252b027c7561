package io.sfpulse.app;

import io.sfpulse.emulator.scenario.ScenarioRunner;
import io.sfpulse.emulator.scenario.Scenarios;
import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.sink.SinkConfig;
import io.sfpulse.streams.DetectionConfig;
import io.sfpulse.streams.detector.absence.AbsenceDetector;
import io.sfpulse.streams.detector.newerrors.NewErrorTypeSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code sfpulse demo}: a scripted release on embedded parts, end to end, with the alerts printed. */
final class DemoCommand {

    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private final PrintStream out;

    DemoCommand(final PrintStream out) {
        this.out = out;
    }

    /** Default scenario of {@code sfpulse demo}. */
    static final String DEFAULT_SCENARIO = "deploy-error-burst";

    /** The detector whose alert a scenario is about (it must fire and resolve for the demo to pass); none: any alert. */
    private static final Map<String, String> REQUIRED_DETECTOR =
            Map.of("flow-stops", AbsenceDetector.NAME);

    int run(final CommandOptions options) throws Exception {
        final String name = options.values().getOrDefault("scenario", DEFAULT_SCENARIO);
        if (!Scenarios.BY_NAME.containsKey(name)) {
            throw new IllegalArgumentException(
                    "Unknown scenario '"
                            + name
                            + "'; scenarios: "
                            + new java.util.TreeSet<>(Scenarios.BY_NAME.keySet()));
        }
        return run(name, options.values().containsKey("keep-running"));
    }

    private int run(final String scenario, final boolean keepRunning) throws Exception {
        final CountDownLatch closed =
                new CountDownLatch(
                        1); // lets a Ctrl-C during --keep-running wait for the parts to close
        try {
            return run(scenario, keepRunning, closed);
        } finally {
            closed.countDown();
        }
    }

    private int run(final String scenario, final boolean keepRunning, final CountDownLatch closed)
            throws Exception {
        final long started = System.nanoTime();
        final Path dataDir = Files.createTempDirectory("sfpulse-demo-");
        try (WebhookReceiver webhook =
                new WebhookReceiver(
                        r ->
                                out.println(
                                        "[webhook] received "
                                                + status(r.body())
                                                + " (Standard Webhooks signature "
                                                + (r.signatureValid() ? "valid" : "INVALID")
                                                + ", idempotency key "
                                                + r.idempotencyKey()
                                                + ")"))) {
            final Map<String, String> props = new HashMap<>(demoSettings(dataDir, webhook));
            final Pipeline pipeline =
                    new Pipeline(new AppConfig(props), m -> out.println("[sfpulse] " + m));
            try (pipeline) {
                pipeline.start();
                out.println("[sfpulse] local webhook receiver: " + webhook.url());
                try (AlertWatcher watcher =
                        new AlertWatcher(
                                pipeline.bootstrapServers(), pipeline.registryUrl(), this::print)) {
                    new ScenarioRunner(Duration.ofMillis(120), m -> out.println("[emulator] " + m))
                            .run(
                                    pipeline.emulator().org(),
                                    Scenarios.BY_NAME.get(scenario).apply(42));
                    final boolean done =
                            awaitLifecycle(watcher, webhook, REQUIRED_DETECTOR.get(scenario));
                    out.printf(
                            "[sfpulse] %s in %d s; alert states also in %s%n",
                            done ? "demo complete" : "demo FAILED: no resolved alert",
                            Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                            dataDir.resolve("alerts.jsonl"));
                    if (keepRunning) {
                        keepRunning(pipeline, closed);
                    }
                    return done ? 0 : 1;
                }
            }
        }
    }

    /** Leaves every part running for a look around (page, metrics, topics) until Ctrl-C; then the caller closes them. */
    private void keepRunning(final Pipeline pipeline, final CountDownLatch closed)
            throws InterruptedException {
        final String ops =
                "http://127.0.0.1:"
                        + pipeline.ops().port(); // the demo binds the default ops.host, loopback
        out.println("[sfpulse] still running for a look around (Ctrl-C stops it):");
        out.println("[sfpulse]   release-health page  " + ops + "/");
        out.println("[sfpulse]   Prometheus metrics   " + ops + "/metrics");
        out.println(
                "[sfpulse]   Kafka                "
                        + pipeline.bootstrapServers()
                        + " (topics: docs/topics.md)");
        final CountDownLatch stop = new CountDownLatch(1);
        final Thread hook =
                new Thread(
                        () -> {
                            stop.countDown();
                            try {
                                closed.await(
                                        60,
                                        TimeUnit.SECONDS); // the JVM exits once the demo's parts
                                // are closed (or after a minute)
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "sfpulse-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        out.println("[sfpulse] stopping");
    }

    private static Map<String, String> demoSettings(
            final Path dataDir, final WebhookReceiver webhook) {
        final Map<String, String> p = new HashMap<>();
        p.put(AppConfig.DATA_DIR_CONFIG, dataDir.toString());
        p.put(SinkConfig.WEBHOOK_URL_CONFIG, webhook.url());
        p.put(SinkConfig.WEBHOOK_SECRET_CONFIG, webhook.secret());
        p.put(SinkConfig.LOG_ENABLED_CONFIG, "false");
        p.put(
                AppConfig.OPS_PORT_CONFIG,
                "0"); // a free port, printed at start: the demo must not fail on a busy 9464
        // Compressed time: markers may reach the topology a few virtual minutes after the deploy.
        p.put(
                DetectionConfig.JOIN_GRACE_MS_CONFIG,
                String.valueOf(Duration.ofMinutes(5).toMillis()));
        p.put(DetectionConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        // The scripted story ends 28 min after the burst: let a new error type resolve within it.
        p.put(
                NewErrorTypeSettings.QUIET_MS_CONFIG,
                String.valueOf(Duration.ofMinutes(15).toMillis()));
        return p;
    }

    private boolean awaitLifecycle(
            final AlertWatcher watcher,
            final WebhookReceiver webhook,
            final String requiredDetector)
            throws InterruptedException {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            final List<Alert> seen = watcher.seen();
            final Set<String> open = new java.util.HashSet<>();
            seen.forEach(
                    a -> {
                        if (a.getStatus() == AlertStatus.RESOLVED) {
                            open.remove(a.getDedupKey());
                        } else {
                            open.add(a.getDedupKey());
                        }
                    });
            final long delivered =
                    webhook.received().stream()
                            .filter(WebhookReceiver.Received::signatureValid)
                            .count();
            final boolean required =
                    requiredDetector == null
                            || seen.stream()
                                    .anyMatch(
                                            a ->
                                                    a.getDetector().equals(requiredDetector)
                                                            && a.getStatus()
                                                                    == AlertStatus.RESOLVED);
            // Done when every alert raised for the release has resolved (the scenario's own among
            // them) and every state reached the webhook.
            if (!seen.isEmpty() && required && open.isEmpty() && delivered >= seen.size()) {
                return true;
            }
            Thread.sleep(250); // waiting on external progress of the pipeline, checked by polling
        }
        return false;
    }

    private void print(final Alert a) {
        out.println();
        out.printf("=== ALERT %s [%s] %s%n", a.getStatus(), a.getSeverity(), a.getSummary());
        out.printf(
                "    dedupKey : %s%n    org      : %s%n    release  : %s%n    detector : %s%n    window   : %s .. %s%n",
                a.getDedupKey(),
                a.getOrgId(),
                a.getReleaseId(),
                a.getDetector(),
                a.getWindowStart(),
                a.getWindowEnd());
        out.println("    evidence :");
        new TreeMap<>(a.getEvidence()).forEach((k, v) -> out.printf("      %-20s %s%n", k, v));
        out.println();
    }

    private static String status(final String body) {
        for (final String s : List.of("TRIGGERED", "UPDATED", "RESOLVED")) {
            if (body.contains("\"status\":\"" + s + "\"")) {
                return s;
            }
        }
        return "?";
    }
}
