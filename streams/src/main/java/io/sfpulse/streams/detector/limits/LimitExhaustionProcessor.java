package io.sfpulse.streams.detector.limits;

import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.RepeatedLooks;
import io.sfpulse.streams.detector.SubjectKeys;
import io.sfpulse.streams.normalize.SignalNormalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per (org, limit), the snapshots of its usage ({@code USAGE} signals from {@code /limits}) and, at
 * each snapshot, the forecast of {@link LimitForecast}: TRIGGERED when the limit is forecast to run
 * out within its window, attributed to the release live at the snapshot (within {@code window} of
 * it) or without one; UPDATED when the hours left halve or the limit is used up (CRITICAL); RESOLVED
 * after {@code resolveLooks} conclusive snapshots in a row without a forecast exhaustion, or when
 * no snapshot came for {@code quiet}. Suspects: the release's components of the kind that draws on
 * the limit (Apex, connected apps and named credentials for API requests; Apex for async
 * executions; platform events, flows and triggers for event deliveries). Dedup key:
 * org|release|limit-exhaustion|limit hash. Event time only.
 */
final class LimitExhaustionProcessor extends DetectorProcessor<LimitHistory> {

    private final LimitForecast forecast;
    private final double releaseLevel;
    private final double noDeployLevel;

    LimitExhaustionProcessor(final LimitSettings settings) {
        super(LimitExhaustionDetector.NAME);
        this.forecast = new LimitForecast(settings);
        this.releaseLevel = RepeatedLooks.releaseLevel(settings.alpha(), settings.window());
        this.noDeployLevel = RepeatedLooks.level(settings.alpha(), Duration.ofDays(1));
    }

    @Override
    protected boolean observesOrg() {
        return false;
    }

    @Override
    protected boolean analyses(final Signal s) {
        return s.getKind() == SignalKind.USAGE;
    }

    @Override
    protected String stateKey(final String org, final Signal s) {
        return seriesKey(org, s.getSubject());
    }

    @Override
    protected LimitHistory emptyState() {
        return new LimitHistory();
    }

    @Override
    protected void analyse(final String org, final Signal s, final long t, final LimitHistory h) {
        final Map<String, String> a = s.getAttributes();
        final long max = Long.parseLong(a.get(SignalNormalizer.LIMIT_MAX));
        final long remaining = Long.parseLong(a.get(SignalNormalizer.LIMIT_REMAINING));
        if (!h.add(t, (long) s.getValue(), max, remaining)) {
            return;
        }
        final String limit = s.getSubject();
        final boolean released =
                s.getReleaseId() != null
                        && s.getReleaseCompletedTime() != null
                        && t - s.getReleaseCompletedTime().toEpochMilli()
                                <= forecast.settings().window().toMillis();
        final long deployMs =
                released ? s.getReleaseCompletedTime().toEpochMilli() : Long.MIN_VALUE;
        final LimitForecast.Result r =
                forecast.evaluate(limit, h, t, deployMs, released ? releaseLevel : noDeployLevel);
        if (h.alert == null || !h.alert.isOpen()) {
            if (r.verdict() != LimitForecast.Verdict.EXHAUSTING) {
                return;
            }
            h.alert =
                    AlertLifecycle.nextIncident(
                            h.alert,
                            s,
                            released,
                            t,
                            org,
                            LimitExhaustionDetector.NAME,
                            SubjectKeys.hash(limit));
            h.clearLooks = 0;
            emit(org, limit, h, r, AlertStatus.TRIGGERED, t);
            return;
        }
        switch (r.verdict()) {
            case EXHAUSTING -> {
                h.clearLooks = 0;
                if (r.remaining() == 0 && !h.reportedExhausted
                        || r.hoursToExhaustion() <= h.reportedHours / 2) {
                    emit(org, limit, h, r, AlertStatus.UPDATED, t);
                }
            }
            case NOT_EXHAUSTING -> {
                if (++h.clearLooks >= forecast.settings().resolveLooks()) {
                    emit(org, limit, h, r, AlertStatus.RESOLVED, t);
                }
            }
            case INCONCLUSIVE -> {} // neither confirms nor clears
        }
    }

    @Override
    protected void prune(final LimitHistory h, final long t) {
        h.prune(
                t
                        - Duration.ofDays(1).toMillis()
                        - forecast.settings().recent().toMillis()
                        - forecast.settings().baseline().toMillis());
    }

    @Override
    protected boolean discard(final LimitHistory h) {
        return h.times.length == 0 && (h.alert == null || !h.alert.isOpen());
    }

    @Override
    protected void punctuate(final long streamTime) {
        updateEachState(
                (key, h) -> {
                    if (h.alert != null
                            && h.alert.isOpen()
                            && streamTime - h.lastMs >= forecast.settings().quiet().toMillis()) {
                        emitQuiet(orgOf(key), seriesOf(key), h, streamTime);
                        return true;
                    }
                    return false;
                });
    }

