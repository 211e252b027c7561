package io.sfpulse.emulator.faults;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults to inject into the emulated org, armed by tests and consumed once when they fire.
 * Thread-safe.
 */
public final class FaultPlan {

    private final AtomicBoolean rejectNextHandshake = new AtomicBoolean();
    private final AtomicBoolean unknownClientOnNextConnect = new AtomicBoolean();
    private final AtomicBoolean invalidReplayIdOnNextSubscribe = new AtomicBoolean();
    private final AtomicInteger busyConnects = new AtomicInteger();
    private final AtomicBoolean dailyLimitOnNextConnect = new AtomicBoolean();
    private final AtomicInteger tokenEndpointFailures = new AtomicInteger();
    private final AtomicInteger dropAfterEvents = new AtomicInteger(-1);
    private final AtomicInteger duplicateDeliveries = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong duplicatesInjected =
            new java.util.concurrent.atomic.AtomicLong();
    private volatile long connectDelayMillis;

    /** The next handshake is denied as for an invalid session: {@code 403::Handshake denied} / {@code 401::Authentication invalid}. */
    public FaultPlan rejectNextHandshake() {
        rejectNextHandshake.set(true);
        return this;
    }

    /** The server forgets the client before its next {@code /meta/connect}: {@code 403::Unknown client}, advice handshake. */
    public FaultPlan unknownClientOnNextConnect() {
        unknownClientOnNextConnect.set(true);
        return this;
    }

    /** The next subscribe is refused with the invalid-replayId error whatever id it carries. */
    public FaultPlan invalidReplayIdOnNextSubscribe() {
        invalidReplayIdOnNextSubscribe.set(true);
        return this;
    }

    /** The next {@code n} connects fail with {@code 503::Server is too busy}. */
    public FaultPlan serverBusyOnNextConnects(final int n) {
        busyConnects.set(n);
        return this;
    }

    /** The next connect fails with {@code 403::Organization total events daily limit exceeded} (advice none). */
    public FaultPlan dailyLimitOnNextConnect() {
        dailyLimitOnNextConnect.set(true);
        return this;
    }

    public boolean takeDailyLimit() {
        return fired("daily-limit", dailyLimitOnNextConnect.getAndSet(false));
    }

    /** The next {@code n} token requests fail with HTTP 503. */
    public FaultPlan failTokenRequests(final int n) {
        tokenEndpointFailures.set(n);
        return this;
    }

    /** After {@code n} more delivered events the server drops the client (next connect: unknown client). */
    public FaultPlan dropConnectionAfterEvents(final int n) {
        dropAfterEvents.set(n);
        return this;
    }

    private final AtomicBoolean stallNextConnect = new AtomicBoolean();
    private volatile java.util.concurrent.CountDownLatch connectStallRelease =
            new java.util.concurrent.CountDownLatch(0);

    /**
     * The next {@code /meta/connect} gets no reply until {@link #releaseConnectStalls()} (or five
     * minutes): a reply lost on the network, or a server that holds the long poll and never answers.
     * The client has to notice by itself, after the advised long-poll timeout plus its network-delay margin.
     */
    public FaultPlan stallNextConnect() {
        connectStallRelease = new java.util.concurrent.CountDownLatch(1);
        stallNextConnect.set(true);
        return this;
    }

    /** Lets every stalled connect go on (its client has long given up on it). */
    public FaultPlan releaseConnectStalls() {
        connectStallRelease.countDown();
        return this;
    }

