package io.sfpulse.streams.detector.drop;

import io.sfpulse.schemas.signal.Signal;
import java.util.List;

/**
 * What one drop detector counts and how it speaks of it: which signals are occurrences, of which
 * subject (an entry point, an object's record creation, ...), how many each signal stands for, the
 * source family a subject is compared with, the suspects a release's components hold, and the words
 * of its summaries and evidence. Everything else — series, baselines, the test, the lifecycle — is
 * the same for every drop detector ({@link DropProcessor}, {@link DropEvaluator}).
 */
public interface WatchedCounts {

    /** Whether the signal is an occurrence of a watched subject. */
    boolean counts(Signal s);

    /** The subject the occurrence belongs to, e.g. {@code Flow.Invoice_Flow} or {@code Case}. */
    String subject(Signal s);

    /** How many occurrences the signal stands for (at least 1). */
    long amount(Signal s);

    /** Source family of a channel: subjects are only compared with others of their family (EventLogFile rows arrive hours late). */
    String family(String channel);

    /**
     * Whether the signal is part of the org's activity its family's subjects are compared with (the org-wide check): every
     * counted signal is, and a detector may count more, e.g. all of an object's data changes, not only creations, so that an
     * org-wide lull shows in enough of the org's activity to tell it from one subject's drop. Default: the counted signals.
     */
    default boolean inFamily(final Signal s) {
        return counts(s);
    }

    /** The release's components that point at the subject. */
    List<String> suspects(List<String> components, String subject);

    /** How summaries name the subject, e.g. {@code Flow.Invoice_Flow} or {@code Case record creation}. */
    String title(String subject);

    /** The occurrences' unit in summaries and reasons, e.g. {@code executions} or {@code records created}. */
    String unit();

    /** Said when the subject is back at its normal rate, e.g. {@code runs again}. */
    String resumed();

    /** Evidence key of the subject, e.g. {@code entryPoint}. */
    String evidenceKey();

    /** Evidence key of how many subjects the org's test corrects for, e.g. {@code entryPointsTested}. */
    String testedKey();
}
