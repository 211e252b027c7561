package io.sfpulse.streams.detector.threats;

import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.streams.detector.AlertLifecycle;
import io.sfpulse.streams.detector.DetectorProcessor;
import io.sfpulse.streams.detector.SubjectKeys;
import io.sfpulse.streams.normalize.ThreatSignals;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes Salesforce's threat detections (Real-Time Event Monitoring: ApiAnomalyEvent,
 * CredentialStuffingEvent, SessionHijackingEvent, ReportAnomalyEvent, ...) on as alerts of their
 * own kind, one per (kind, user): TRIGGERED at the first detection scored at least {@code
 * min.score}, UPDATED when the detections double or one reaches {@code critical.score}, RESOLVED
 * after {@code quiet.ms} of event time without another; a later detection opens a new incident.
 * The statistics are Salesforce's (its model's Score): this detector adds no test of its own, it
 * groups, attributes the detection to the release live at its time, and explains it (score,
 * summary, user, source IP, the features that contributed most). Dedup key:
 * org|release|threat-events|hash of kind and user.
 */
final class ThreatEventsProcessor extends DetectorProcessor<ThreatHistory> {

    private static final Logger LOG = LoggerFactory.getLogger(ThreatEventsProcessor.class);
    private static final long FORGET_MS = Duration.ofDays(7).toMillis();
    private final ThreatSettings settings;

    ThreatEventsProcessor(final ThreatSettings settings) {
        super(ThreatEventsDetector.NAME);
        this.settings = settings;
    }

    @Override
    protected boolean observesOrg() {
        return false;
    }

    @Override
    protected boolean analyses(final Signal s) {
        return ThreatSignals.isThreat(s);
    }

    private static String subject(final Signal s) {
        final String user = s.getAttributes().get(ThreatSignals.USER);
        return s.getAttributes().get(ThreatSignals.TYPE)
                + " for "
                + (user == null ? "an unnamed user" : user);
    }

    @Override
    protected String stateKey(final String org, final Signal s) {
        return seriesKey(org, subject(s));
    }

    @Override
    protected ThreatHistory emptyState() {
        return new ThreatHistory();
    }

    @Override
    protected void analyse(final String org, final Signal s, final long t, final ThreatHistory h) {
        final Map<String, String> a = s.getAttributes();
        final double score = Double.parseDouble(a.get(ThreatSignals.SCORE));
        final String subject = subject(s);
        if (score < settings.minScore()) {
            LOG.atDebug()
                    .addKeyValue("org", org)
                    .log(
                            "{} scored {} (below {}): not alerted",
                            subject,
                            score,
                            settings.minScore());
            return;
        }
        if (h.alert == null || h.alert.isResolved()) {
            h.alert =
                    AlertLifecycle.nextIncident(
                            h.alert,
                            s,
                            s.getReleaseId() != null,
                            t,
                            org,
                            ThreatEventsDetector.NAME,
                            SubjectKeys.hash(subject));
            h.detections = 0;
            h.firstMs = t;
            h.maxScore = 0;
        }
        final boolean wasCritical = h.maxScore >= settings.criticalScore();
        h.detections++;
        h.lastMs = Math.max(h.lastMs, t);
        h.maxScore = Math.max(h.maxScore, score);
        h.lastScore = score;
        h.summary = a.get(ThreatSignals.SUMMARY);
        h.sourceIp = a.get(ThreatSignals.SOURCE_IP);
        h.userId = a.get(ThreatSignals.USER_ID);
        h.features = a.get(ThreatSignals.FEATURES);
        h.eventIdentifier = a.get(ThreatSignals.EVENT_ID);
        h.policyOutcome = a.get(ThreatSignals.POLICY_OUTCOME);
        if (h.alert.isPending()) {
            emit(org, subject, a.get(ThreatSignals.TYPE), h, AlertStatus.TRIGGERED, t);
        } else if (h.alert.isOpen()
                && (h.detections >= 2 * h.alert.lastReportedCount()
                        || !wasCritical && h.maxScore >= settings.criticalScore())) {
            emit(org, subject, a.get(ThreatSignals.TYPE), h, AlertStatus.UPDATED, t);
        }
    }