    private void emit(
            final String org,
            final String limit,
            final LimitHistory h,
            final LimitForecast.Result r,
            final AlertStatus status,
            final long now) {
        final String cause =
                h.alert.hasRelease() ? "after deploy " + h.alert.releaseId() : "without a deploy";
        final String summary =
                switch (status) {
                    case RESOLVED ->
                            String.format(
                                    Locale.ROOT,
                                    "%s no longer forecast to run out %s: %d of %d left, %.0f per hour now (%.0f before)",
                                    limit,
                                    cause,
                                    r.remaining(),
                                    r.max(),
                                    r.recent().perHour(),
                                    r.baseline().perHour());
                    default ->
                            r.remaining() == 0
                                    ? String.format(
                                            Locale.ROOT,
                                            "%s used up %s: 0 of %d left, consumption %.0f per hour (%.0f before)",
                                            limit,
                                            cause,
                                            r.max(),
                                            r.recent().perHour(),
                                            r.baseline().perHour())
                                    : String.format(
                                            Locale.ROOT,
                                            "%s forecast to run out in %.1f h %s: %d of %d left, consumption up %.0f -> %.0f per hour (p=%.2g)",
                                            limit,
                                            r.hoursToExhaustion(),
                                            cause,
                                            r.remaining(),
                                            r.max(),
                                            r.baseline().perHour(),
                                            r.recent().perHour(),
                                            r.pValue());
                };
        final Map<String, String> evidence = LimitForecast.evidence(limit, r);
        if (status != AlertStatus.RESOLVED && r.hoursToExhaustion() < Double.POSITIVE_INFINITY) {
            evidence.put(
                    "forecastExhaustedAt",
                    Instant.ofEpochMilli(now + (long) (r.hoursToExhaustion() * 3_600_000))
                            .toString());
        }
        if (h.alert.hasRelease()) {
            evidence.put("deployId", h.alert.releaseId());
            evidence.put(
                    "deployCompletedAt",
                    Instant.ofEpochMilli(h.alert.releaseCompletedMs()).toString());
            evidence.put(
                    "suspectComponents", String.join(",", suspects(h.alert.components(), limit)));
        }
        h.reportedHours = r.hoursToExhaustion();
        h.reportedExhausted = r.remaining() == 0;
        emit(
                h.alert,
                status,
                new AlertLifecycle.Draft(
                        org,
                        LimitExhaustionDetector.NAME,
                        SubjectKeys.hash(limit),
                        limit,
                        summary,
                        r.remaining() == 0 || r.hoursToExhaustion() < 2
                                ? Severity.CRITICAL
                                : Severity.ERROR,
                        evidence,
                        r.recent().fromMs(),
                        now),
                r.used(),
                now);
    }

    private void emitQuiet(
            final String org, final String limit, final LimitHistory h, final long now) {
        final Map<String, String> evidence = new java.util.LinkedHashMap<>();
        evidence.put("test", "no snapshot of the limit: its alert cannot be confirmed");
        evidence.put("limit", limit);
        evidence.put("lastSnapshot", Instant.ofEpochMilli(h.lastMs).toString());
        emit(
                h.alert,
                AlertStatus.RESOLVED,
                new AlertLifecycle.Draft(
                        org,
                        LimitExhaustionDetector.NAME,
                        SubjectKeys.hash(limit),
                        limit,
                        limit
                                + ": no limit snapshot since "
                                + Instant.ofEpochMilli(h.lastMs)
                                + ", resolved unconfirmed (is the limits poller running?)",
                        Severity.WARNING,
                        evidence,
                        h.lastMs,
                        now),
                0,
                now);
    }

    /** The release's components of the kinds that draw on {@code limit}. */
    static List<String> suspects(final List<String> components, final String limit) {
        final List<String> kinds;
        if (limit.contains("ApiRequests") || limit.contains("Callout")) {
            kinds =
                    List.of(
                            "ApexClass:",
                            "ApexTrigger:",
                            "ConnectedApp:",
                            "NamedCredential:",
                            "ExternalService",
                            "RemoteSiteSetting:");
        } else if (limit.contains("AsyncApex")) {
            kinds = List.of("ApexClass:", "ApexTrigger:");
        } else if (limit.contains("PlatformEvents") || limit.contains("Streaming")) {
            kinds = List.of("PlatformEventChannel", "Flow:", "ApexTrigger:", "ApexClass:");
        } else if (limit.contains("Email")) {
            kinds = List.of("Flow:", "WorkflowRule:", "ApexClass:", "EmailTemplate:");
        } else {
            kinds = List.of("ApexClass:", "ApexTrigger:", "Flow:");
        }
        return components.stream()
                .filter(
                        c ->
                                kinds.stream().anyMatch(c::startsWith)
                                        || limit.contains("PlatformEvents")
                                                && c.startsWith("CustomObject:")
                                                && c.endsWith("__e"))
                .toList();
    }
}
