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
    private final AtomicLong published = new AtomicLong();

    public EmulatedOrg(final String orgId, final String clientId, final String clientSecret, final String username,
                       final String password, final EmulatorClock clock, final Duration retention) {
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
    public long publishPlatformEvent(final String channel, final Map<String, Object> payload, final String eventUuid) {
        final Map<String, Object> body = new LinkedHashMap<>(payload);
        body.putIfAbsent("CreatedDate", clock.instant().toString());
        body.putIfAbsent("CreatedById", "005000000000001AAA");
        return publish(channel, body, eventUuid == null ? UUID.randomUUID().toString() : eventUuid);
    }

    /** Publishes a change event ({@code payload} with a ChangeEventHeader); CDC events carry no EventUuid over CometD. */
    public long publishChangeEvent(final String channel, final Map<String, Object> payload) {
        return publish(channel, payload, null);
    }

    private long publish(final String channel, final Map<String, Object> payload, final String eventUuid) {
        final ChannelLog log = defineChannel(channel);
        published.incrementAndGet();
        return log.publish(clock.instant(), replayId -> {
            final Map<String, Object> event = new LinkedHashMap<>();
            if (eventUuid != null) {
                event.put("EventUuid", eventUuid);
            }
            event.put("replayId", replayId);
            final Map<String, Object> data = new LinkedHashMap<>();
            data.put("schema", schemaId(channel));
            data.put("payload", payload);
            data.put("event", event);
            return data;
        }).replayId();
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
        return deployRequests.stream().filter(d -> d.completedDate() != null && !d.completedDate().isAfter(now))
            .sorted(Comparator.comparing(DeployRequestRecord::completedDate)).toList();
    }

    public synchronized Optional<DeployRequestRecord> deployRequest(final String id) {
        return deployRequests.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** A stable, schema-id-like value per channel (Salesforce's is the base64url MD5 of the Avro schema). */
    private static String schemaId(final String channel) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
            .encodeToString(UUID.nameUUIDFromBytes(channel.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 22);
    }
}
