package io.sfpulse.streams.verdict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Interactive queries (IQv2) of the verdict store: an org's releases with their latest verdict, on
 * the instance that hosts the org's partition ({@link #host}); lookups by release id, commit or
 * label. Partitions hosted elsewhere answer nothing here.
 */
public final class ReleaseVerdictQueries {

    private final KafkaStreams streams;

    public ReleaseVerdictQueries(final KafkaStreams streams) {
        this.streams = streams;
    }

    /** Whether the stores answer (the application is running, not restoring or rebalancing). */
    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** The instance whose active task holds the org's verdicts (the verdict store is keyed within the org's partition), or null when unknown. */
    public HostInfo host(final String org) {
        final KeyQueryMetadata m =
                streams.queryMetadataForKey(
                        VerdictStores.OUTCOMES, org, Serdes.String().serializer());
        return m == null || m == KeyQueryMetadata.NOT_AVAILABLE ? null : m.activeHost();
    }

    /** The org's releases judged by this instance, newest (by the instant it went live) first. */
    public List<ReleaseOutcome> releases(final String org) {
        final String prefix = VerdictStores.key(org, "");
        return query(RangeQuery.withRange(prefix, prefix + "\uffff"));
    }

    /** Every release of every org this instance judges, newest first. */
    public List<ReleaseOutcome> all() {
        return query(RangeQuery.withNoBounds());
    }

    private List<ReleaseOutcome> query(final RangeQuery<String, ReleaseOutcome> range) {
        final StateQueryResult<KeyValueIterator<String, ReleaseOutcome>> result =
                streams.query(StateQueryRequest.inStore(VerdictStores.OUTCOMES).withQuery(range));
        final List<ReleaseOutcome> out = new ArrayList<>();
        for (final QueryResult<KeyValueIterator<String, ReleaseOutcome>> r :
                result.getPartitionResults().values()) {
            if (r.isSuccess()) {
                try (KeyValueIterator<String, ReleaseOutcome> it = r.getResult()) {
                    it.forEachRemaining(kv -> out.add(kv.value));
                }
            }
        }
        out.sort(Comparator.comparingLong((ReleaseOutcome o) -> o.liveAtMs).reversed());
        return out;
    }

    /** A release by its id. */
    public Optional<ReleaseOutcome> byId(final String org, final String releaseId) {
        return releases(org).stream().filter(o -> o.releaseId.equals(releaseId)).findFirst();
    }

    /**
     * The release a CI/CD pipeline names by commit or label: the newest one carrying it that is still
     * current (not merged into another), else the newest one carrying it.
     */
    public Optional<ReleaseOutcome> byCommit(final String org, final String commit) {
        return newest(
                releases(org).stream()
                        .filter(
                                o ->
                                        commit.equals(o.commit)
                                                || o.commit != null
                                                        && o.commit.startsWith(commit)
                                                        && commit.length() >= 7)
                        .toList());
    }

    public Optional<ReleaseOutcome> byLabel(final String org, final String label) {
        return newest(releases(org).stream().filter(o -> label.equals(o.label)).toList());
    }

    private static Optional<ReleaseOutcome> newest(final List<ReleaseOutcome> newestFirst) {
        return newestFirst.stream()
                .filter(o -> !o.merged)
                .findFirst()
                .or(() -> newestFirst.stream().findFirst());
    }
}
