package io.sfpulse.emulator.org;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state of one emulated org: its id, connected-app credentials, channels with their retained
 * events, and the DeployRequest history. Thread-safe.
 */
public final class EmulatedOrg {

    private final String orgId;
    private final String clientId;
    private final String clientSecret;
    private final String username;
    private final String password;
    private final EmulatorClock clock;
    private final Duration retention;
    private final Map<String, ChannelLog> channels = new ConcurrentHashMap<>();
    private final List<DeployRequestRecord> deployRequests = new ArrayList<>();
    private final List<EventLogFileRecord> eventLogFiles = new ArrayList<>();
    private final List<SetupAuditRecord> setupAudit = new ArrayList<>();
    private final EventSchemas schemas = new EventSchemas();
    private final ManagedSubscriptions managedSubscriptions = new ManagedSubscriptions();
    private final AtomicLong published = new AtomicLong();

    /** System change numbers: increasing per commit, large like an org's (diagnostic only, not unique across orgs). */
    private final AtomicLong commitNumbers = new AtomicLong(92_847_272_780L);

    private final AtomicLong apiCalls = new AtomicLong();
    private volatile long dailyApiLimit = 100_000;
    private final ApiConsumption integrations = new ApiConsumption();
    private volatile java.security.PublicKey jwtPublicKey;

    public EmulatedOrg(
            final String orgId,
            final String clientId,
            final String clientSecret,
            final String username,
            final String password,
            final EmulatorClock clock,
            final Duration retention) {
        this.orgId = orgId;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.username = username;
        this.password = password;
        this.clock = clock;
        this.retention = retention;
        // Standard channels every org has.
        Set.of("/event/BatchApexErrorEvent", "/data/ChangeEvents").forEach(this::defineChannel);
    }

