package io.sfpulse.streams.normalize;

import static io.sfpulse.streams.normalize.NormalizedSignals.base;
import static io.sfpulse.streams.normalize.PayloadFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfpulse.schemas.event.SalesforceEvent;
import io.sfpulse.schemas.id.SalesforceIds;
import io.sfpulse.schemas.signal.Signal;
import io.sfpulse.schemas.signal.SignalKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Change Data Capture ({@code /data/...}): one data-change signal per event with entity, change
 * type, commit user, record count, the fields set to null, the values written to the configured
 * category fields ({@code value.Status=Closed}; {@code (none)} when nulled), the record references
 * written ({@code ref.AccountId=001…}: fields whose value is an 18-character case-safe id) and, for
 * a DELETE or UNDELETE, the records' ids ({@code recordIds}, at most 100). A change committed by
 * a configured integration user is also ACTIVITY of {@code changes by integration user <id>}, so a
 * sync that stops is an absent entry point.
 */
final class ChangeEventNormalizer implements SourceNormalizer {

    /** Entry point of an integration user's changes, e.g. {@code changes by integration user 005…}. */
    static final String INTEGRATION_USER_PREFIX = "changes by integration user ";

    /** Id fields of every record that say who, not which related record: never relationship references. */
    private static final java.util.Set<String> NOT_REFERENCES =
            java.util.Set.of("Id", "CreatedById", "LastModifiedById");

    /** Entity -> its category fields. */
    private final Map<String, List<String>> categoryFields = new java.util.HashMap<>();

    /** Integration users (18-character ids) whose changes are also activity of their own entry point. */
    private final java.util.Set<String> integrationUsers;

    ChangeEventNormalizer(
            final java.util.Set<String> categoryFields,
            final java.util.Set<String> integrationUsers) {
        this.integrationUsers =
                integrationUsers.stream()
                        .filter(SalesforceIds::isId)
                        .map(SalesforceIds::to18)
                        .collect(java.util.stream.Collectors.toUnmodifiableSet());
        for (final String f : categoryFields) {
            final int dot = f.indexOf('.');
            if (dot > 0 && dot < f.length() - 1) {
                this.categoryFields
                        .computeIfAbsent(f.substring(0, dot), e -> new ArrayList<>())
                        .add(f.substring(dot + 1));
            }
        }
    }

    @Override
    public boolean handles(final String channel, final JsonNode payload) {
        return channel.startsWith("/data/");
    }

    @Override
    public List<Signal> normalize(final SalesforceEvent event, final JsonNode payload) {
        final JsonNode header = payload.get("ChangeEventHeader");
        final Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("changeType", text(header, "changeType"));
        attrs.put("commitUser", text(header, "commitUser"));
        attrs.put("records", String.valueOf(Math.max(1, header.path("recordIds").size())));
        // One pass over the body: the fields set to null, and the record references written.
        final List<String> nulled = new ArrayList<>();
        final Map<String, String> references = new LinkedHashMap<>();
        payload.fields()
                .forEachRemaining(
                        f -> {
                            final JsonNode v = f.getValue();
                            if (v.isNull() && !f.getKey().equals("ChangeEventHeader")) {
                                nulled.add(f.getKey());
                            } else if (v.isTextual()
                                    && !NOT_REFERENCES.contains(f.getKey())
                                    && SalesforceIds.isCaseSafeId(v.asText())) {
                                references.put(
                                        SignalNormalizer.REFERENCE_PREFIX + f.getKey(), v.asText());
                            }
                        });
        attrs.put("nulledFields", String.join(",", nulled));
        final String entity = text(header, "entityName");
        final String changeType = attrs.get("changeType");
        if (changeType.equals("DELETE") || changeType.equals("UNDELETE")) {
            final List<String> ids = new ArrayList<>();
            header.path("recordIds")
                    .forEach(
                            id -> {
                                if (ids.size() < SignalNormalizer.MAX_RECORD_IDS
                                        && SalesforceIds.isId(id.asText())) {
                                    ids.add(SalesforceIds.to18(id.asText()));
                                }
                            });
            attrs.put("recordIds", String.join(",", ids));
        }
        attrs.putAll(references);
        for (final String field : categoryFields.getOrDefault(entity, List.of())) {
            final JsonNode v = payload.get(field);
            if (v != null) {
                attrs.put(
                        SignalNormalizer.CATEGORY_VALUE_PREFIX + field,
                        v.isNull() ? SignalNormalizer.NO_VALUE : v.asText());
            }
        }
        final Signal change =
                base(event, SignalKind.DATA_CHANGE, entity).setAttributes(attrs).build();
        final String user = attrs.get("commitUser");
        if (!integrationUsers.isEmpty()
                && SalesforceIds.isId(user)
                && integrationUsers.contains(SalesforceIds.to18(user))) {
            return List.of(
                    change,
                    NormalizedSignals.activity(
                            event, INTEGRATION_USER_PREFIX + SalesforceIds.to18(user), 1));
        }
        return List.of(change);
    }
}