    /** Holds the calling connect while a stall is armed for it (counts {@code connect-stall}). */
    public void holdIfConnectStalled() {
        if (!fired("connect-stall", stallNextConnect.getAndSet(false))) {
            return;
        }
        try {
            connectStallRelease.await(5, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Delays every {@code /meta/connect} reply by this many milliseconds. */
    public FaultPlan delayConnects(final long millis) {
        this.connectDelayMillis = millis;
        return this;
    }

    private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> fired =
            new java.util.concurrent.ConcurrentHashMap<>();

    private boolean fired(final String fault, final boolean happened) {
        if (happened) {
            fired.computeIfAbsent(fault, f -> new java.util.concurrent.atomic.AtomicLong())
                    .incrementAndGet();
        }
        return happened;
    }

    /**
     * How often a CometD fault fired (not only armed): {@code handshake-denied}, {@code unknown-client},
     * {@code server-busy}, {@code daily-limit}, {@code connection-drop}, {@code connect-stall}.
     */
    public long fired(final String fault) {
        final java.util.concurrent.atomic.AtomicLong n = fired.get(fault);
        return n == null ? 0 : n.get();
    }

    public boolean takeRejectHandshake() {
        return fired("handshake-denied", rejectNextHandshake.getAndSet(false));
    }

    public boolean takeUnknownClient() {
        return fired("unknown-client", unknownClientOnNextConnect.getAndSet(false));
    }

    public boolean takeInvalidReplayId() {
        return invalidReplayIdOnNextSubscribe.getAndSet(false);
    }

    public boolean takeBusy() {
        return fired("server-busy", busyConnects.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
    }

    public boolean takeTokenEndpointFailure() {
        return tokenEndpointFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /** Counts one delivered event; true when the drop threshold is reached (and disarms it). */
    public boolean countDeliveredAndCheckDrop() {
        final int left = dropAfterEvents.getAndUpdate(n -> n > 0 ? n - 1 : n);
        if (left == 1) {
            dropAfterEvents.set(-1);
            unknownClientOnNextConnect.set(true);
            return fired("connection-drop", true);
        }
        return false;
    }

    /**
     * Delivers each of the next {@code n} events twice (same replay id and EventUuid), as a client
     * sees after a reconnect that resumes from an older position: at-least-once redelivery.
     */
    public FaultPlan duplicateNextDeliveries(final int n) {
        duplicateDeliveries.set(n);
        return this;
    }

    /** Whether the event being delivered is to be delivered a second time (counts it). */
    public boolean takeDuplicate() {
        if (duplicateDeliveries.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            duplicatesInjected.incrementAndGet();
            return true;
        }
        return false;
    }

    /** Events delivered a second time so far. */
    public long duplicatesInjected() {
        return duplicatesInjected.get();
    }

    public long connectDelayMillis() {
        return connectDelayMillis;
    }

    // ---- Pub/Sub (gRPC) faults; each counts when it fires so a test can prove it happened ----

    private final AtomicInteger pubSubDropAfterEvents = new AtomicInteger(-1);
    private final AtomicBoolean pubSubStall = new AtomicBoolean();
    private final AtomicInteger pubSubUnavailableSubscribes = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong pubSubStreamsDropped =
            new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong pubSubStreamsStalled =
            new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong pubSubSubscribesRefused =
            new java.util.concurrent.atomic.AtomicLong();

    /** After {@code n} more delivered events the stream ends with {@code UNAVAILABLE: RST_STREAM closed stream}. */
    public FaultPlan dropPubSubStreamAfterEvents(final int n) {
        pubSubDropAfterEvents.set(n);
        return this;
    }

    /** Counts one event delivered on Pub/Sub; true when the drop threshold is reached (and disarms it). */
    public boolean countPubSubDeliveredAndCheckDrop() {
        final int left = pubSubDropAfterEvents.getAndUpdate(n -> n > 0 ? n - 1 : n);
        if (left == 1) {
            pubSubDropAfterEvents.set(-1);
            pubSubStreamsDropped.incrementAndGet();
            return true;
        }
        return false;
    }

    /** The next Pub/Sub stream that would deliver goes silent: no events, no keepalives, until the client cancels it. */
    public FaultPlan stallNextPubSubStream() {
        pubSubStall.set(true);
        return this;
    }

    public boolean takePubSubStall() {
        if (pubSubStall.getAndSet(false)) {
            pubSubStreamsStalled.incrementAndGet();
            return true;
        }
        return false;
    }

    /** The next {@code n} Subscribe calls fail at once with {@code UNAVAILABLE} ({@code service.unavailable}). */
    public FaultPlan unavailableOnNextPubSubSubscribes(final int n) {
        pubSubUnavailableSubscribes.set(n);
        return this;
    }

    public boolean takePubSubUnavailable() {
        if (pubSubUnavailableSubscribes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            pubSubSubscribesRefused.incrementAndGet();
            return true;
        }
        return false;
    }

    private final AtomicBoolean pubSubDailyLimit = new AtomicBoolean();

    /** The next Subscribe call is refused because the org's 24-hour event delivery allocation is used up. */
    public FaultPlan pubSubDailyLimitOnNextSubscribe() {
        pubSubDailyLimit.set(true);
        return this;
    }

    public boolean takePubSubDailyLimit() {
        return pubSubDailyLimit.getAndSet(false);
    }

    /** Pub/Sub streams ended by {@link #dropPubSubStreamAfterEvents}. */
    public long pubSubStreamsDropped() {
        return pubSubStreamsDropped.get();
    }

    /** Pub/Sub streams silenced by {@link #stallNextPubSubStream}. */
    public long pubSubStreamsStalled() {
        return pubSubStreamsStalled.get();
    }

    /** Subscribe calls refused by {@link #unavailableOnNextPubSubSubscribes}. */
    public long pubSubSubscribesRefused() {
        return pubSubSubscribesRefused.get();
    }

    // ---- REST faults: the next queries on one sObject fail with Salesforce's error shape ----

    /** A REST error to answer: HTTP status, Salesforce errorCode and message. */
    public record RestError(int status, String errorCode, String message) {}

    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> restFailures =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, RestError> restErrors =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong restFaultsInjected =
            new java.util.concurrent.atomic.AtomicLong();

    /** The next {@code n} queries reading {@code sobject} (e.g. DeployRequest, SetupAuditTrail) answer this error; n < 0: every one. */
    public FaultPlan failRestQueries(
            final String sobject,
            final int n,
            final int status,
            final String errorCode,
            final String message) {
        restErrors.put(sobject, new RestError(status, errorCode, message));
        restFailures.put(sobject, new java.util.concurrent.atomic.AtomicInteger(n));
        return this;
    }

    /** The error to answer a query on {@code sobject} with, if one is armed (counts it). */
    public java.util.Optional<RestError> takeRestError(final String sobject) {
        final java.util.concurrent.atomic.AtomicInteger left = restFailures.get(sobject);
        if (left == null || left.getAndUpdate(n -> n > 0 ? n - 1 : n) == 0) {
            return java.util.Optional.empty();
        }
        restFaultsInjected.incrementAndGet();
        return java.util.Optional.ofNullable(restErrors.get(sobject));
    }

    /** REST queries answered with an injected error so far. */
    public long restFaultsInjected() {
        return restFaultsInjected.get();
    }
}