    @Override
    protected void prune(final ThreatHistory h, final long t) {}

    @Override
    protected void punctuate(final long streamTime) {
        updateEachState(
                (key, h) -> {
                    if (h.alert != null
                            && h.alert.isOpen()
                            && streamTime - h.lastMs >= settings.quiet().toMillis()) {
                        final String subject = seriesOf(key);
                        emit(
                                orgOf(key),
                                subject,
                                subject.substring(0, subject.indexOf(' ')),
                                h,
                                AlertStatus.RESOLVED,
                                streamTime);
                        return true;
                    }
                    return false;
                },
                (key, h) ->
                        (h.alert == null || h.alert.isResolved())
                                && h.lastMs < streamTime - FORGET_MS);
    }

    private void emit(
            final String org,
            final String subject,
            final String type,
            final ThreatHistory h,
            final AlertStatus status,
            final long now) {
        final String when = h.alert.hasRelease() ? " after deploy " + h.alert.releaseId() : "";
        final String summary =
                switch (status) {
                    case RESOLVED ->
                            String.format(
                                    Locale.ROOT,
                                    "No further %s%s since %s (%d detections, max score %.2f)",
                                    subject,
                                    when,
                                    Instant.ofEpochMilli(h.lastMs),
                                    h.detections,
                                    h.maxScore);
                    case UPDATED ->
                            String.format(
                                    Locale.ROOT,
                                    "Salesforce detected %s again%s: %d detections, max score %.2f: %s",
                                    subject,
                                    when,
                                    h.detections,
                                    h.maxScore,
                                    h.summary);
                    default ->
                            String.format(
                                    Locale.ROOT,
                                    "Salesforce detected %s%s (score %.2f): %s",
                                    subject,
                                    when,
                                    h.lastScore,
                                    h.summary);
                };
        emit(
                h.alert,
                status,
                new AlertLifecycle.Draft(
                        org,
                        ThreatEventsDetector.NAME,
                        SubjectKeys.hash(subject),
                        subject,
                        summary,
                        h.maxScore >= settings.criticalScore() ? Severity.CRITICAL : Severity.ERROR,
                        evidence(type, h),
                        h.firstMs,
                        Math.max(h.lastMs, now)),
                h.detections,
                now);
    }

    private Map<String, String> evidence(final String type, final ThreatHistory h) {
        final Map<String, String> e = new LinkedHashMap<>();
        e.put(
                "test",
                "Salesforce threat detection ("
                        + type
                        + ", machine-learning score 0-1), passed on");
        e.put("threatType", type);
        e.put("score", String.format(Locale.ROOT, "%.3f", h.lastScore));
        e.put("maxScore", String.format(Locale.ROOT, "%.3f", h.maxScore));
        e.put("minScore", String.valueOf(settings.minScore()));
        e.put("detections", String.valueOf(h.detections));
        e.put("firstDetected", Instant.ofEpochMilli(h.firstMs).toString());
        e.put("lastDetected", Instant.ofEpochMilli(h.lastMs).toString());
        e.put("threatSummary", h.summary);
        put(e, "userId", h.userId);
        put(e, "sourceIp", h.sourceIp);
        put(e, "features", h.features);
        put(e, "eventIdentifier", h.eventIdentifier);
        put(e, "policyOutcome", h.policyOutcome);
        if (h.alert.hasRelease()) {
            e.put("deployId", h.alert.releaseId());
            e.put(
                    "deployCompletedAt",
                    Instant.ofEpochMilli(h.alert.releaseCompletedMs()).toString());
        }
        return e;
    }

    private static void put(final Map<String, String> e, final String key, final String value) {
        if (value != null && !value.isBlank()) {
            e.put(key, value);
        }
    }
}
