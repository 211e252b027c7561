package io.sfpulse.ingest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** One emulator, broker, registry and Connect worker per IT class; every connector is removed after each test. */
abstract class IngestITBase {

    protected static IngestHarness h;

    @BeforeAll
    static void startHarness() {
        h = new IngestHarness();
    }

    @AfterAll
    static void stopHarness() {
        h.close();
    }

    @AfterEach
    void removeConnectors() {
        h.resetConnect();
    }
}
