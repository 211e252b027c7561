package io.sfpulse.streams.detector.relationships;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import io.sfpulse.streams.detector.share.ShareSeries;
import java.util.TreeSet;

/**
 * The references of one object of one org: its changes (creates, updates, undeletes) as trials and,
 * per reference field, those that null it ({@code AccountId nulled}) or point it at a deleted record
 * ({@code AccountId -> deleted}) as hits, with a few deleted parents as samples; and the fields known
 * to be references (seen holding a record id, or a standard {@code …Id} lookup). Stored per
 * (org, object) in the detector's store; not thread-safe.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
final class ObjectReferences {

    static final int MAX_FIELDS = 50;
    static final String NULLED = " nulled";
    static final String DANGLING = " -> deleted";

    ShareSeries changes = new ShareSeries();
    TreeSet<String> referenceFields = new TreeSet<>();

    boolean isReference(final String field) {
        return referenceFields.contains(field) || field.endsWith("Id") && !field.equals("Id");
    }

    void learnReference(final String field) {
        if (referenceFields.size() < MAX_FIELDS) {
            referenceFields.add(field);
        }
    }

    /** The field a kind of broken reference is about: {@code AccountId nulled} -> {@code AccountId}. */
    static String fieldOf(final String broken) {
        return broken.endsWith(NULLED)
                ? broken.substring(0, broken.length() - NULLED.length())
                : broken.substring(0, broken.length() - DANGLING.length());
    }
}
