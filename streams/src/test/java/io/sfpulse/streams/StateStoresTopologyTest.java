package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.streams.detector.failures.PostDeployFailureDetector;
import io.sfpulse.streams.state.StateStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code streams.state.stores} chooses the store of every stateful operator: the same input gives
 * the same alert states whatever the kind, RocksDB stores are changelogged, in-memory ones are on
 * the heap, and unlogged ones (replays) produce no changelog record at all.
 */
class StateStoresTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final Instant DEPLOY = T0.plus(Duration.ofHours(2));

    @TempDir Path stateDir;

    @Test
    void rocksDbStoresArePersistentAndChangelogged() {
        try (DetectionDriver d = regression(StateStores.Kind.ROCKSDB)) {
            assertThat(d.storeNames())
                    .isNotEmpty()
                    .allSatisfy(name -> assertThat(d.store(name).persistent()).as(name).isTrue());
            assertThat(d.producedTopics()).anyMatch(t -> t.endsWith("-changelog"));
        }
    }

    @Test
    void inMemoryUnloggedStoresAreOnTheHeapAndWriteNoChangelogWithTheSameAlerts() {
        final List<String> persistent;
        try (DetectionDriver d = regression(StateStores.Kind.ROCKSDB)) {
            persistent = states(d.alerts(PostDeployFailureDetector.NAME));
        }
        try (DetectionDriver d = regression(StateStores.Kind.IN_MEMORY_UNLOGGED)) {
            final List<String> inMemory = states(d.alerts(PostDeployFailureDetector.NAME));
            assertThat(inMemory)
                    .isEqualTo(persistent)
                    .contains(
                            AlertStatus.TRIGGERED
                                    + " "
                                    + Fixtures.ORG
                                    + "|0Af000000000001AAA|post-deploy-failures|failures");
            assertThat(d.producedTopics()).isNotEmpty().noneMatch(t -> t.endsWith("-changelog"));
            // Kafka Streams has on-disk versioned stores only: the release history stays on disk,
            // unlogged.
            assertThat(d.storeNames())
                    .allSatisfy(
                            name -> {
                                final StateStore store = d.store(name);
                                assertThat(store.persistent())
                                        .as(name)
                                        .isEqualTo(name.equals(DetectionTopology.MARKERS_STORE));
                            });
        }
    }

    @Test
    void inMemoryStoresAreOnTheHeapAndChangelogged() {
        try (DetectionDriver d = regression(StateStores.Kind.IN_MEMORY)) {
            assertThat(d.store(DetectionTopology.ALERT_HISTORY_STORE).persistent()).isFalse();
            assertThat(d.producedTopics()).anyMatch(t -> t.endsWith("-changelog"));
        }
    }

    /** Two hours of baseline, a deploy, a burst of errors after it. */
    private DetectionDriver regression(final StateStores.Kind kind) {
        final DetectionDriver d =
                new DetectionDriver(
                        stateDir.resolve(kind.value()),
                        StateStoresTopologyTest.class.getName() + kind,
                        Map.of(DetectionConfig.STATE_STORES_CONFIG, kind.value()));
        for (int m = 0; m < 120; m++) {
            final Instant at = T0.plus(Duration.ofMinutes(m));
            d.pipe(m % 40 == 5 ? Fixtures.error(at) : Fixtures.info(at));
        }
        d.deploy(Fixtures.deploy("0Af000000000001AAA", DEPLOY, "ApexClass:InvoiceService"));
        for (int i = 0; i < 20; i++) {
            d.pipe(Fixtures.error(DEPLOY.plus(Duration.ofSeconds(30L * i + 60))));
        }
        return d;
    }

    private static List<String> states(final List<Alert> alerts) {
        return alerts.stream().map(a -> a.getStatus() + " " + a.getDedupKey()).toList();
    }
}
