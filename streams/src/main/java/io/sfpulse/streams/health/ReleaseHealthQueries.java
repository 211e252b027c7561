package io.sfpulse.streams.health;

import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.streams.attribution.AttributionStores;
import io.sfpulse.streams.attribution.ReleaseAttributionProcessor;
import io.sfpulse.streams.attribution.ReleaseModel;
import io.sfpulse.streams.attribution.ReleaseRecorder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.MultiVersionedKeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.VersionedRecordIterator;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Interactive queries (IQv2) behind the release-health page, over the stores of this instance's
 * partitions: alert histories, 5-minute signal buckets per org, and each org's releases from the
 * versioned marker store. Partitions hosted elsewhere (several instances) answer nothing here.
 */
public final class ReleaseHealthQueries {

    /** One 5-minute window of one org. */
    public record Bucket(Instant start, SignalBucket value) {}

    private final KafkaStreams streams;

    public ReleaseHealthQueries(final KafkaStreams streams) {
        this.streams = streams;
    }

    public List<AlertRecord> alerts() {
        // IQv2 range queries of a (timestamped) DSL key-value store answer plain values; window
        // queries answer ValueAndTimestamp.
        final StateQueryResult<KeyValueIterator<String, AlertRecord>> result =
                streams.query(
                        StateQueryRequest.inStore(ReadModelStores.ALERT_HISTORY)
                                .withQuery(RangeQuery.<String, AlertRecord>withNoBounds()));
        final List<AlertRecord> out = new ArrayList<>();
        for (final QueryResult<KeyValueIterator<String, AlertRecord>> r :
                result.getPartitionResults().values()) {
            if (r.isSuccess()) {
                try (KeyValueIterator<String, AlertRecord> it = r.getResult()) {
                    it.forEachRemaining(kv -> out.add(kv.value));
                }
            }
        }
        return out;
    }

    /** Orgs with signals in [from, to). */
    public TreeSet<String> orgs(final Instant from, final Instant to) {
        final StateQueryResult<KeyValueIterator<Windowed<String>, ValueAndTimestamp<SignalBucket>>>
                result =
                        streams.query(
                                StateQueryRequest.inStore(ReadModelStores.SIGNAL_BUCKETS)
                                        .withQuery(
                                                WindowRangeQuery
                                                        .<String, ValueAndTimestamp<SignalBucket>>
                                                                withWindowStartRange(from, to)));
        final TreeSet<String> out = new TreeSet<>();
        for (final QueryResult<KeyValueIterator<Windowed<String>, ValueAndTimestamp<SignalBucket>>>
                r : result.getPartitionResults().values()) {
            if (r.isSuccess()) {
                try (KeyValueIterator<Windowed<String>, ValueAndTimestamp<SignalBucket>> it =
                        r.getResult()) {
                    it.forEachRemaining(kv -> out.add(kv.key.key()));
                }
            }
        }
        return out;
    }

    /** The org's 5-minute buckets with window start in [from, to], oldest first. */
    public List<Bucket> buckets(final String org, final Instant from, final Instant to) {
        final StateQueryResult<WindowStoreIterator<ValueAndTimestamp<SignalBucket>>> result =
                streams.query(
                        StateQueryRequest.inStore(ReadModelStores.SIGNAL_BUCKETS)
                                .withQuery(
                                        WindowKeyQuery
                                                .<String, ValueAndTimestamp<SignalBucket>>
                                                        withKeyAndWindowStartRange(org, from, to)));
        final TreeMap<Long, SignalBucket> out = new TreeMap<>();
        for (final QueryResult<WindowStoreIterator<ValueAndTimestamp<SignalBucket>>> r :
                result.getPartitionResults().values()) {
            if (r.isSuccess()) {
                try (WindowStoreIterator<ValueAndTimestamp<SignalBucket>> it = r.getResult()) {
                    it.forEachRemaining(
                            (KeyValue<Long, ValueAndTimestamp<SignalBucket>> kv) ->
                                    out.put(kv.key, kv.value.value()));
                }
            }
        }
        return out.entrySet().stream()
                .map(e -> new Bucket(Instant.ofEpochMilli(e.getKey()), e.getValue()))
                .toList();
    }

    /** One hour of one org's page views. */
    public record Views(Instant start, AdoptionBucket value) {}

