package io.sfpulse.streams.detector.integrations;

import static io.sfpulse.streams.detector.EvidenceFormat.pct;

import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.SuspectComponents;
import io.sfpulse.streams.detector.share.ShareJudge;
import io.sfpulse.streams.detector.share.ShareSeries;
import io.sfpulse.streams.detector.share.ShareSettings;
import io.sfpulse.streams.normalize.SignalNormalizer;
import io.sfpulse.streams.stats.ProportionComparison;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Per (org, requester) — {@code API client Invoice Sync}, {@code callouts to erp.example.com} —
 * counts requests and failed ones (the request signals' {@code requester} and {@code outcome}
 * attributes), the failures' outcomes kept as samples, and judges the failed share against the
 * share before the live release with the lifecycle of every share detector ({@link ShareJudge}).
 * Suspects: the release's components named in the client, or, for callouts, named after the host
 * (ErpClient and NamedCredential:ERP for erp.example.com). Dedup key: org|release|integration-failures|requester hash.
 */
final class IntegrationFailuresProcessor extends DetectorProcessor<ShareSeries>
        implements ShareJudge.Voice {

    static final String FAILED = "failed";
    private static final String CALLOUTS = "callouts to ";

    /** Host labels that say nothing about whose host it is. */
    private static final Set<String> GENERIC_LABELS =
            Set.of(
                    "www",
                    "api",
                    "apis",
                    "rest",
                    "services",
                    "service",
                    "app",
                    "com",
                    "net",
                    "org",
                    "io",
                    "co",
                    "example",
                    "cloud",
                    "my",
                    "prod",
                    "eu",
                    "us");

    private final ShareJudge judge;

    IntegrationFailuresProcessor(final ShareSettings settings) {
        super(IntegrationFailuresDetector.NAME);
        this.judge = new ShareJudge(IntegrationFailuresDetector.NAME, settings);
    }

    @Override
    protected boolean observesOrg() {
        return false;
    }

    @Override
    protected boolean analyses(final Signal s) {
        return s.getAttributes().containsKey(SignalNormalizer.REQUESTER);
    }

    @Override
    protected String stateKey(final String org, final Signal s) {
        return seriesKey(org, s.getAttributes().get(SignalNormalizer.REQUESTER));
    }

    @Override
    protected ShareSeries emptyState() {
        return new ShareSeries();
    }

    @Override
    protected void analyse(
            final String org, final Signal s, final long t, final ShareSeries requests) {
        requests.countTrial(t);
        final String outcome =
                s.getAttributes().getOrDefault(SignalNormalizer.OUTCOME, SignalNormalizer.OK);
        if (!SignalNormalizer.OK.equals(outcome)) {
            requests.countHit(FAILED, t, outcome);
        }
        judge.watch(requests, s, t);
        judge.judge(org, s.getAttributes().get(SignalNormalizer.REQUESTER), requests, t, this);
    }

    @Override
    protected void prune(final ShareSeries requests, final long t) {
        judge.prune(requests, t);
    }

    @Override
    protected boolean discard(final ShareSeries requests) {
        return requests.isEmpty();
    }

    @Override
    protected void punctuate(final long streamTime) {
        updateEachState(
                (key, requests) -> false,
                (key, requests) -> {
                    prune(requests, streamTime);
                    return discard(requests);
                });
    }

    @Override
    public String subject(final String requester, final String key) {
        return requester;
    }

    @Override
    public String summary(
            final AlertStatus status,
            final String requester,
            final String key,
            final String deploy,
            final ProportionComparison.Result r) {
        final String unit = requester.startsWith(CALLOUTS) ? "callouts" : "requests";
        return switch (status) {
            case RESOLVED ->
                    String.format(
                            Locale.ROOT,
                            "%s: failures back to baseline after %s (%d of %d %s, %s before)",
                            requester,
                            deploy,
                            r.currentHits(),
                            r.currentTrials(),
                            unit,
                            pct(r.baselineShare()));
            case UPDATED ->
                    String.format(
                            Locale.ROOT,
                            "%s still failing after %s: %d of %d %s (%s), %s before",
                            requester,
                            deploy,
                            r.currentHits(),
                            r.currentTrials(),
                            unit,
                            pct(r.currentShare()),
                            pct(r.baselineShare()));
            default ->
                    String.format(
                            Locale.ROOT,
                            "%s failing after %s: %d of %d %s failed (%s), %s before (p=%.2g)",
                            requester,
                            deploy,
                            r.currentHits(),
                            r.currentTrials(),
                            unit,
                            pct(r.currentShare()),
                            pct(r.baselineShare()),
                            r.pValue());
        };
    }

    @Override
    public void explain(
            final Map<String, String> e,
            final String requester,
            final String key,
            final ShareSeries s,
            final AlertState alert) {
        e.put("test", "Fisher's exact test (one-sided) of the share of requests that failed");
        e.put("requester", requester);
        e.put("failures", String.join(",", s.samples(key)));
        if (alert.hasRelease()) {
            e.put("suspectComponents", String.join(",", suspects(alert.components(), requester)));
        }
    }

    /** For callouts, components named after the host's distinctive label; for API clients, those named in the client. */
    static List<String> suspects(final List<String> components, final String requester) {
        if (!requester.startsWith(CALLOUTS)) {
            return SuspectComponents.byLocation(components, Set.of(requester));
        }
        final List<String> labels =
                Arrays.stream(requester.substring(CALLOUTS.length()).split("[.\\-]"))
                        .map(l -> l.toLowerCase(Locale.ROOT))
                        .filter(l -> l.length() >= 3 && !GENERIC_LABELS.contains(l))
                        .toList();
        return components.stream()
                .filter(
                        c -> {
                            final String name =
                                    (c.contains(":") ? c.substring(c.indexOf(':') + 1) : c)
                                            .toLowerCase(Locale.ROOT);
                            return labels.stream().anyMatch(name::startsWith);
                        })
                .toList();
    }

    @Override
    public Severity severity(final String key) {
        return Severity.ERROR;
    }

    @Override
    public void send(
            final AlertState a,
            final AlertStatus status,
            final AlertLifecycle.Draft draft,
            final long count,
            final long now) {
        emit(a, status, draft, count, now);
    }
}
