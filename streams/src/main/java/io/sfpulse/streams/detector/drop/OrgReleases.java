package io.sfpulse.streams.detector.drop;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.schemas.signal.Signal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a drop detector knows of an org as a whole: the live release (learnt from any attributed
 * signal, progress records included, so a release is known even when the subject it broke never
 * occurs again), how far each source has delivered (progress records), and how many subjects the
 * org has (the Bonferroni factor). Stored per org; not thread-safe.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
final class OrgReleases {

    String releaseId;
    long releaseCompletedMs = Long.MIN_VALUE;
    List<String> releaseComponents = new ArrayList<>();
    String releaseLabel;
    String releaseCommit;

    /** Source -> delivered through (org time), from progress records. */
    Map<String, Long> deliveredThrough = new HashMap<>();

    int subjects;

    /** Takes the signal's release when it is newer than the one known; reports whether it was. */
    boolean noteRelease(final Signal s) {
        final long completed = s.getReleaseCompletedTime().toEpochMilli();
        if (completed <= releaseCompletedMs) {
            return false;
        }
        releaseId = s.getReleaseId();
        releaseCompletedMs = completed;
        releaseComponents = new ArrayList<>(s.getReleaseComponents());
        releaseLabel = s.getReleaseLabel();
        releaseCommit = s.getReleaseCommit();
        return true;
    }

    /** Records a progress record; reports whether it moved the source forward. */
    boolean noteProgress(final String source, final long through) {
        final Long before = deliveredThrough.get(source);
        if (before != null && before >= through) {
            return false;
        }
        deliveredThrough.put(source, through);
        return true;
    }

    boolean hasRelease() {
        return releaseId != null;
    }
}