    public String orgId() {
        return orgId;
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public EmulatorClock clock() {
        return clock;
    }

    /** Declares a channel (a platform event, change event or custom channel) so it can be subscribed to. */
    public ChannelLog defineChannel(final String channel) {
        return channels.computeIfAbsent(channel, c -> new ChannelLog(c, retention));
    }

    public Optional<ChannelLog> channel(final String channel) {
        return Optional.ofNullable(channels.get(channel));
    }

    /**
     * Publishes a platform event: {@code payload} holds the fields; CreatedDate/CreatedById are
     * added when missing. Returns the replay id.
     */
    public long publishPlatformEvent(
            final String channel, final Map<String, Object> payload, final String eventUuid) {
        final Map<String, Object> body = new LinkedHashMap<>(payload);
        body.putIfAbsent("CreatedDate", clock.instant().toString());
        body.putIfAbsent("CreatedById", "005000000000001AAA");
        return publish(channel, body, eventUuid == null ? UUID.randomUUID().toString() : eventUuid);
    }

    /** Publishes a change event ({@code payload} with a ChangeEventHeader); CDC events carry no EventUuid over CometD. */
    public long publishChangeEvent(final String channel, final Map<String, Object> payload) {
        return publish(channel, payload, null);
    }

    private long publish(
            final String channel, final Map<String, Object> payload, final String eventUuid) {
        final ChannelLog log = defineChannel(channel);
        published.incrementAndGet();
        return log.publish(
                        clock.instant(),
                        replayId -> {
                            final Map<String, Object> event = new LinkedHashMap<>();
                            if (eventUuid != null) {
                                event.put("EventUuid", eventUuid);
                            }
                            event.put("replayId", replayId);
                            final Map<String, Object> data = new LinkedHashMap<>();
                            data.put(
                                    "schema",
                                    schemas.register(eventType(channel, payload), payload));
                            data.put("payload", payload);
                            data.put("event", event);
                            return data;
                        })
                .replayId();
    }

    /**
     * Publishes a Change Data Capture event the way CometD delivers it (one change per transaction),
     * to the entity's channel when it is defined and to {@code /data/ChangeEvents}: the header with
     * commit timestamp, number and user and {@code isTransactionEnd}; a CREATE or UNDELETE body with
     * the given fields plus the system fields {@code CreatedDate}, {@code CreatedById},
     * {@code LastModifiedDate}, {@code LastModifiedById}; an UPDATE body with only the given fields
     * (nulls for nulled fields) plus {@code LastModifiedDate}, all of them in {@code changedFields};
     * DELETE, GAP_* and GAP_OVERFLOW with no body fields.
     * @return the replay id on {@code /data/ChangeEvents}
     */
    public long publishChange(
            final String entity,
            final String changeType,
            final List<String> recordIds,
            final Map<String, Object> fields,
            final String commitUser) {
        final Instant now = clock.instant();
        final boolean gap = changeType.startsWith("GAP");
        final Map<String, Object> body = new LinkedHashMap<>();
        if (!gap && !changeType.equals("DELETE")) {
            body.putAll(fields);
            if (changeType.equals("CREATE") || changeType.equals("UNDELETE")) {
                body.putIfAbsent("CreatedDate", now.toString());
                body.putIfAbsent("CreatedById", commitUser);
                body.putIfAbsent("LastModifiedById", commitUser);
            }
            body.put("LastModifiedDate", now.toString());
        }
        final Map<String, Object> header = new LinkedHashMap<>();
        header.put("entityName", entity);
        header.put("recordIds", recordIds);
        header.put("changeType", changeType);
        header.put(
                "changeOrigin", gap ? "" : "com/salesforce/api/rest/66.0;client=sfpulse-emulator");
        header.put("transactionKey", UUID.randomUUID().toString());
        header.put("sequenceNumber", 1);
        header.put("isTransactionEnd", true);
        header.put("commitTimestamp", now.toEpochMilli());
        header.put("commitNumber", commitNumbers.incrementAndGet());
        header.put("commitUser", commitUser);
        header.put(
                "changedFields",
                changeType.equals("UPDATE") ? new ArrayList<>(body.keySet()) : List.of());
        final Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("ChangeEventHeader", header);
        payload.putAll(body);
        final String entityChannel =
                "/data/"
                        + (entity.endsWith("__c")
                                ? entity.substring(0, entity.length() - 1)
                                : entity)
                        + "ChangeEvent";
        if (channels.containsKey(entityChannel)) {
            publishChangeEvent(entityChannel, payload);
        }
        return publishChangeEvent("/data/ChangeEvents", payload);
    }

    /** Publishes a Real-Time Event Monitoring event on {@code /event/<name>} with the common fields set. */
    public long publishMonitoringEvent(final String name, final Map<String, Object> fields) {
        final Instant now = clock.instant();
        final String uuid = UUID.randomUUID().toString();
        final Map<String, Object> payload = new LinkedHashMap<>(fields);
        payload.putIfAbsent("EventDate", now.toString());
        payload.putIfAbsent("EventIdentifier", UUID.randomUUID().toString());
        payload.putIfAbsent("EventUuid", uuid);
        payload.putIfAbsent("UserId", "005000000000001AAA");
        payload.putIfAbsent("Username", "integration@acme.example");
        payload.putIfAbsent("CreatedDate", now.toString());
        return publish("/event/" + name, payload, uuid);
    }

    public synchronized void addEventLogFile(final EventLogFileRecord file) {
        eventLogFiles.add(file);
    }

    /** Event log files created up to now, ordered by CreatedDate then Id. */
    public synchronized List<EventLogFileRecord> eventLogFiles() {
        final Instant now = clock.instant();
        return eventLogFiles.stream()
                .filter(f -> !f.createdDate().isAfter(now))
                .sorted(
                        Comparator.comparing(EventLogFileRecord::createdDate)
                                .thenComparing(EventLogFileRecord::id))
                .toList();
    }

    public synchronized Optional<EventLogFileRecord> eventLogFile(final String id) {
        return eventLogFiles.stream().filter(f -> f.id().equals(id)).findFirst();
    }

    public synchronized void addSetupAudit(final SetupAuditRecord row) {
        setupAudit.add(row);
    }

    public synchronized List<SetupAuditRecord> setupAudit() {
        final Instant now = clock.instant();
        return setupAudit.stream()
                .filter(r -> !r.createdDate().isAfter(now))
                .sorted(
                        Comparator.comparing(SetupAuditRecord::createdDate)
                                .thenComparing(SetupAuditRecord::id))
                .toList();
    }

    /** Counts one REST API call against the daily allocation. */
    public long countApiCall() {
        return apiCalls.incrementAndGet();
    }

    /** Sets today's API usage (to put the org near its allocation). */
    public void setApiCalls(final long used) {
        apiCalls.set(used);
    }

    public long apiCalls() {
        return apiCalls.get();
    }

    /**
     * From {@code from} (org time) on, the org's integrations make {@code perHour} API requests an
     * hour, drawing on the daily allocation like sfpulse's own calls.
     */
    public void setIntegrationApiRate(final Instant from, final double perHour) {
        integrations.rate(from, perHour);
    }

    /** API requests used of the daily allocation now: sfpulse's calls and the integrations' of the last 24 hours. */
    public long dailyApiUsed() {
        return apiCalls.get() + integrations.usedInWindow(clock.instant());
    }

    public long dailyApiLimit() {
        return dailyApiLimit;
    }

    public void setDailyApiLimit(final long limit) {
        this.dailyApiLimit = limit;
    }

    /** The connected app's certificate key for the JWT bearer flow (null: JWT logins refused). */
    public void setJwtPublicKey(final java.security.PublicKey key) {
        this.jwtPublicKey = key;
    }

    public java.security.PublicKey jwtPublicKey() {
        return jwtPublicKey;
    }

    public long publishedCount() {
        return published.get();
    }

    public synchronized void addDeployRequest(final DeployRequestRecord deploy) {
        deployRequests.add(deploy);
    }

    /** DeployRequests completed by the org's "now", oldest first. */
    public synchronized List<DeployRequestRecord> completedDeployRequests() {
        final Instant now = clock.instant();
        return deployRequests.stream()
                .filter(d -> d.completedDate() != null && !d.completedDate().isAfter(now))
                .sorted(Comparator.comparing(DeployRequestRecord::completedDate))
                .toList();
    }

    public synchronized Optional<DeployRequestRecord> deployRequest(final String id) {
        return deployRequests.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** Every event type's Avro schema versions (the ids in {@code data.schema}, what Pub/Sub's GetSchema serves). */
    public EventSchemas schemas() {
        return schemas;
    }

    /** The org's managed event subscriptions (Pub/Sub ManagedSubscribe, beta). */
    public ManagedSubscriptions managedSubscriptions() {
        return managedSubscriptions;
    }

    /** The channels defined so far. */
    public Set<String> channelNames() {
        return Set.copyOf(channels.keySet());
    }

    /** A change event's type is its entity's ({@code AccountChangeEvent}, {@code Invoice__ChangeEvent}); others are named by their channel. */
    private static String eventType(final String channel, final Map<String, Object> payload) {
        if (payload.get("ChangeEventHeader") instanceof Map<?, ?> header
                && header.get("entityName") != null) {
            final String entity = String.valueOf(header.get("entityName"));
            return (entity.endsWith("__c") ? entity.substring(0, entity.length() - 1) : entity)
                    + "ChangeEvent";
        }
        return channel.substring(channel.lastIndexOf('/') + 1);
    }
}
