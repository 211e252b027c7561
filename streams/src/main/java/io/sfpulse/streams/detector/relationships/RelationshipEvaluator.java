package io.sfpulse.streams.detector.relationships;

import io.sfpulse.streams.detector.AlertState;
import io.sfpulse.streams.detector.MinuteCounts;
import io.sfpulse.streams.detector.SuspectComponents;
import io.sfpulse.streams.stats.ProportionComparison;
import io.sfpulse.streams.stats.RateComparison;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Did an object's changes start breaking one of its references after a release — nulling a lookup
 * ({@code AccountId nulled}), or pointing it at a record deleted earlier ({@code AccountId -> deleted})?
 * The share of the object's changes in the judged span that do, against the share before the
 * release: Fisher's exact test, one-sided ({@link ProportionComparison}), with a minimum of broken
 * references, a minimum ratio and a minimum baseline. Pure: no Kafka types, event time only.
 */
final class RelationshipEvaluator {

    static final String NULLED = " nulled";
    static final String DANGLING = " -> deleted";

    /** The call on one span, with its windows; {@code reason} says why when it is not an increase. */
    record Assessment(ProportionComparison.Result result, String reason, long fromMs, long toMs, long baselineFromMs, long baselineToMs) {
        RateComparison.Verdict verdict() {
            return result.verdict();
        }
    }

    private final RelationshipSettings settings;
    private final ProportionComparison test;

    RelationshipEvaluator(final RelationshipSettings settings) {
        this.settings = settings;
        this.test = new ProportionComparison(settings.alpha(), settings.minHits(), settings.minRatio(), settings.minBaselineChanges());
    }

    RelationshipSettings settings() {
        return settings;
    }

    long spanStart(final long startMs, final long nowMs) {
        return Math.max(startMs, nowMs - settings.span().toMillis());
    }

    Assessment assess(final ObjectReferences o, final String broken, final long releaseMs, final long fromMs, final long toMs) {
        final long release = Math.floorDiv(releaseMs, MinuteCounts.MINUTE_MS) * MinuteCounts.MINUTE_MS;
        final long from = Math.min(toMs, Math.floorDiv(fromMs + MinuteCounts.MINUTE_MS - 1, MinuteCounts.MINUTE_MS) * MinuteCounts.MINUTE_MS);
        final long baselineFrom = Math.min(release, Math.max(release - settings.baseline().toMillis(), o.changes.firstObservedMs()));
        ProportionComparison.Result r = test.compare(o.brokenCount(broken, from, toMs), o.changes.count(from, toMs),
            o.brokenCount(broken, baselineFrom, release), o.changes.count(baselineFrom, release));
        String reason;
        if (release - baselineFrom < settings.minBaseline().toMillis()) {
            r = new ProportionComparison.Result(RateComparison.Verdict.INCONCLUSIVE, r.pValue(), r.currentShare(), r.baselineShare(), r.ratio(),
                r.currentHits(), r.currentTrials(), r.baselineHits(), r.baselineTrials());
            reason = "baseline shorter than " + settings.minBaseline() + " before the release";
        } else if (r.verdict() == RateComparison.Verdict.INCONCLUSIVE) {
            reason = r.baselineTrials() < settings.minBaselineChanges()
                ? r.baselineTrials() + " changes in the baseline, fewer than " + settings.minBaselineChanges()
                : r.currentHits() + " broken references, fewer than " + settings.minHits();
        } else if (r.verdict() == RateComparison.Verdict.INCREASE) {
            reason = String.format(Locale.ROOT, "%s of the changes break it now, %s before", pct(r.currentShare()), pct(r.baselineShare()));
        } else {
            reason = "not significantly more than before";
        }
        return new Assessment(r, reason, from, toMs, baselineFrom, release);
    }

    /** The object an id's key prefix stands for, for the standard objects; else the prefix. */
    static String objectOf(final String id) {
        final String prefix = id.length() >= 3 ? id.substring(0, 3) : id;
        return switch (prefix) {
            case "001" -> "Account";
            case "003" -> "Contact";
            case "005" -> "User";
            case "006" -> "Opportunity";
            case "00Q" -> "Lead";
            case "500" -> "Case";
            case "701" -> "Campaign";
            case "800" -> "Contract";
            case "801" -> "Order";
            default -> "records with key prefix " + prefix;
        };
    }

    Map<String, String> evidence(final String object, final String broken, final ObjectReferences o, final Assessment a, final AlertState alert) {
        final ProportionComparison.Result r = a.result();
        final String field = broken.endsWith(NULLED) ? broken.substring(0, broken.length() - NULLED.length())
            : broken.substring(0, broken.length() - DANGLING.length());
        final Map<String, String> e = new LinkedHashMap<>();
        e.put("test", broken.endsWith(NULLED)
            ? "Fisher's exact test (one-sided) of the share of the object's changes that null the reference"
            : "Fisher's exact test (one-sided) of the share of the object's changes that point the reference at a deleted record");
        e.put("alpha", String.format(Locale.ROOT, "%.4g", settings.alpha()));
        e.put("pValue", String.format(Locale.ROOT, "%.3g", r.pValue()));
        e.put("entity", object);
        e.put("field", object + "." + field);
        e.put("relationship", broken.endsWith(NULLED) ? "nulled" : "points at deleted record");
        e.put("observedCount", String.valueOf(r.currentHits()));
        e.put("changesNow", String.valueOf(r.currentTrials()));
        e.put("baselineCount", String.valueOf(r.baselineHits()));
        e.put("changesBefore", String.valueOf(r.baselineTrials()));
        e.put("shareAfter", pct(r.currentShare()));
        e.put("shareBefore", pct(r.baselineShare()));
        e.put("ratio", String.format(Locale.ROOT, "%.4g", r.ratio()));
        final java.util.Set<String> parents = o.samples.get(broken);
        if (parents != null && !parents.isEmpty()) {
            e.put("deletedParents", String.join(",", parents));
            e.put("parentObject", objectOf(parents.iterator().next()));
        }
        e.put("baselineWindows", window(a.baselineFromMs(), a.baselineToMs()));
        e.put("currentWindow", window(a.fromMs(), a.toMs()));
        e.put("reason", a.reason());
        final MinuteCounts series = o.broken.get(broken);
        if (series != null) {
            final long from = Math.min(alert.releaseCompletedMs() - settings.span().toMillis(), a.fromMs());
            e.put("series", series.series(from, Math.max(a.toMs(), from + MinuteCounts.MINUTE_MS)));
        }
        if (alert.hasRelease()) {
            e.put("deployId", alert.releaseId());
            e.put("deployCompletedAt", Instant.ofEpochMilli(alert.releaseCompletedMs()).toString());
            e.put("suspectComponents", String.join(",", SuspectComponents.byEntity(alert.components(), object, field)));
        }
        return e;
    }

    static String pct(final double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    private static String window(final long from, final long to) {
        return Instant.ofEpochMilli(from) + "/" + Instant.ofEpochMilli(to);
    }
}
