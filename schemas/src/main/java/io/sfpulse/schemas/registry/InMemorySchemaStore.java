package io.sfpulse.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.avro.Schema;

/**
 * Registry state: global ids, subjects and their versions. Same schema text (after Avro
 * normalisation) gets the same id across subjects, as in Confluent's registry.
 * Thread-safe (all methods synchronized).
 */
public final class InMemorySchemaStore {

    /** One registered (subject, version) pair. */
    public record Entry(String subject, int version, int id, String schema) {}

    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<String, List<Entry>> versionsBySubject = new HashMap<>();

    /** Normalised text used for identity: parse and print, so formatting differences do not matter. */
    public static String canonical(final String schemaText) {
        try {
            return new Schema.Parser().parse(schemaText).toString();
        } catch (org.apache.avro.SchemaParseException e) {
            throw e;
        } catch (RuntimeException e) {
            // Avro 1.12 reports some invalid schemas (an unknown type name) as a
            // NullPointerException: still the schema's fault.
            throw new org.apache.avro.SchemaParseException(e.getMessage());
        }
    }

    /** Returns the existing entry for this schema under the subject, if any. */
    public synchronized Optional<Entry> find(final String subject, final String schemaText) {
        final String canonical = canonical(schemaText);
        return versionsBySubject.getOrDefault(subject, List.of()).stream()
                .filter(e -> e.schema().equals(canonical))
                .findFirst();
    }

    /** Computes, without storing, the entry a registration would create. */
    public synchronized Entry prepare(final String subject, final String schemaText) {
        final String canonical = canonical(schemaText);
        final Optional<Entry> existing = find(subject, canonical);
        if (existing.isPresent()) {
            return existing.get();
        }
        final int id =
                idsByCanonical.getOrDefault(
                        canonical,
                        schemasById.keySet().stream().mapToInt(Integer::intValue).max().orElse(0)
                                + 1);
        final int version = versionsBySubject.getOrDefault(subject, List.of()).size() + 1;
        return new Entry(subject, version, id, canonical);
    }

    /** Applies an entry (from a local registration or replayed from the log). Idempotent. */
    public synchronized void apply(final Entry entry) {
        schemasById.putIfAbsent(entry.id(), entry.schema());
        idsByCanonical.putIfAbsent(entry.schema(), entry.id());
        final List<Entry> versions =
                versionsBySubject.computeIfAbsent(entry.subject(), s -> new ArrayList<>());
        if (versions.stream().noneMatch(e -> e.version() == entry.version())) {
            versions.add(entry);
            versions.sort((a, b) -> Integer.compare(a.version(), b.version()));
        }
    }

    public synchronized Optional<String> schemaById(final int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    public synchronized List<String> subjects() {
        return new ArrayList<>(new TreeSet<>(versionsBySubject.keySet()));
    }

    public synchronized List<Entry> versions(final String subject) {
        return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
    }
}