    /** The org's hourly page views with window start in [from, to], oldest first. */
    public List<Views> views(final String org, final Instant from, final Instant to) {
        final StateQueryResult<WindowStoreIterator<ValueAndTimestamp<AdoptionBucket>>> result =
                streams.query(
                        StateQueryRequest.inStore(ReadModelStores.ADOPTION_BUCKETS)
                                .withQuery(
                                        WindowKeyQuery
                                                .<String, ValueAndTimestamp<AdoptionBucket>>
                                                        withKeyAndWindowStartRange(org, from, to)));
        final TreeMap<Long, AdoptionBucket> out = new TreeMap<>();
        for (final QueryResult<WindowStoreIterator<ValueAndTimestamp<AdoptionBucket>>> r :
                result.getPartitionResults().values()) {
            if (r.isSuccess()) {
                try (WindowStoreIterator<ValueAndTimestamp<AdoptionBucket>> it = r.getResult()) {
                    it.forEachRemaining(
                            (KeyValue<Long, ValueAndTimestamp<AdoptionBucket>> kv) ->
                                    out.put(kv.key, kv.value.value()));
                }
            }
        }
        return out.entrySet().stream()
                .map(e -> new Views(Instant.ofEpochMilli(e.getKey()), e.getValue()))
                .toList();
    }

    /** Per source of the org, the org time up to which it has delivered everything (progress records). */
    public Map<String, Instant> progress(final String org) {
        final String prefix = ReleaseAttributionProcessor.progressKey(org, "");
        final StateQueryResult<KeyValueIterator<String, Long>> result =
                streams.query(
                        StateQueryRequest.inStore(AttributionStores.SOURCE_PROGRESS)
                                .withQuery(
                                        RangeQuery.<String, Long>withRange(
                                                prefix, prefix + "\uffff")));
        final Map<String, Instant> out = new TreeMap<>();
        for (final QueryResult<KeyValueIterator<String, Long>> r :
                result.getPartitionResults().values()) {
            if (r.isSuccess()) {
                try (KeyValueIterator<String, Long> it = r.getResult()) {
                    it.forEachRemaining(
                            kv ->
                                    out.put(
                                            kv.key.substring(prefix.length()),
                                            Instant.ofEpochMilli(kv.value)));
                }
            }
        }
        return out;
    }

    /**
     * Deploys of the org that completed in [from, to] without becoming a release (failed, canceled,
     * check-only), oldest first, from the markers-by-id store.
     */
    public List<DeploymentMarker> attempts(final String org, final Instant from, final Instant to) {
        final StateQueryResult<KeyValueIterator<String, DeploymentMarker>> result =
                streams.query(
                        StateQueryRequest.inStore(AttributionStores.MARKERS_BY_ID)
                                .withQuery(
                                        RangeQuery.<String, DeploymentMarker>withRange(
                                                ReleaseRecorder.byIdKey(org, ""),
                                                ReleaseRecorder.byIdKey(org, "\uffff"))));
        final List<DeploymentMarker> out = new ArrayList<>();
        for (final QueryResult<KeyValueIterator<String, DeploymentMarker>> r :
                result.getPartitionResults().values()) {
            if (r.isSuccess()) {
                try (KeyValueIterator<String, DeploymentMarker> it = r.getResult()) {
                    it.forEachRemaining(
                            kv -> {
                                final Instant at = kv.value.getCompletedTime();
                                if (!ReleaseModel.isRelease(kv.value)
                                        && !at.isBefore(from)
                                        && !at.isAfter(to)) {
                                    out.add(kv.value);
                                }
                            });
                }
            }
        }
        out.sort(java.util.Comparator.comparing(DeploymentMarker::getCompletedTime));
        return out;
    }

    /** Releases of the org that went live in [from, to], oldest first (every version the marker store holds). */
    public List<DeploymentMarker> releases(final String org, final Instant from, final Instant to) {
        final StateQueryResult<VersionedRecordIterator<DeploymentMarker>> result =
                streams.query(
                        StateQueryRequest.inStore(AttributionStores.RELEASES)
                                .withQuery(
                                        MultiVersionedKeyQuery.<String, DeploymentMarker>withKey(
                                                        org)
                                                .fromTime(from)
                                                .toTime(to)
                                                .withAscendingTimestamps()));
        final Map<String, DeploymentMarker> out = new java.util.LinkedHashMap<>();
        for (final QueryResult<VersionedRecordIterator<DeploymentMarker>> r :
                result.getPartitionResults().values()) {
            if (r.isSuccess()) {
                try (VersionedRecordIterator<DeploymentMarker> it = r.getResult()) {
                    it.forEachRemaining(
                            (VersionedRecord<DeploymentMarker> v) ->
                                    out.putIfAbsent(v.value().getDeployId(), v.value()));
                }
            }
        }
        return new ArrayList<>(out.values());
    }
}
