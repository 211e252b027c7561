package io.sfpulse.streams.attribution;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import io.sfpulse.streams.state.StateStores;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns deployment markers into the org's release history (a versioned store: which release was
 * live at any instant, read by {@link ReleaseAttributionProcessor}), following the
 * {@link ReleaseModel}: attempts (failed, canceled, check-only) are kept with their outcome in the
 * by-id store but never go live; a CI/CD marker and the DeployRequest it describes become one
 * release (the deploy's id and time, the marker's label and commit), whichever arrives first. The
 * by-id store ({@code org|deployId}) holds every marker, for merges and for the page.
 */
public final class ReleaseRecorder
        extends ContextualProcessor<String, DeploymentMarker, Void, Void> {

    public static final String NAME = "record-releases";
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseRecorder.class);

    private final String releasesStoreName;
    private final String byIdStoreName;
    private final ReleaseModel model;
    private VersionedKeyValueStore<String, DeploymentMarker> releases;
    private KeyValueStore<String, DeploymentMarker> byId;

    private ReleaseRecorder(
            final String releasesStoreName, final String byIdStoreName, final ReleaseModel model) {
        this.releasesStoreName = releasesStoreName;
        this.byIdStoreName = byIdStoreName;
        this.model = model;
    }

    /** The processor with both its stores: the versioned release history (kept {@code history}) and markers by id. */
    public static ProcessorSupplier<String, DeploymentMarker, Void, Void> supplier(
            final String releasesStoreName,
            final String byIdStoreName,
            final Duration history,
            final ReleaseModel model,
            final Serde<DeploymentMarker> markerSerde,
            final StateStores state) {
        return new ProcessorSupplier<>() {
            @Override
            public ReleaseRecorder get() {
                return new ReleaseRecorder(releasesStoreName, byIdStoreName, model);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        state.versioned(releasesStoreName, history, Serdes.String(), markerSerde),
                        state.keyValue(byIdStoreName, Serdes.String(), markerSerde));
            }
        };
    }

    /** Key of a marker in the by-id store; a prefix scan of {@code org|} lists the org's markers. */
    public static String byIdKey(final String org, final String deployId) {
        return org + "|" + deployId;
    }

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        super.init(context);
        releases = context.getStateStore(releasesStoreName);
        byId = context.getStateStore(byIdStoreName);
    }

    @Override
    public void process(final Record<String, DeploymentMarker> record) {
        final String org = record.key();
        if (org == null || record.value() == null) {
            return;
        }
        final String key = byIdKey(org, record.value().getDeployId());
        final DeploymentMarker sameId = byId.get(key);
        // A DeployRequest polled again after it was merged keeps the label and commit it was given.
        final DeploymentMarker m =
                sameId != null
                                && ReleaseModel.isMerged(sameId)
                                && record.value().getSource() == MarkerSource.DEPLOY_REQUEST
                        ? ReleaseModel.merge(sameId, record.value())
                        : record.value();
        byId.put(key, m);
        if (!ReleaseModel.isRelease(m)) {
            LOG.atInfo()
                    .addKeyValue("org", org)
                    .addKeyValue("deployId", m.getDeployId())
                    .log(
                            "{} {} kept as an attempt ({}{}), not a release",
                            m.getSource(),
                            m.getDeployId(),
                            m.getStatus(),
                            m.getCheckOnly() ? ", check-only" : "");
            return;
        }
        if (m.getSource() == MarkerSource.MARKER_API) {
            final DeploymentMarker deploy =
                    sameId != null && sameId.getSource() == MarkerSource.DEPLOY_REQUEST
                            ? sameId
                            : liveDeployNear(org, m);
            if (deploy != null && model.sameRelease(m, deploy)) {
                merge(org, m, deploy, false);
                return;
            }
        } else if (m.getSource() == MarkerSource.DEPLOY_REQUEST) {
            final DeploymentMarker ci =
                    sameId != null && sameId.getSource() == MarkerSource.MARKER_API
                            ? sameId
                            : liveMarkerNear(org, m);
            if (ci != null && model.sameRelease(ci, m)) {
                merge(org, ci, m, true);
                return;
            }
        }
        releases.put(org, m, m.getCompletedTime().toEpochMilli());
    }

    private DeploymentMarker liveNear(
            final String org, final DeploymentMarker m, final MarkerSource source) {
        final VersionedRecord<DeploymentMarker> v =
                releases.get(
                        org, m.getCompletedTime().toEpochMilli() + model.mergeWindow().toMillis());
        return v != null && v.value().getSource() == source ? v.value() : null;
    }

    private DeploymentMarker liveDeployNear(final String org, final DeploymentMarker ci) {
        return liveNear(org, ci, MarkerSource.DEPLOY_REQUEST);
    }

    private DeploymentMarker liveMarkerNear(final String org, final DeploymentMarker deploy) {
        return liveNear(org, deploy, MarkerSource.MARKER_API);
    }

    /**
     * Writes the one release at the deploy's time; when the CI/CD marker already went live at its
     * own time, that version is replaced too (by the merged release when it is later than the deploy,
     * else by whatever was live before it).
     */
    private void merge(
            final String org,
            final DeploymentMarker ci,
            final DeploymentMarker deploy,
            final boolean ciWentLive) {
        final DeploymentMarker merged = ReleaseModel.merge(ci, deploy);
        final long deployAt = deploy.getCompletedTime().toEpochMilli();
        final long ciAt = ci.getCompletedTime().toEpochMilli();
        releases.put(org, merged, deployAt);
        byId.put(byIdKey(org, deploy.getDeployId()), merged);
        if (ciWentLive && ciAt != deployAt) {
            if (ciAt > deployAt) {
                releases.put(org, merged, ciAt);
            } else {
                final VersionedRecord<DeploymentMarker> before = releases.get(org, ciAt - 1);
                if (before != null) {
                    releases.put(org, before.value(), ciAt);
                } else {
                    releases.delete(org, ciAt);
                }
            }
        }
        LOG.atInfo()
                .addKeyValue("org", org)
                .addKeyValue("deployId", deploy.getDeployId())
                .log(
                        "CI/CD marker {} ({}) and DeployRequest {} are one release",
                        ci.getDeployId(),
                        ci.getLabel(),
                        deploy.getDeployId());
    }
}
