package io.sfpulse.ingest.cometd;

import io.sfpulse.ingest.SalesforceSourceConfig;
import io.sfpulse.ingest.SalesforceSourceConfig.InvalidReplayPolicy;
import io.sfpulse.ingest.auth.AccessToken;
import io.sfpulse.ingest.auth.AuthenticationException;
import io.sfpulse.ingest.auth.OAuthClient;
import io.sfpulse.ingest.error.Backoff;
import io.sfpulse.ingest.error.StreamingAction;
import io.sfpulse.ingest.error.StreamingErrorClassifier;
import io.sfpulse.ingest.progress.ServerDates;
import io.sfpulse.ingest.stream.ReplayId;
import io.sfpulse.ingest.stream.ReplayPositions;
import io.sfpulse.ingest.stream.StreamingSource;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.cometd.bayeux.Channel;
import org.cometd.bayeux.Message;
import org.cometd.bayeux.client.ClientSessionChannel;
import org.cometd.client.BayeuxClient;
import org.cometd.client.http.jetty.JettyHttpClientTransport;
import org.cometd.client.transport.ClientTransport;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-polling Streaming API (CometD) session for a set of channels of one org. Subscribes
 * (again) in the handshake listener from the channels' {@link ReplayPositions}, classifies every
 * failure, and recovers with bounded, jittered back-off: re-handshake, re-login, or a new client.
 * Unrecoverable errors go to {@link Listener#onFatal}. Events are handed to {@link Listener#onEvent}
 * on CometD's thread (blocking it is the back-pressure onto the long poll).
 */
public final class CometdSource implements StreamingSource {

    private static final Logger LOG = LoggerFactory.getLogger(CometdSource.class);

    /** How long past the advised long-poll timeout a /meta/connect reply may take before the transport gives up on it. */
    static final Duration NETWORK_DELAY_MARGIN = Duration.ofSeconds(15);

    private final SalesforceSourceConfig config;
    private final OAuthClient oauth;
    private final List<String> channels;
    private final ReplayPositions positions;
    private final Listener listener;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;
    private final HttpClient httpClient = new HttpClient();
    private final AtomicBoolean restarting = new AtomicBoolean();
    private final AtomicLong handshakes = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong dailyLimitHits = new AtomicLong();
    private final AtomicLong resubscribes = new AtomicLong();
    private final ClientSessionChannel.MessageListener eventListener = this::onEvent;

    /** The org's clock from the Date header of the latest response (see {@link ServerDates}). */
    private volatile Instant lastServerDate;

    private volatile BayeuxClient client;
    private volatile AccessToken token;
    private volatile boolean closed;

    /** @param starts where each channel starts (its committed position or the initial preset) */
    public CometdSource(
            final SalesforceSourceConfig config,
            final OAuthClient oauth,
            final Map<String, ReplayId> starts,
            final Listener listener,
            final ScheduledExecutorService scheduler) {
        this.config = config;
        this.oauth = oauth;
        this.channels = List.copyOf(starts.keySet());
        this.positions = new ReplayPositions();
        starts.forEach(positions::setStart);
        this.listener = listener;
        this.scheduler = scheduler;
        this.backoff =
                new Backoff(
                        Duration.ofMillis(500), config.retryMaxBackoff(), config.retryMaxElapsed());
        // Salesforce batches events in one long-poll reply; clients must buffer 10 MB.
        httpClient.setMaxResponseHeadersSize(64 * 1024);
    }

    @Override
    public void start() {
        try {
            httpClient.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start HTTP client", e);
        }
        connect(false);
    }

    @Override
    public void acknowledged(final String channel, final ReplayId replayId) {
        positions.acked(channel, replayId);
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of(
                "handshakes-total",
                handshakes.get(),
                "reconnects-total",
                reconnects.get(),
                "daily-limit-exceeded-total",
                dailyLimitHits.get(),
                "resubscribes-total",
                resubscribes.get());
    }

    /** Number of successful handshakes so far (1 + re-handshakes). */
    public long handshakes() {
        return handshakes.get();
    }

    /** Clients abandoned and rebuilt after failures. */
    public long reconnects() {
        return reconnects.get();
    }

    /** Subscribes sent again after a failed subscribe on a live session. */
    public long resubscribes() {
        return resubscribes.get();
    }

    /** Times Salesforce answered that the org's daily event delivery allocation is used up. */
    public long dailyLimitHits() {
        return dailyLimitHits.get();
    }

    private void connect(final boolean relogin) {
        token = relogin ? oauth.refresh(token) : oauth.token();
        final BayeuxClient fresh = newClient(token);
        client = fresh;
        fresh.handshake();
    }

    private BayeuxClient newClient(final AccessToken accessToken) {
        final Map<String, Object> options = new HashMap<>();
        // CometD waits for a /meta/connect reply the server's advised long-poll timeout (110 s on
        // Salesforce) plus this margin, and for any other reply this margin alone: a lost reply is
        // noticed after 125 s, not after the 245 s a margin that already counted the hold would
        // take.
        options.put(ClientTransport.MAX_NETWORK_DELAY_OPTION, NETWORK_DELAY_MARGIN.toMillis());
        options.put(ClientTransport.MAX_MESSAGE_SIZE_OPTION, 10 * 1024 * 1024);
        final JettyHttpClientTransport transport =
                new JettyHttpClientTransport(options, httpClient) {
                    @Override
                    protected void customize(final Request request) {
                        super.customize(request);
                        request.headers(h -> h.put("Authorization", "Bearer " + token.value()));
                        request.onResponseHeaders(
                                response -> {
                                    final Instant date =
                                            ServerDates.parse(response.getHeaders().get("Date"));
                                    if (date != null) {
                                        lastServerDate = date;
                                    }
                                });
                    }
                };
        final String url = accessToken.instanceUrl() + "/cometd/" + config.apiVersion();
        final BayeuxClient c = new BayeuxClient(url, transport);
        c.addExtension(new ReplayExtension(positions, channels));
        c.getChannel(Channel.META_HANDSHAKE)
                .addListener((ClientSessionChannel.MessageListener) (ch, m) -> onHandshake(c, m));
        c.getChannel(Channel.META_CONNECT)
                .addListener((ClientSessionChannel.MessageListener) (ch, m) -> onConnect(c, m));
        c.getChannel(Channel.META_SUBSCRIBE)
                .addListener((ClientSessionChannel.MessageListener) (ch, m) -> onSubscribe(c, m));
        return c;
    }

    private void onHandshake(final BayeuxClient c, final Message message) {
        if (closed || c != client) {
            return;
        }
        if (message.isSuccessful()) {
            handshakes.incrementAndGet();
            LOG.atInfo()
                    .addKeyValue("org", token.orgId())
                    .log(
                            "Handshake succeeded (client '{}'); subscribing to {}",
                            c.getId(),
                            channels);
            // CometD drops subscriptions on re-handshake: subscribe again, from the latest
            // positions.
            channels.forEach(channel -> subscribe(c, channel));
        } else {
            handleFailure(c, "handshake", message);
        }
    }

    private void subscribe(final BayeuxClient c, final String channel) {
        final ClientSessionChannel ch = c.getChannel(channel);
        ch.unsubscribe(eventListener); // local listener only; the server session is new
        ch.subscribe(eventListener);
        LOG.atInfo()
                .addKeyValue("org", token.orgId())
                .addKeyValue("channel", channel)
                .log("Subscribing from replayId {}", positions.forSubscribe(channel));
    }

    private void onConnect(final BayeuxClient c, final Message message) {
        if (closed || c != client) {
            return;
        }
        if (message.isSuccessful()) {
            backoff.reset();
            final Instant through = ServerDates.deliveredThrough(lastServerDate);
            if (through != null) {
                listener.onDelivered(through);
            }
        } else {
            handleFailure(c, "connect", message);
        }
    }

    private void onSubscribe(final BayeuxClient c, final Message message) {
        if (closed || c != client) {
            return;
        }
        final String channel = String.valueOf(message.get(Message.SUBSCRIPTION_FIELD));
        if (message.isSuccessful()) {
            LOG.atInfo()
                    .addKeyValue("org", token.orgId())
                    .addKeyValue("channel", channel)
                    .log("Subscribed (client '{}')", c.getId());
            return;
        }
        final String error = String.valueOf(message.get(Message.ERROR_FIELD));
        final StreamingAction action =
                StreamingErrorClassifier.classify(
                        error, failureReason(message), message.getAdvice());
        if (action == StreamingAction.INVALID_REPLAY) {
            onInvalidReplay(c, channel, error);
        } else if (action == StreamingAction.FATAL) {
            listener.onFatal("Subscribe to '" + channel + "' refused: " + error, null);
        } else {
            handleFailure(c, "subscribe", message);
            resubscribeLater(
                    c,
                    channel,
                    action,
                    message.getAdvice() == null ? null : message.getAdvice().get("reconnect"));
        }
    }

    /**
     * A subscribe that failed while the session stays up is not retried by the CometD client, and
     * the session would go on connecting with no subscription (no event, no error): subscribe again
     * after back-off, unless the client is being replaced (its handshake subscribes anyway).
     */
    private void resubscribeLater(
            final BayeuxClient c,
            final String channel,
            final StreamingAction action,
            final Object reconnect) {
        if (action != StreamingAction.RETRY
                || "handshake".equals(reconnect)
                || "none".equals(reconnect)) {
            return; // the session is being rebuilt: its handshake subscribes every channel again
        }
        final long handshakesNow = handshakes.get();
        final Duration delay = backoff.next();
        if (delay == null) {
            listener.onFatal(
                    "Gave up subscribing to '"
                            + channel
                            + "' after "
                            + backoff.attempt()
                            + " attempts over "
                            + config.retryMaxElapsed(),
                    null);
            return;
        }
        LOG.atWarn()
                .addKeyValue("org", token.orgId())
                .addKeyValue("channel", channel)
                .log(
                        "Subscribe failed; subscribing again in {} ms (attempt {})",
                        delay.toMillis(),
                        backoff.attempt());
        scheduler.schedule(
                () -> {
                    // Only on the same session: after a new handshake the handshake listener has
                    // subscribed already.
                    if (!closed
                            && c == client
                            && !restarting.get()
                            && c.isHandshook()
                            && handshakes.get() == handshakesNow) {
                        resubscribes.incrementAndGet();
                        subscribe(c, channel);
                    }
                },
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void onInvalidReplay(final BayeuxClient c, final String channel, final String error) {
        final InvalidReplayPolicy policy = config.invalidReplayPolicy();
        final ReplayId rejected = positions.forSubscribe(channel);
        if (policy == InvalidReplayPolicy.FAIL) {
            LOG.atError()
                    .addKeyValue("org", token.orgId())
                    .addKeyValue("channel", channel)
                    .log(
                            "Salesforce refused replayId {} ({}); policy 'fail' "
                                    + "stops the task. Set salesforce.replay.invalid.policy to earliest or latest to resume with a possible gap.",
                            rejected,
                            error);
            listener.onFatal(
                    "Replay id "
                            + rejected
                            + " for '"
                            + channel
                            + "' is no longer retained by Salesforce",
                    null);
            return;
        }
        final ReplayId restart =
                policy == InvalidReplayPolicy.EARLIEST ? ReplayId.EARLIEST : ReplayId.LATEST;
        LOG.atWarn()
                .addKeyValue("org", token.orgId())
                .addKeyValue("channel", channel)
                .log(
                        "Salesforce refused replayId {} ({}); policy '{}' "
                                + "resubscribes from {} - events between may be missing",
                        rejected,
                        error,
                        policy,
                        restart);
        positions.setStart(channel, restart);
        subscribe(c, channel);
    }

    private void handleFailure(final BayeuxClient c, final String what, final Message message) {
        final String error = String.valueOf(message.get(Message.ERROR_FIELD));
        final String reason = failureReason(message);
        final StreamingAction action =
                StreamingErrorClassifier.classify(error, reason, message.getAdvice());
        final Object reconnect =
                message.getAdvice() == null ? null : message.getAdvice().get("reconnect");
        LOG.atWarn()
                .addKeyValue("org", token.orgId())
                .log(
                        "Streaming {} failed: error '{}', failureReason '{}', advice reconnect '{}' -> {}",
                        what,
                        error,
                        reason,
                        reconnect,
                        action);
        switch (action) {
            case FATAL ->
                    listener.onFatal(
                            "Streaming " + what + " failed permanently: " + error + " " + reason,
                            null);
            case DAILY_LIMIT -> {
                dailyLimitHits.incrementAndGet();
                LOG.atError()
                        .addKeyValue("org", token.orgId())
                        .log(
                                "Org exceeded its daily event delivery allocation; events are not delivered until it resets");
                restart(c, false);
            }
            // The client re-handshakes by itself when advised to and when the transport failed.
            case REHANDSHAKE -> {
                if (!"handshake".equals(reconnect) && !"retry".equals(reconnect)) {
                    restart(c, false);
                }
            }
            case REAUTHENTICATE -> restart(c, true);
            default -> {
                if ("none".equals(reconnect) || "handshake".equals(what)) {
                    restart(c, false);
                }
            }
        }
    }

    /** Abandons {@code c} and, after back-off, builds a new client (logging in again if asked). */
    private void restart(final BayeuxClient c, final boolean relogin) {
        if (closed || !restarting.compareAndSet(false, true)) {
            return;
        }
        final Duration delay = backoff.next();
        if (delay == null) {
            restarting.set(false);
            listener.onFatal(
                    "Gave up reconnecting to org '"
                            + token.orgId()
                            + "' after "
                            + backoff.attempt()
                            + " attempts over "
                            + config.retryMaxElapsed(),
                    null);
            return;
        }
        reconnects.incrementAndGet();
        LOG.atWarn()
                .addKeyValue("org", token.orgId())
                .log(
                        "Reconnecting in {} ms (attempt {}{})",
                        delay.toMillis(),
                        backoff.attempt(),
                        relogin ? ", with a new login" : "");
        c.abort();
        scheduler.schedule(
                () -> {
                    restarting.set(false);
                    if (closed) {
                        return;
                    }
                    try {
                        connect(relogin);
                    } catch (AuthenticationException e) {
                        if (e.permanent()) {
                            listener.onFatal(e.getMessage(), e);
                        } else {
                            LOG.atWarn()
                                    .addKeyValue("org", token.orgId())
                                    .log("Login failed, will retry: {}", e.getMessage());
                            restart(client, true);
                        }
                    } catch (RuntimeException e) {
                        LOG.atWarn()
                                .addKeyValue("org", token.orgId())
                                .setCause(e)
                                .log("Reconnect failed, will retry");
                        restart(client, relogin);
                    }
                },
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void onEvent(final ClientSessionChannel channel, final Message message) {
        final Map<String, Object> data = message.getDataAsMap();
        final Object id =
                data != null && data.get("event") instanceof Map<?, ?> e ? e.get("replayId") : null;
        final ReplayId replayId =
                id instanceof Number n && n.longValue() >= 0 ? ReplayId.of(n.longValue()) : null;
        if (replayId != null) {
            positions.received(channel.getId(), replayId);
        }
        listener.onEvent(channel.getId(), replayId, data);
    }

    private static String failureReason(final Message message) {
        final Map<String, Object> ext = message.getExt();
        if (ext != null
                && ext.get("sfdc") instanceof Map<?, ?> sfdc
                && sfdc.get("failureReason") != null) {
            return String.valueOf(sfdc.get("failureReason"));
        }
        return "";
    }

    @Override
    public void close() {
        closed = true;
        final BayeuxClient c = client;
        if (c != null) {
            c.disconnect(2_000);
            c.abort();
        }
        try {
            httpClient.stop();
        } catch (Exception e) {
            LOG.debug("Error stopping HTTP client", e);
        }
    }
}
