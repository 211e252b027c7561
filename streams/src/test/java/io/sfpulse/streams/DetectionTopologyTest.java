package io.sfpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.registry.MockSchemaRegistryClient;
import io.sfpulse.schemas.serde.SfpulseSerdes;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.topic.TopicNames;
import io.sfpulse.schemas.topic.Topics;
import io.sfpulse.streams.normalize.SignalNormalizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DetectionTopologyTest {

    private static final String SCOPE = DetectionTopologyTest.class.getName();
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final Instant DEPLOY = T0.plus(Duration.ofHours(2));

    private TopologyTestDriver driver;
    private TestInputTopic<String, SalesforceEvent> events;
    private TestInputTopic<String, DeploymentMarker> markers;
    private TestInputTopic<String, SalesforceEvent> api;
    private TestInputTopic<String, SalesforceEvent> cdc;
    private TestOutputTopic<String, Alert> alerts;
    private TestOutputTopic<String, Signal> enriched;
    private TestInputTopic<String, io.sfpulse.schemas.progress.SourceProgress> progress;
    private Topology topology;
    @org.junit.jupiter.api.io.TempDir Path stateDir;

    @BeforeEach
    void setUp() {
        startDriver(Duration.ZERO);
    }

    private void startDriver(final Duration joinGrace) {
        final DetectionConfig config =
                new DetectionConfig(
                        Map.of(
                                DetectionConfig.BOOTSTRAP_SERVERS_CONFIG,
                                "unused:9092",
                                "schema.registry.url",
                                "mock://" + SCOPE,
                                DetectionConfig.JOIN_GRACE_MS_CONFIG,
                                String.valueOf(joinGrace.toMillis())));
        final Topics topics = Topics.create(new SfpulseSerdes(config.serdeConfig()));
        topology = DetectionTopology.build(config, topics);
        final java.util.Properties props = config.streamsProperties();
        // The driver is synchronous: no partition ever "fills up", so don't idle-wait for empty
        // inputs.
        props.put(org.apache.kafka.streams.StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        props.put(org.apache.kafka.streams.StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props);
        events =
                driver.createInputTopic(
                        TopicNames.forChannel(Fixtures.LOG_CHANNEL),
                        new StringSerializer(),
                        topics.channel(Fixtures.LOG_CHANNEL).valueSerde().serializer());
        api =
                driver.createInputTopic(
                        TopicNames.forChannel(Fixtures.API_CHANNEL),
                        new StringSerializer(),
                        topics.channel(Fixtures.API_CHANNEL).valueSerde().serializer());
        cdc =
                driver.createInputTopic(
                        TopicNames.forChannel(Fixtures.CDC_CHANNEL),
                        new StringSerializer(),
                        topics.channel(Fixtures.CDC_CHANNEL).valueSerde().serializer());
        progress =
                driver.createInputTopic(
                        TopicNames.SOURCE_PROGRESS,
                        new StringSerializer(),
                        topics.sourceProgress().valueSerde().serializer());
        markers =
                driver.createInputTopic(
                        TopicNames.DEPLOYMENT_MARKERS,
                        new StringSerializer(),
                        topics.deploymentMarkers().valueSerde().serializer());
        alerts =
                driver.createOutputTopic(
                        TopicNames.ALERTS,
                        new StringDeserializer(),
                        topics.alerts().valueSerde().deserializer());
        enriched =
                driver.createOutputTopic(
                        TopicNames.SIGNALS_ENRICHED,
                        new StringDeserializer(),
                        topics.serdes().valueSerde(Signal.class).deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    /** Quiet baseline: an INFO entry every minute and an error every 40 minutes for two hours. */
    private void baseline() {
        for (int m = 0; m < 120; m++) {
            final Instant at = T0.plus(Duration.ofMinutes(m));
            pipe(m % 40 == 5 ? Fixtures.error(at) : Fixtures.info(at));
        }
    }

    private void pipe(final SalesforceEvent e) {
        events.pipeInput(e.getOrgId(), e, e.getEventTime());
    }

    private void deploy(final String id) {
        deploy(id, "ApexClass:InvoiceService", "Flow:Invoice_Flow");
    }

    private void deploy(final String id, final String... components) {
        markers.pipeInput(Fixtures.ORG, Fixtures.deploy(id, DEPLOY, components), DEPLOY);
    }

    @Test
    void shouldTriggerWithEvidenceWhenErrorsBurstAfterDeploy() {
        baseline();
        deploy("0Af000000000001AAA");
        for (int i = 0; i < 20; i++) {
            pipe(Fixtures.error(DEPLOY.plus(Duration.ofSeconds(30L * i + 60))));
        }
        final List<Alert> out = alerts.readValuesToList();
        assertThat(out).isNotEmpty();
        final Alert first = out.get(0);
        assertThat(first.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(first.getDedupKey())
                .isEqualTo(Fixtures.ORG + "|0Af000000000001AAA|post-deploy-failures|failures");
        assertThat(first.getReleaseId()).isEqualTo("0Af000000000001AAA");
        assertThat(first.getEvidence())
                .containsKeys(
                        "pValue",
                        "baselineCount",
                        "currentCount",
                        "rateRatio",
                        "baselineWindow",
                        "currentWindow")
                .containsEntry("baselineCount", "3")
                .containsEntry("suspectComponents", "ApexClass:InvoiceService")
                .containsEntry("deployId", "0Af000000000001AAA");
        assertThat(Double.parseDouble(first.getEvidence().get("pValue"))).isLessThan(0.01);
        assertThat(first.getEvidence().get("topSignatures"))
                .startsWith(
                        "System.NullPointerException: Attempt to de-reference a null object on <id>");
        assertThat(out).extracting(Alert::getStatus).doesNotContain(AlertStatus.RESOLVED);
        assertThat(out.stream().filter(a -> a.getStatus() == AlertStatus.TRIGGERED)).hasSize(1);
        assertThat(out).extracting(Alert::getDetector).containsOnly("post-deploy-failures");
    }

    @Test
    void shouldStayQuietOnCleanDeploy() {
        baseline();
        deploy("0Af000000000002AAA");
        for (int m = 0; m < 60; m++) {
            final Instant at = DEPLOY.plus(Duration.ofMinutes(m));
            pipe(m % 40 == 5 ? Fixtures.error(at) : Fixtures.info(at));
        }
        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    void shouldResolveWhenErrorsStop() {
        baseline();
        deploy("0Af000000000003AAA");
        for (int i = 0; i < 20; i++) {
            pipe(Fixtures.error(DEPLOY.plus(Duration.ofSeconds(30L * i + 60))));
        }
        // Errors stop; the org keeps logging INFO, so stream time moves on.
        for (int m = 12; m < 40; m++) {
            pipe(Fixtures.info(DEPLOY.plus(Duration.ofMinutes(m))));
        }
        final List<Alert> out = alerts.readValuesToList();
        assertThat(out)
                .extracting(Alert::getStatus)
                .startsWith(AlertStatus.TRIGGERED)
                .endsWith(AlertStatus.RESOLVED);
        assertThat(out).extracting(Alert::getDedupKey).containsOnly(out.get(0).getDedupKey());
        assertThat(out.get(out.size() - 1).getSequence()).isGreaterThan(0);
    }

    @Test
    void shouldUpdateWhileTheBurstGrowsAndOpenANewIncidentWhenTheRegressionReturnsAfterResolving() {
        baseline();
        deploy("0Af000000000031AAA");
        for (int i = 0; i < 24; i++) {
            pipe(Fixtures.error(DEPLOY.plus(Duration.ofSeconds(30L * i + 60))));
        }
        for (int m = 13; m < 35; m++) {
            pipe(Fixtures.info(DEPLOY.plus(Duration.ofMinutes(m))));
        }
        final List<Alert> first = alerts.readValuesToList();
        assertThat(first)
                .extracting(Alert::getStatus)
                .containsExactly(AlertStatus.TRIGGERED, AlertStatus.UPDATED, AlertStatus.RESOLVED);
        final String resolvedKey = first.get(0).getDedupKey();
        assertThat(first).extracting(Alert::getDedupKey).containsOnly(resolvedKey);
        assertThat(first).extracting(Alert::getSequence).containsExactly(0, 1, 2);

        // The same regression comes back 35 minutes after the deploy, inside its 60-minute window.
        for (int i = 0; i < 20; i++) {
            pipe(Fixtures.error(DEPLOY.plus(Duration.ofMinutes(35)).plusSeconds(30L * i)));
        }
        final List<Alert> again = alerts.readValuesToList();
        assertThat(again).isNotEmpty();
        final Alert reopened = again.get(0);
        assertThat(reopened.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(reopened.getDedupKey()).isEqualTo(resolvedKey + "|episode-2");
        assertThat(reopened.getSequence()).isZero();
        assertThat(reopened.getSummary()).startsWith("Regressed again: Failures up");
        assertThat(reopened.getEvidence())
                .containsEntry("episode", "2")
                .containsEntry("regressedAgainAfter", resolvedKey)
                .containsEntry("episodeStart", first.get(2).getEventTime().toString());
        // Judged on the span since the resolution, not on the first burst.
        assertThat(reopened.getEvidence().get("currentWindow"))
                .startsWith(first.get(2).getEventTime().toString());
    }

    @Test
    void shouldCountARedeliveredEventOnceAndCountTheDuplicatesDropped() {
        baseline();
        final SalesforceEvent error = Fixtures.error(T0.plus(Duration.ofMinutes(200)));
        pipe(error);
        pipe(error); // redelivered after a reconnect: same EventUuid
        // Without an EventUuid the channel and replay id identify the event.
        final SalesforceEvent noUuid =
                SalesforceEvent.newBuilder(Fixtures.info(T0.plus(Duration.ofMinutes(201))))
                        .setEventUuid(null)
                        .setReplayId(4242L)
                        .build();
        pipe(noUuid);
        pipe(SalesforceEvent.newBuilder(noUuid).build());
        // A different event at the same instant is not a duplicate.
        pipe(Fixtures.error(T0.plus(Duration.ofMinutes(200))));
        final List<Signal> signals =
                enriched.readValuesToList().stream()
                        .filter(sig -> !SignalNormalizer.isDeliveryLag(sig))
                        .toList();
        assertThat(signals).hasSize(120 + 3);
        assertThat(signals.stream().filter(sig -> error.getEventUuid().equals(sig.getEventUuid())))
                .hasSize(1);
        final double dropped =
                driver.metrics().entrySet().stream()
                        .filter(e -> e.getKey().name().equals("duplicates-dropped-total"))
                        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                        .sum();
        assertThat(dropped).isEqualTo(2.0);
        // Bounded: ids older than the dedupe window (1 h of stream time) are purged as stream time
        // passes - the
        // baseline's 120 are gone already, the last three (200-201 min) remain until stream time is
        // past them too.
        final org.apache.kafka.streams.state.KeyValueStore<
                        org.apache.kafka.common.utils.Bytes, String>
                ids = driver.getKeyValueStore(io.sfpulse.streams.dedupe.EventDeduplicator.STORE);
        assertThat(count(ids)).isEqualTo(3);
        pipe(Fixtures.info(T0.plus(Duration.ofMinutes(400))));
        assertThat(count(ids)).isEqualTo(1);
    }

    private static long count(final org.apache.kafka.streams.state.KeyValueStore<?, ?> store) {
        long n = 0;
        try (org.apache.kafka.streams.state.KeyValueIterator<?, ?> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private void marker(final DeploymentMarker m) {
        markers.pipeInput(Fixtures.ORG, m, m.getCompletedTime());
    }

    private static DeploymentMarker ciMarker(
            final String id,
            final Instant at,
            final String label,
            final String commit,
            final String... components) {
        return DeploymentMarker.newBuilder(Fixtures.deploy(id, at, components))
                .setSource(io.sfpulse.schemas.deploy.MarkerSource.MARKER_API)
                .setLabel(label)
                .setCommit(commit)
                .setCreatedBy("ci")
                .build();
    }

    private Signal signalAt(final Instant at) {
        pipe(Fixtures.error(at));
        final List<Signal> out = enriched.readValuesToList();
        return out.get(out.size() - 1);
    }

    @Test
    void shouldNeverMakeAFailedCanceledOrCheckOnlyDeployTheLiveRelease() {
        baseline();
        deploy("0Af000000000041AAA");
        marker(
                DeploymentMarker.newBuilder(
                                Fixtures.deploy(
                                        "0Af000000000042AAA", DEPLOY.plus(Duration.ofMinutes(5))))
                        .setStatus("Failed")
                        .build());
        marker(
                DeploymentMarker.newBuilder(
                                Fixtures.deploy(
                                        "0Af000000000043AAA", DEPLOY.plus(Duration.ofMinutes(6))))
                        .setStatus("Canceled")
                        .build());
        marker(
                DeploymentMarker.newBuilder(
                                Fixtures.deploy(
                                        "0Af000000000044AAA", DEPLOY.plus(Duration.ofMinutes(7))))
                        .setCheckOnly(true)
                        .build());
        assertThat(signalAt(DEPLOY.plus(Duration.ofMinutes(10))).getReleaseId())
                .isEqualTo("0Af000000000041AAA");
        // The attempts are kept with their outcome.
        final org.apache.kafka.streams.state.KeyValueStore<String, DeploymentMarker> byId =
                driver.getKeyValueStore(DetectionTopology.MARKERS_BY_ID_STORE);
        assertThat(byId.get(Fixtures.ORG + "|0Af000000000042AAA").getStatus()).isEqualTo("Failed");
        assertThat(byId.get(Fixtures.ORG + "|0Af000000000044AAA").getCheckOnly()).isTrue();
    }

    @Test
    void shouldMergeACiMarkerWithTheDeployRequestItDescribesWhicheverComesFirst() {
        baseline();
        // CI announces first (30 s after the deploy completed, no components); the DeployRequest
        // poller follows.
        marker(ciMarker("ci-1", DEPLOY.plusSeconds(30), "v3.1.0", "a1b2c3d"));
        deploy("0Af000000000051AAA");
        final Signal afterFirst = signalAt(DEPLOY.plus(Duration.ofMinutes(5)));
        assertThat(afterFirst.getReleaseId()).isEqualTo("0Af000000000051AAA");
        assertThat(afterFirst.getReleaseLabel()).isEqualTo("v3.1.0");
        assertThat(afterFirst.getReleaseCommit()).isEqualTo("a1b2c3d");
        assertThat(afterFirst.getReleaseComponents()).contains("ApexClass:InvoiceService");
        // Next release: the DeployRequest first, then a CI marker naming its id.
        final Instant second = DEPLOY.plus(Duration.ofHours(1));
        markers.pipeInput(
                Fixtures.ORG,
                Fixtures.deploy("0Af000000000052AAA", second, "ApexClass:InvoiceService"),
                second);
        marker(
                ciMarker(
                        "0Af000000000052AAA",
                        second.plus(Duration.ofMinutes(40)),
                        "v3.2.0",
                        "e4f5a6b"));
        final Signal afterSecond = signalAt(second.plus(Duration.ofMinutes(45)));
        assertThat(afterSecond.getReleaseId()).isEqualTo("0Af000000000052AAA");
        assertThat(afterSecond.getReleaseLabel()).isEqualTo("v3.2.0");
        assertThat(afterSecond.getReleaseCompletedTime()).isEqualTo(second);
        // A CI marker for other components, far from any deploy, is its own release.
        final Instant third = DEPLOY.plus(Duration.ofHours(3));
        marker(ciMarker("ci-3", third, "v3.3.0", "0c0c0c0", "Flow:Other"));
        assertThat(signalAt(third.plus(Duration.ofMinutes(1))).getReleaseId()).isEqualTo("ci-3");
    }

    @Test
    void shouldAttributeLateRowsToTheReleaseLiveAtTheirEventTimeAfterANewerDeploy() {
        baseline();
        deploy("0Af000000000061AAA");
        final Instant newer = DEPLOY.plus(Duration.ofHours(2));
        markers.pipeInput(Fixtures.ORG, Fixtures.deploy("0Af000000000062AAA", newer), newer);
        pipe(Fixtures.info(newer.plus(Duration.ofHours(1))));
        enriched.readValuesToList();
        // An EventLogFile row from an hour after the first deploy arrives hours late, after the
        // newer deploy.
        final Signal late = signalAt(DEPLOY.plus(Duration.ofHours(1)));
        assertThat(late.getEventTime()).isEqualTo(DEPLOY.plus(Duration.ofHours(1)));
        assertThat(late.getReleaseId()).isEqualTo("0Af000000000061AAA");
        assertThat(signalAt(newer.plus(Duration.ofMinutes(90))).getReleaseId())
                .isEqualTo("0Af000000000062AAA");
    }

    private void progressAt(final Instant through) {
        progress.pipeInput(
                Fixtures.ORG,
                io.sfpulse.schemas.progress.SourceProgress.newBuilder()
                        .setOrgId(Fixtures.ORG)
                        .setSource(Fixtures.LOG_CHANNEL)
                        .setTransport(io.sfpulse.schemas.progress.ProgressTransport.COMETD)
                        .setDeliveredThrough(through)
                        .setEmittedTime(through)
                        .build(),
                through);
    }

    @Test
    void shouldReleaseHeldSignalsAndResolveOnProgressAloneWhenTheOrgGoesQuiet() {
        driver.close();
        startDriver(Duration.ofMinutes(1));
        baseline();
        deploy("0Af000000000071AAA");
        for (int i = 0; i < 20; i++) {
            pipe(Fixtures.error(DEPLOY.plus(Duration.ofSeconds(30L * i + 60))));
        }
        // The org goes silent: no event at all, only the ingest saying the channel delivered
        // everything up to t.
        for (int m = 12; m <= 40; m++) {
            progressAt(DEPLOY.plus(Duration.ofMinutes(m)));
        }
        final List<Alert> out = alerts.readValuesToList();
        assertThat(out)
                .extracting(Alert::getStatus)
                .startsWith(AlertStatus.TRIGGERED)
                .endsWith(AlertStatus.RESOLVED);
        final List<Signal> signals = enriched.readValuesToList();
        // Every held error came out of the grace buffer; no progress record became an enriched
        // signal.
        assertThat(
                        signals.stream()
                                .filter(
                                        sig ->
                                                sig.getKind()
                                                                == io.sfpulse.schemas.signal
                                                                        .SignalKind.FAILURE
                                                        && "0Af000000000071AAA"
                                                                .equals(sig.getReleaseId())))
                .hasSize(20);
        assertThat(signals).noneMatch(sig -> sig.getChannel().startsWith("progress:"));
        final org.apache.kafka.streams.state.KeyValueStore<String, Long> sources =
                driver.getKeyValueStore(DetectionTopology.SOURCE_PROGRESS_STORE);
        assertThat(sources.get(Fixtures.ORG + "|" + Fixtures.LOG_CHANNEL))
                .isEqualTo(DEPLOY.plus(Duration.ofMinutes(40)).toEpochMilli());
    }

    private void apiCalls(final Instant from, final int minutes, final int perMinute) {
        for (int m = 0; m < minutes; m++) {
            for (int i = 0; i < perMinute; i++) {
                final SalesforceEvent e =
                        Fixtures.apiQuery(
                                from.plus(Duration.ofMinutes(m)).plusSeconds(i * 60L / perMinute),
                                100);
                api.pipeInput(e.getOrgId(), e, e.getEventTime());
            }
        }
    }

    /** Errors every {@code everySeconds} in [from, from + minutes), at {@code location}. */
    private void errors(
            final Instant from,
            final int minutes,
            final int everySeconds,
            final String type,
            final String location) {
        for (long s = 0; s < minutes * 60L; s += everySeconds) {
            pipe(
                    Fixtures.logEntry(
                            from.plusSeconds(s),
                            "ERROR",
                            type,
                            "failed",
                            location + ": line 1, column 1"));
        }
    }

    private List<Alert> trafficRamp(final boolean executionsReported) {
        final Instant start = DEPLOY.minus(Duration.ofHours(2));
        if (executionsReported) {
            apiCalls(start, 120, 5);
        }
        errors(start, 120, 300, "System.CalloutException", "Class.ErpClient.send");
        deploy("0Af000000000081AAA");
        // Three times the traffic after the deploy: three times the calls, three times the errors.
        if (executionsReported) {
            apiCalls(DEPLOY, 60, 15);
        }
        errors(DEPLOY, 60, 100, "System.CalloutException", "Class.ErpClient.send");
        return alerts.readValuesToList().stream()
                .filter(a -> a.getDetector().equals("post-deploy-failures"))
                .toList();
    }

    @Test
    void shouldJudgeFailuresPerExecutionSoATrafficRampIsNoRegression() {
        assertThat(trafficRamp(true)).isEmpty();
    }

    @Test
    void shouldFlagTheSameRampPerHourWhereTheOrgReportsNoExecutions() {
        // The control: without executions the same failures are judged per hour, and tripled
        // failures are a regression.
        assertThat(trafficRamp(false)).extracting(Alert::getStatus).contains(AlertStatus.TRIGGERED);
    }

    @Test
    void shouldFindARegressionConfinedToOneComponentAmongNoisyOthersAndNameIt() {
        final Instant start = DEPLOY.minus(Duration.ofHours(2));
        apiCalls(start, 180, 4);
        // Noisy others: two components failing every 20 s all along.
        errors(start, 180, 20, "System.CalloutException", "Class.ErpClient.send");
        errors(start.plusSeconds(10), 180, 20, "System.DmlException", "Class.OrderSync.push");
        deploy("0Af000000000091AAA");
        // The regression: InvoiceService, silent before, fails every 2 minutes after the deploy.
        errors(
                DEPLOY.plusSeconds(30),
                60,
                120,
                "System.NullPointerException",
                "Class.InvoiceService.calculate");
        final List<Alert> out =
                alerts.readValuesToList().stream()
                        .filter(a -> a.getDetector().equals("post-deploy-failures"))
                        .toList();
        assertThat(out).isNotEmpty();
        final Alert first = out.get(0);
        assertThat(first.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(first.getSubject()).isEqualTo("failures in Class.InvoiceService");
        assertThat(first.getDedupKey())
                .startsWith(Fixtures.ORG + "|0Af000000000091AAA|post-deploy-failures|component-");
        assertThat(first.getEvidence())
                .containsEntry("component", "Class.InvoiceService")
                .containsEntry("suspectComponents", "ApexClass:InvoiceService")
                .containsKey("testsSharingAlpha")
                .containsEntry("test", "Fisher's exact test (one-sided) of failures per execution");
        assertThat(out).noneMatch(a -> a.getSubject().equals("failures"));
        // State per series: each component's failures and alerts under its own key, beside the
        // org-wide state.
        assertThat(storeKeys("post-deploy-failures-components-store"))
                .containsExactlyInAnyOrder(
                        seriesKey("Class.ErpClient"),
                        seriesKey("Class.OrderSync"),
                        seriesKey("Class.InvoiceService"));
        assertThat(storeKeys("post-deploy-failures-store")).containsExactly(Fixtures.ORG);
    }

    private List<String> storeKeys(final String store) {
        final List<String> keys = new java.util.ArrayList<>();
        driver.<String, Object>getKeyValueStore(store)
                .all()
                .forEachRemaining(kv -> keys.add(kv.key));
        return keys;
    }

    private static String seriesKey(final String series) {
        return Fixtures.ORG
                + io.sfpulse.streams.detector.DetectorProcessor.SERIES_SEPARATOR
                + series;
    }

    @Test
    void shouldAttributeSignalsToReleaseLiveAtEventTime() {
        baseline();
        deploy("0Af000000000004AAA");
        pipe(Fixtures.error(DEPLOY.plus(Duration.ofMinutes(3))));
        final List<Signal> signals = enriched.readValuesToList();
        final Signal before = signals.get(0);
        final Signal after = signals.get(signals.size() - 1);
        assertThat(before.getReleaseId()).isNull();
        assertThat(after.getReleaseId()).isEqualTo("0Af000000000004AAA");
        assertThat(after.getMinutesSinceDeploy()).isEqualTo(3.0);
        assertThat(after.getReleaseComponents()).contains("ApexClass:InvoiceService");
    }

    @Test
    void shouldHoldSignalsForTheGraceSoALateMarkerStillClaimsThem() {
        driver.close();
        startDriver(Duration.ofMinutes(5));
        baseline();
        final List<String> afterDeploy = new java.util.ArrayList<>();
        for (int m = 1; m <= 3; m++) {
            final SalesforceEvent e = Fixtures.info(DEPLOY.plus(Duration.ofMinutes(m)));
            afterDeploy.add(e.getEventUuid());
            pipe(e);
        }
        // The marker is produced after the signals it covers, within the grace.
        deploy("0Af000000000005AAA");
        final List<Signal> held = enriched.readValuesToList();
        assertThat(held).extracting(Signal::getEventUuid).doesNotContainAnyElementsOf(afterDeploy);
        assertThat(held).allMatch(sig -> sig.getReleaseId() == null);
        // Stream time moves past the grace: the held signals come out, attributed, in event-time
        // order.
        pipe(Fixtures.info(DEPLOY.plus(Duration.ofMinutes(10))));
        final List<Signal> released = enriched.readValuesToList();
        assertThat(released).extracting(Signal::getEventUuid).containsSubsequence(afterDeploy);
        assertThat(released)
                .filteredOn(sig -> afterDeploy.contains(sig.getEventUuid()))
                .allMatch(sig -> "0Af000000000005AAA".equals(sig.getReleaseId()));
        assertThat(released).extracting(Signal::getEventTime).isSorted();
    }

    @Test
    void shouldReleaseOutOfOrderSignalsWithinTheGraceOnceEachInEventTimeOrder() {
        driver.close();
        startDriver(Duration.ofMinutes(5));
        // Arrival order 1, 4, 2, 6, 3, 8, 5 (minutes): every one is within the grace of stream time
        // when it arrives.
        final int[] minutes = {1, 4, 2, 6, 3, 8, 5};
        final List<String> uuids = new java.util.ArrayList<>();
        for (final int m : minutes) {
            final SalesforceEvent e = Fixtures.info(T0.plus(Duration.ofMinutes(m)));
            uuids.add(e.getEventUuid());
            pipe(e);
        }
        // Stream time reaches 8 min: signals at or before 3 min have passed the 5-minute grace.
        assertThat(
                        enriched.readValuesToList().stream()
                                .filter(sig -> !SignalNormalizer.isDeliveryLag(sig)))
                .extracting(Signal::getEventTime)
                .containsExactly(
                        T0.plus(Duration.ofMinutes(1)),
                        T0.plus(Duration.ofMinutes(2)),
                        T0.plus(Duration.ofMinutes(3)));
        pipe(Fixtures.info(T0.plus(Duration.ofMinutes(30))));
        final List<Signal> rest =
                enriched.readValuesToList().stream()
                        .filter(sig -> !SignalNormalizer.isDeliveryLag(sig))
                        .toList();
        assertThat(rest)
                .extracting(Signal::getEventTime)
                .containsExactly(
                        T0.plus(Duration.ofMinutes(4)),
                        T0.plus(Duration.ofMinutes(5)),
                        T0.plus(Duration.ofMinutes(6)),
                        T0.plus(Duration.ofMinutes(8)));
        assertThat(rest).extracting(Signal::getEventUuid).doesNotHaveDuplicates();
    }

    private static SalesforceEvent newError(final Instant at) {
        return Fixtures.logEntry(
                at,
                "ERROR",
                "System.QueryException",
                "List has no rows for assignment to SObject",
                "Class.InvoiceService.loadTerms: line 77, column 1");
    }

    @Test
    void shouldFlagErrorSignatureNeverSeenBeforeTheDeployAndResolveWhenQuiet() {
        baseline();
        deploy("0Af000000000005AAA");
        for (int i = 0; i < 4; i++) {
            pipe(newError(DEPLOY.plus(Duration.ofMinutes(3 + i))));
        }
        // Nothing new for 40 minutes of event time.
        for (int m = 8; m < 50; m++) {
            pipe(Fixtures.info(DEPLOY.plus(Duration.ofMinutes(m))));
        }
        final List<Alert> out =
                alerts.readValuesToList().stream()
                        .filter(a -> a.getDetector().equals("new-error-types"))
                        .toList();
        assertThat(out)
                .extracting(Alert::getStatus)
                .containsExactly(AlertStatus.TRIGGERED, AlertStatus.RESOLVED);
        final Alert first = out.get(0);
        assertThat(first.getSubject())
                .isEqualTo("System.QueryException: List has no rows for assignment to SObject");
        assertThat(first.getDedupKey())
                .startsWith(Fixtures.ORG + "|0Af000000000005AAA|new-error-types|");
        assertThat(first.getEvidence())
                .containsEntry("countSinceDeploy", "3")
                .containsEntry("minutesAfterDeploy", "3")
                .containsEntry("suspectComponents", "ApexClass:InvoiceService")
                .containsEntry("location", "Class.InvoiceService.loadTerms");
        // State per (org, signature): the new signature and the baseline's known one, each under
        // its own key.
        assertThat(storeKeys("new-error-types-store"))
                .contains(
                        seriesKey(
                                "System.QueryException: List has no rows for assignment to SObject"))
                .allMatch(k -> k.startsWith(seriesKey("System.")));
    }

    @Test
    void shouldNotCallKnownSignaturesNew() {
        baseline(); // includes the NullPointerException signature
        deploy("0Af000000000006AAA");
        for (int i = 0; i < 6; i++) {
            pipe(Fixtures.error(DEPLOY.plus(Duration.ofMinutes(20 + i * 5))));
        }
        assertThat(alerts.readValuesToList())
                .noneMatch(a -> a.getDetector().equals("new-error-types"));
    }

    /** Two hours of queries around 200 ms (sd 20), then a deploy; {@code after} gives the post-deploy latency of sample i. */
    private void latencyScenario(
            final String deployId,
            final java.util.function.IntToDoubleFunction after,
            final int samplesAfter) {
        final java.util.Random random = new java.util.Random(42);
        for (int m = 0; m < 120; m++) {
            for (int k = 0; k < 2; k++) {
                final SalesforceEvent e =
                        Fixtures.apiQuery(
                                T0.plus(Duration.ofMinutes(m)).plusSeconds(k * 30L),
                                200 + 20 * random.nextGaussian());
                api.pipeInput(e.getOrgId(), e, e.getEventTime());
            }
        }
        deploy(deployId);
        for (int i = 0; i < samplesAfter; i++) {
            final SalesforceEvent e =
                    Fixtures.apiQuery(DEPLOY.plusSeconds(30L + 30L * i), after.applyAsDouble(i));
            api.pipeInput(e.getOrgId(), e, e.getEventTime());
        }
    }

    private List<Alert> latencyAlerts() {
        return alerts.readValuesToList().stream()
                .filter(a -> a.getDetector().equals("latency-spikes"))
                .toList();
    }

    @Test
    void shouldFlagLatencySpikeWithQuantilesBeforeAndAfter() {
        final java.util.Random random = new java.util.Random(7);
        latencyScenario("0Af000000000007AAA", i -> 450 + 40 * random.nextGaussian(), 40);
        final List<Alert> out = latencyAlerts();
        assertThat(out).isNotEmpty();
        final Alert first = out.get(0);
        assertThat(first.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(first.getSubject()).isEqualTo("api Query Account");
        assertThat(first.getDedupKey())
                .startsWith(Fixtures.ORG + "|0Af000000000007AAA|latency-spikes|");
        final Map<String, String> ev = first.getEvidence();
        assertThat(Double.parseDouble(ev.get("p95Before"))).isBetween(220.0, 250.0);
        assertThat(Double.parseDouble(ev.get("p95After"))).isGreaterThan(450.0);
        assertThat(Double.parseDouble(ev.get("pValueTail"))).isLessThan(0.001);
        assertThat(Long.parseLong(ev.get("baselineSamples"))).isEqualTo(240);
        assertThat(out)
                .extracting(Alert::getStatus)
                .containsOnly(AlertStatus.TRIGGERED, AlertStatus.UPDATED);
    }

    @Test
    void shouldStayQuietWhenLatencyIsUnchangedAfterDeploy() {
        final java.util.Random random = new java.util.Random(9);
        latencyScenario("0Af000000000008AAA", i -> 200 + 20 * random.nextGaussian(), 60);
        assertThat(latencyAlerts()).isEmpty();
    }

    @Test
    void shouldResolveWhenLatencyReturnsToBaseline() {
        final java.util.Random random = new java.util.Random(11);
        latencyScenario(
                "0Af000000000009AAA",
                i -> i < 30 ? 450 + 40 * random.nextGaussian() : 200 + 20 * random.nextGaussian(),
                60);
        assertThat(latencyAlerts())
                .extracting(Alert::getStatus)
                .startsWith(AlertStatus.TRIGGERED)
                .endsWith(AlertStatus.RESOLVED);
    }

    private void change(final SalesforceEvent e) {
        cdc.pipeInput(e.getOrgId(), e, e.getEventTime());
    }

    /** Two hours of ordinary Account changes by two users: an update a minute, a delete every 30 minutes. */
    private void dataBaseline() {
        for (int m = 0; m < 120; m++) {
            final Instant at = T0.plus(Duration.ofMinutes(m));
            change(Fixtures.accountChange(at, "UPDATE", m % 2 == 0 ? "005USERA" : "005USERB"));
            if (m % 30 == 7) {
                change(Fixtures.accountChange(at.plusSeconds(20), "DELETE", "005USERA"));
            }
        }
    }

    private List<Alert> dataAlerts() {
        return alerts.readValuesToList().stream()
                .filter(a -> a.getDetector().equals("data-anomalies"))
                .toList();
    }

    @Test
    void shouldFlagDeleteBurstAndMassUpdateByOneAutomationUser() {
        dataBaseline();
        deploy(
                "0Af000000000010AAA",
                "ApexClass:InvoiceService",
                "ApexTrigger:AccountTrigger",
                "CustomField:Account.Industry",
                "CustomField:Account.Phone");
        for (int i = 0; i < 60; i++) {
            final Instant at = DEPLOY.plusSeconds(60L + 5L * i);
            change(Fixtures.accountChange(at, "DELETE", "005AUTOMATION"));
            change(
                    Fixtures.accountChange(
                            at.plusSeconds(1), "UPDATE", "005AUTOMATION", "Industry"));
        }
        final List<Alert> out = dataAlerts();
        assertThat(out)
                .extracting(Alert::getSubject)
                .contains(
                        "deletes Account",
                        "updates Account by 005AUTOMATION",
                        "nulled Account.Industry");
        final Alert deletes =
                out.stream()
                        .filter(a -> a.getSubject().equals("deletes Account"))
                        .findFirst()
                        .orElseThrow();
        assertThat(deletes.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(deletes.getSeverity()).isEqualTo(io.sfpulse.schemas.alert.Severity.ERROR);
        assertThat(deletes.getEvidence())
                .containsEntry("anomaly", "deletes Account")
                .containsKey("pValue")
                .containsKey("series");
        assertThat(Double.parseDouble(deletes.getEvidence().get("pValue"))).isLessThan(0.001);
        // Suspects: the deployed components on the entity (and, for a null rate, on that field).
        assertThat(deletes.getEvidence())
                .containsEntry(
                        "suspectComponents",
                        "ApexTrigger:AccountTrigger, CustomField:Account.Industry, CustomField:Account.Phone");
        assertThat(
                        out.stream()
                                .filter(a -> a.getSubject().equals("nulled Account.Industry"))
                                .findFirst()
                                .orElseThrow()
                                .getEvidence())
                .containsEntry(
                        "suspectComponents",
                        "ApexTrigger:AccountTrigger, CustomField:Account.Industry");
        assertThat(storeKeys("data-anomalies-store"))
                .containsExactly(seriesKey("Account")); // state per (org, entity)
    }

    @Test
    void shouldStayQuietOnOrdinaryDataChangesAfterDeploy() {
        dataBaseline();
        deploy("0Af000000000011AAA");
        for (int m = 0; m < 60; m++) {
            change(
                    Fixtures.accountChange(
                            DEPLOY.plus(Duration.ofMinutes(m)),
                            "UPDATE",
                            m % 2 == 0 ? "005USERA" : "005USERB"));
        }
        assertThat(dataAlerts()).isEmpty();
    }

    @Test
    void shouldAlertOnGapOverflow() {
        dataBaseline();
        deploy("0Af000000000012AAA");
        change(Fixtures.accountChange(DEPLOY.plusSeconds(90), "GAP_OVERFLOW", "005AUTOMATION"));
        assertThat(dataAlerts())
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.getSubject()).isEqualTo("gap overflow Account");
                            assertThat(a.getSeverity())
                                    .isEqualTo(io.sfpulse.schemas.alert.Severity.WARNING);
                            assertThat(a.getReleaseId()).isEqualTo("0Af000000000012AAA");
                        });
    }

    @Test
    void shouldLabelAFailureRiseWithoutADeployAndResolveIt() {
        baseline(); // no deploy at all
        for (int i = 0; i < 20; i++) {
            pipe(Fixtures.error(DEPLOY.plus(Duration.ofSeconds(30L * i))));
        }
        for (int m = 12; m < 40; m++) {
            pipe(Fixtures.info(DEPLOY.plus(Duration.ofMinutes(m))));
        }
        final List<Alert> out = alerts.readValuesToList();
        assertThat(out)
                .extracting(Alert::getStatus)
                .startsWith(AlertStatus.TRIGGERED)
                .endsWith(AlertStatus.RESOLVED);
        final Alert first = out.get(0);
        assertThat(first.getDetector()).isEqualTo("post-deploy-failures");
        assertThat(first.getReleaseId()).isNull();
        assertThat(first.getDedupKey())
                .startsWith(Fixtures.ORG + "|no-deploy@")
                .endsWith("|post-deploy-failures|failures");
        assertThat(first.getEvidence())
                .containsEntry("trigger", "no-deploy")
                .containsKey("regressionStart")
                .doesNotContainKey("deployId");
        assertThat(first.getSummary()).contains("without a deploy");
        assertThat(out).extracting(Alert::getDedupKey).containsOnly(first.getDedupKey());
    }

    @Test
    void shouldLabelPostDeployAlertsAsSuch() {
        baseline();
        deploy("0Af000000000013AAA");
        for (int i = 0; i < 20; i++) {
            pipe(Fixtures.error(DEPLOY.plus(Duration.ofSeconds(30L * i + 60))));
        }
        assertThat(alerts.readValuesToList())
                .first()
                .satisfies(a -> assertThat(a.getEvidence()).containsEntry("trigger", "deploy"));
    }

    @Test
    void shouldFlagLatencyShiftAgainstTheRollingBaselineWithoutADeploy() {
        final java.util.Random random = new java.util.Random(5);
        for (int m = 0; m < 180; m++) {
            for (int k = 0; k < 2; k++) {
                final double millis =
                        m < 120
                                ? 200 + 20 * random.nextGaussian()
                                : 480 + 40 * random.nextGaussian();
                final SalesforceEvent e =
                        Fixtures.apiQuery(
                                T0.plus(Duration.ofMinutes(m)).plusSeconds(k * 30L), millis);
                api.pipeInput(e.getOrgId(), e, e.getEventTime());
            }
        }
        final List<Alert> out = latencyAlerts();
        assertThat(out).isNotEmpty();
        final Alert first = out.get(0);
        assertThat(first.getStatus()).isEqualTo(AlertStatus.TRIGGERED);
        assertThat(first.getReleaseId()).isNull();
        assertThat(first.getEvidence()).containsEntry("trigger", "no-deploy");
        assertThat(Double.parseDouble(first.getEvidence().get("p95Before")))
                .isBetween(220.0, 250.0);
        assertThat(Double.parseDouble(first.getEvidence().get("p95After"))).isGreaterThan(450.0);
        // Re-tested every minute all day: judged at alpha over the day's 1,440 looks, and the
        // evidence says so.
        assertThat(Double.parseDouble(first.getEvidence().get("alpha")))
                .isCloseTo(0.001 / 1440, org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(first.getEvidence()).containsKey("looks");
        assertThat(
                        Math.min(
                                Double.parseDouble(first.getEvidence().get("pValueTail")),
                                Double.parseDouble(first.getEvidence().get("pValueMedian"))))
                .isLessThan(0.001 / 1440);
        // Detected within half an hour of the shift at 12:00.
        assertThat(first.getEventTime()).isBefore(DEPLOY.plus(Duration.ofMinutes(30)));
    }

    @Test
    void shouldStayQuietOnSteadyLatencyWithoutADeploy() {
        final java.util.Random random = new java.util.Random(6);
        for (int m = 0; m < 240; m++) {
            for (int k = 0; k < 2; k++) {
                final SalesforceEvent e =
                        Fixtures.apiQuery(
                                T0.plus(Duration.ofMinutes(m)).plusSeconds(k * 30L),
                                200 * Math.exp(0.3 * random.nextGaussian()));
                api.pipeInput(e.getOrgId(), e, e.getEventTime());
            }
        }
        assertThat(latencyAlerts()).isEmpty();
    }

    @Test
    void shouldFlagNullRateJumpButNotMoreUpdatesWithTheSameNullShare() {
        // Baseline: an update a minute, every tenth nulls Phone.
        for (int m = 0; m < 120; m++) {
            change(
                    Fixtures.accountChange(
                            T0.plus(Duration.ofMinutes(m)),
                            "UPDATE",
                            "005USERA",
                            m % 10 == 0 ? new String[] {"Phone"} : new String[0]));
        }
        deploy("0Af000000000014AAA");
        // After the deploy: twice the updates, still every tenth nulls Phone; half now null Fax,
        // which none did before.
        for (int i = 0; i < 60; i++) {
            final Instant at = DEPLOY.plusSeconds(30L * i + 10);
            change(
                    Fixtures.accountChange(
                            at,
                            "UPDATE",
                            i % 2 == 0 ? "005USERA" : "005USERB",
                            i % 10 == 0
                                    ? new String[] {"Phone", "Fax"}
                                    : i % 2 == 0 ? new String[] {"Fax"} : new String[0]));
        }
        final List<Alert> out = dataAlerts();
        assertThat(out)
                .extracting(Alert::getSubject)
                .contains("nulled Account.Fax")
                .doesNotContain("nulled Account.Phone");
        final Alert fax =
                out.stream()
                        .filter(a -> a.getSubject().equals("nulled Account.Fax"))
                        .findFirst()
                        .orElseThrow();
        assertThat(fax.getEvidence())
                .containsEntry("nullRateBefore", "0.0% of 120 updates")
                .containsKey("nullRateAfter")
                .containsEntry(
                        "test",
                        "Fisher's exact test (one-sided) of the share of updates that set the field to null");
    }

    @Test
    void shouldDateAReleaseByItsCompletionTimeNotByWhenTheMarkerWasProduced() {
        baseline();
        // Announced an hour late (record timestamp), the release still covers signals from its
        // completion on.
        markers.pipeInput(
                Fixtures.ORG,
                Fixtures.deploy("0Af000000000015AAA", DEPLOY),
                DEPLOY.plus(Duration.ofHours(1)));
        pipe(Fixtures.error(DEPLOY.plus(Duration.ofMinutes(2))));
        final List<Signal> signals = enriched.readValuesToList();
        assertThat(signals.get(signals.size() - 1).getReleaseId()).isEqualTo("0Af000000000015AAA");
    }

    @Test
    void shouldDeadLetterMalformedInputCountItAndKeepProcessing() {
        final TestOutputTopic<byte[], byte[]> dlq =
                driver.createOutputTopic(
                        TopicNames.STREAMS_DLQ,
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        // Bad JSON, JSON that is not an object, a change event without its ChangeEventHeader (a
        // missing required field).
        pipe(SalesforceEvent.newBuilder(Fixtures.info(T0)).setPayload("this is not json").build());
        pipe(SalesforceEvent.newBuilder(Fixtures.info(T0)).setPayload("[1,2,3]").build());
        final SalesforceEvent headless =
                SalesforceEvent.newBuilder(Fixtures.accountChange(T0, "UPDATE", "005A"))
                        .setPayload("{\"Name\":\"Acme\"}")
                        .build();
        cdc.pipeInput(headless.getOrgId(), headless, T0);
        final TestInputTopic<String, byte[]> raw =
                driver.createInputTopic(
                        TopicNames.forChannel(Fixtures.LOG_CHANNEL),
                        new StringSerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer());
        // Not the wire format at all, and the wire format with a schema id no registry knows.
        raw.pipeInput(Fixtures.ORG, new byte[] {9, 9, 9}, T0.plusSeconds(1));
        raw.pipeInput(Fixtures.ORG, new byte[] {0, 0, 0, 0x7f, 0x7f, 2, 4}, T0.plusSeconds(1));
        pipe(Fixtures.error(T0.plusSeconds(2)));

        final List<org.apache.kafka.streams.test.TestRecord<byte[], byte[]>> letters =
                dlq.readRecordsToList();
        assertThat(letters)
                .hasSize(5)
                .allSatisfy(r -> assertThat(r.headers().toArray()).isNotEmpty());
        assertThat(letters)
                .extracting(
                        r ->
                                new String(
                                        r.headers()
                                                .lastHeader("__streams.errors.exception")
                                                .value(),
                                        StandardCharsets.UTF_8))
                .isNotEmpty();
        assertThat(letters)
                .anySatisfy(
                        r ->
                                assertThat(
                                                new String(
                                                        r.headers()
                                                                .lastHeader(
                                                                        "__streams.errors.message")
                                                                .value(),
                                                        StandardCharsets.UTF_8))
                                        .contains("has no ChangeEventHeader"));
        final double dropped =
                driver.metrics().entrySet().stream()
                        .filter(
                                e ->
                                        e.getKey().name().equals("dropped-records-total")
                                                && e.getKey().group().equals("stream-task-metrics"))
                        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                        .sum();
        assertThat(dropped).isEqualTo(5.0);
        assertThat(enriched.readValuesToList())
                .extracting(Signal::getKind)
                .contains(io.sfpulse.schemas.signal.SignalKind.FAILURE);
    }

    @Test
    void topologyDescriptionMatchesGoldenFile() throws Exception {
        final Path golden = Path.of("src/test/resources/topology-description.txt");
        final String actual = topology.describe().toString();
        if (Boolean.getBoolean("updateGolden")) {
            Files.writeString(golden, actual);
        }
        assertThat(golden).as("golden file (write it with -DupdateGolden=true)").exists();
        assertThat(actual).isEqualTo(Files.readString(golden));
    }
}
