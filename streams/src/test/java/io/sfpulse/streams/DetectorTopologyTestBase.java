package io.sfpulse.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the detector topology tests share: a fresh {@link DetectionDriver} per test (its own state
 * directory and schema-registry scope), two hours of history before a deploy at {@link #DEPLOY}.
 */
abstract class DetectorTopologyTestBase {

    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static final Instant DEPLOY = T0.plus(Duration.ofHours(2));

    DetectionDriver driver;
    @TempDir Path stateDir;

    /** Settings the test's topology runs with besides the defaults. */
    Map<String, String> settings() {
        return Map.of();
    }

    @BeforeEach
    final void startDriver() {
        driver = new DetectionDriver(stateDir, getClass().getName(), settings());
    }

    @AfterEach
    final void closeDriver() {
        driver.close();
    }
}
