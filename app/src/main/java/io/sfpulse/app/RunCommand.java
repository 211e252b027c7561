package io.sfpulse.app;

import io.sfpulse.emulator.scenario.ScenarioRunner;
import io.sfpulse.emulator.scenario.Scenarios;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sfpulse run}: the services until SIGTERM/Ctrl-C. With the emulated org, it plays the demo
 * scenario once for activity; the org's clock then keeps running at the scenario's pace.
 */
final class RunCommand {

    private final PrintStream out;

    RunCommand(final PrintStream out) {
        this.out = out;
    }

    int run(final Path configFile) throws Exception {
        final AppConfig config = AppConfig.load(configFile, System.getenv());
        final Pipeline pipeline = new Pipeline(config, m -> out.println("[sfpulse] " + m));
        final CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    out.println("[sfpulse] stopping");
                                    pipeline.close();
                                    stop.countDown();
                                },
                                "sfpulse-shutdown"));
        pipeline.start();
        out.println(
                "[sfpulse] running; alerts on topic sfpulse.streams.alerts.v1 and in "
                        + config.dataDir().resolve("alerts.jsonl")
                        + " (Ctrl-C to stop)");
        if (pipeline.emulator() != null && config.emulatedOrg()) {
            // After the scenario the emulated org's clock keeps running at its compressed pace (as
            // a real org's clock runs on):
            // its progress records resolve what the scenario raised without any further event.
            new ScenarioRunner(Duration.ofMillis(150), m -> out.println("[emulator] " + m))
                    .clockKeepsRunning()
                    .run(pipeline.emulator().org(), Scenarios.deployErrorBurst(42));
        }
        stop.await();
        return 0;
    }
}
