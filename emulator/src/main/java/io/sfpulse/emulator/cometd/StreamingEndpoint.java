package io.sfpulse.emulator.cometd;

import io.sfpulse.emulator.auth.TokenStore;
import io.sfpulse.emulator.faults.FaultPlan;
import io.sfpulse.emulator.org.ChannelLog;
import io.sfpulse.emulator.org.EmulatedOrg;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.cometd.bayeux.Channel;
import org.cometd.bayeux.Message;
import org.cometd.bayeux.Promise;
import org.cometd.bayeux.server.BayeuxServer;
import org.cometd.bayeux.server.LocalSession;
import org.cometd.bayeux.server.SecurityPolicy;
import org.cometd.bayeux.server.ServerChannel;
import org.cometd.bayeux.server.ServerMessage;
import org.cometd.bayeux.server.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a stock CometD server behave like Salesforce's Streaming API: bearer-token checks on
 * handshake and connect, the replay extension (-1, -2, explicit id, invalid id), Salesforce's
 * error strings ({@code 403::Unknown client} instead of CometD's 402, {@code 403::Handshake denied}
 * with {@code ext.sfdc.failureReason}), and per-subscriber in-order delivery from each channel's
 * retained log.
 */
public final class StreamingEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingEndpoint.class);

    private final BayeuxServer bayeux;
    private final EmulatedOrg org;
    private final TokenStore tokens;
    private final FaultPlan faults;
    private final Map<String, Subscribe> pendingSubscribes = new ConcurrentHashMap<>();
    private final Map<String, String> forcedConnectErrors = new ConcurrentHashMap<>();
    private final Set<String> deniedHandshakes = ConcurrentHashMap.newKeySet();
    private LocalSession sender;

    private record Subscribe(long replayId, String error) {}

    public StreamingEndpoint(
            final BayeuxServer bayeux,
            final EmulatedOrg org,
            final TokenStore tokens,
            final FaultPlan faults) {
        this.bayeux = bayeux;
        this.org = org;
        this.tokens = tokens;
        this.faults = faults;
    }

    public void install() {
        bayeux.setSecurityPolicy(new Policy());
        bayeux.addExtension(new Extension());
        bayeux.addListener(
                new BayeuxServer.SubscriptionListener() {
                    @Override
                    public void subscribed(
                            final ServerSession session,
                            final ServerChannel channel,
                            final ServerMessage message) {
                        attach(session, channel.getId());
                    }

                    @Override
                    public void unsubscribed(
                            final ServerSession session,
                            final ServerChannel channel,
                            final ServerMessage message) {
                        LOG.debug(
                                "Client '{}' unsubscribed from '{}'",
                                session.getId(),
                                channel.getId());
                        org.channel(channel.getId())
                                .ifPresent(log -> log.unsubscribe(session.getId()));
                    }
                });
        bayeux.addListener(
                new BayeuxServer.SessionListener() {
                    @Override
                    public void sessionRemoved(
                            final ServerSession session,
                            final ServerMessage message,
                            final boolean timeout) {
                        LOG.debug(
                                "Session '{}' removed{}",
                                session.getId(),
                                timeout ? " (timed out)" : "");
                        detachEverywhere(session.getId());
                    }
                });
        sender = bayeux.newLocalSession("sfpulse-emulator");
        sender.handshake();
    }

    private void detachEverywhere(final String sessionId) {
        for (final String channel : knownChannelIds()) {
            org.channel(channel).ifPresent(log -> log.unsubscribe(sessionId));
        }
    }

    private Set<String> knownChannelIds() {
        final Set<String> ids = new java.util.HashSet<>();
        bayeux.getChannels().forEach(c -> ids.add(c.getId()));
        return ids;
    }

    private void attach(final ServerSession session, final String channel) {
        final Subscribe decision = pendingSubscribes.remove(session.getId() + "|" + channel);
        final Optional<ChannelLog> log = org.channel(channel);
        if (decision == null || log.isEmpty()) {
            LOG.debug(
                    "Client '{}' subscribed to '{}' but not attached ({})",
                    session.getId(),
                    channel,
                    decision == null
                            ? "no pending subscribe decision"
                            : "no such channel in the org");
            return;
        }
        log.get()
                .subscribe(
                        session.getId(),
                        decision.replayId(),
                        org.clock().instant(),
                        (ch, data) -> {
                            session.deliver(sender.getServerSession(), ch, data, Promise.noop());
                            if (faults.takeDuplicate()) {
                                session.deliver(
                                        sender.getServerSession(), ch, data, Promise.noop());
                            }
                            if (faults.countDeliveredAndCheckDrop()) {
                                LOG.info(
                                        "Fault: dropping client '{}' after delivered events",
                                        session.getId());
                            }
                        });
        LOG.debug(
                "Client '{}' subscribed to '{}' from replayId {}",
                session.getId(),
                channel,
                decision.replayId());
    }

    private boolean hasValidToken(final ServerMessage message) {
        return message.getBayeuxContext() != null
                && tokens.isValid(message.getBayeuxContext().getHeader("Authorization"));
    }

    private final class Policy implements SecurityPolicy {
        @Override
        public boolean canHandshake(
                final BayeuxServer server,
                final ServerSession session,
                final ServerMessage message) {
            if (session.isLocalSession()) {
                return true;
            }
            final boolean ok = hasValidToken(message) && !faults.takeRejectHandshake();
            if (!ok) {
                deniedHandshakes.add(session.getId());
            }
            return ok;
        }

        @Override
        public boolean canSubscribe(
                final BayeuxServer server,
                final ServerSession session,
                final ServerChannel channel,
                final ServerMessage message) {
            if (session.isLocalSession()) {
                return true;
            }
            final Subscribe decision =
                    pendingSubscribes.get(session.getId() + "|" + channel.getId());
            return decision != null && decision.error() == null;
        }

        @Override
        public boolean canCreate(
                final BayeuxServer server,
                final ServerSession session,
                final String channelId,
                final ServerMessage message) {
            return session != null
                    && (session.isLocalSession() || org.channel(channelId).isPresent());
        }

        @Override
        public boolean canPublish(
                final BayeuxServer server,
                final ServerSession session,
                final ServerChannel channel,
                final ServerMessage message) {
            return session != null
                    && session.isLocalSession(); // clients never publish over CometD to Salesforce
        }
    }

    private final class Extension implements BayeuxServer.Extension {
        @Override
        public boolean rcvMeta(final ServerSession session, final ServerMessage.Mutable message) {
            if (session == null || session.isLocalSession()) {
                return true;
            }
            if (Channel.META_CONNECT.equals(message.getChannel())) {
                onConnect(session, message);
            } else if (Channel.META_SUBSCRIBE.equals(message.getChannel())) {
                onSubscribe(session, message);
            }
            return true;
        }

        private void onConnect(final ServerSession session, final ServerMessage.Mutable message) {
            faults.holdIfConnectStalled();
            final long delay = faults.connectDelayMillis();
            if (delay > 0) {
                try {
                    Thread.sleep(delay); // fault injection: a slow server, by design
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String forced = null;
            if (!hasValidToken(message)) {
                forced = SalesforceErrors.AUTHENTICATION_INVALID;
            } else if (faults.takeDailyLimit()) {
                forced = SalesforceErrors.DAILY_LIMIT;
            } else if (faults.takeBusy()) {
                forced = SalesforceErrors.SERVER_BUSY;
            } else if (faults.takeUnknownClient()) {
                forced = SalesforceErrors.UNKNOWN_CLIENT;
            }
            if (forced != null) {
                forcedConnectErrors.put(session.getId(), forced);
                bayeux.removeSession(session); // the connect now meets an unknown client
                return;
            }
            // Each long-poll carries the next batch of the session's backlog on every channel it
            // follows.
            session.getSubscriptions()
                    .forEach(
                            ch ->
                                    org.channel(ch.getId())
                                            .ifPresent(log -> log.pull(session.getId())));
        }

        private void onSubscribe(final ServerSession session, final ServerMessage.Mutable message) {
            final Object subscription = message.get(Message.SUBSCRIPTION_FIELD);
            if (!(subscription instanceof String channel)) {
                return;
            }
            pendingSubscribes.put(session.getId() + "|" + channel, decide(channel, message));
        }

        private Subscribe decide(final String channel, final ServerMessage message) {
            if (org.channel(channel).isEmpty()) {
                return new Subscribe(0, SalesforceErrors.unknownChannel(channel));
            }
            final Map<String, Object> ext = message.getExt();
            final Object replay = ext == null ? null : ext.get("replay");
            long replayId = -1;
            if (replay instanceof Map<?, ?> map) {
                final Object value = map.get(channel);
                if (value == null) {
                    return new Subscribe(
                            0,
                            SalesforceErrors.replayMapMissingChannel(channel, new HashMap<>(map)));
                }
                replayId = ((Number) value).longValue();
            }
            if (faults.takeInvalidReplayId()
                    || !org.channel(channel)
                            .get()
                            .isValidReplayId(replayId, org.clock().instant())) {
                return new Subscribe(replayId, SalesforceErrors.invalidReplayId(replayId));
            }
            return new Subscribe(replayId, null);
        }

        @Override
        public boolean sendMeta(final ServerSession to, final ServerMessage.Mutable reply) {
            final String channel = reply.getChannel();
            if (Channel.META_HANDSHAKE.equals(channel)) {
                onHandshakeReply(to, reply);
            } else if (Channel.META_SUBSCRIBE.equals(channel) && !reply.isSuccessful()) {
                final ServerMessage request = reply.getAssociated();
                final Object sub =
                        request != null
                                ? request.get(Message.SUBSCRIPTION_FIELD)
                                : reply.get(Message.SUBSCRIPTION_FIELD);
                final Subscribe decision =
                        pendingSubscribes.remove(clientIdOf(to, reply) + "|" + sub);
                if (decision != null && decision.error() != null) {
                    reply.put(Message.ERROR_FIELD, decision.error());
                }
            }
            final Object error = reply.get(Message.ERROR_FIELD);
            if (error instanceof String e && e.startsWith("402::")) {
                rewriteUnknownClient(reply);
            }
            return true;
        }

        /** The client id of the request a reply answers (replies do not always carry it). */
        private String clientIdOf(final ServerSession to, final ServerMessage.Mutable reply) {
            if (to != null) {
                return to.getId();
            }
            final ServerMessage request = reply.getAssociated();
            return request != null && request.getClientId() != null
                    ? request.getClientId()
                    : reply.getClientId();
        }

        private void onHandshakeReply(final ServerSession to, final ServerMessage.Mutable reply) {
            if (reply.isSuccessful()) {
                reply.getExt(true).put("replay", Boolean.TRUE);
                reply.getExt(true).put("payload.format", Boolean.TRUE);
            } else if (to != null && deniedHandshakes.remove(to.getId())) {
                reply.put(Message.ERROR_FIELD, SalesforceErrors.HANDSHAKE_DENIED);
                reply.getExt(true)
                        .put(
                                "sfdc",
                                Map.of("failureReason", SalesforceErrors.AUTHENTICATION_INVALID));
                reply.put(Message.ADVICE_FIELD, Map.of("reconnect", "none", "interval", 0));
            }
        }

        private void rewriteUnknownClient(final ServerMessage.Mutable reply) {
            final String clientId = clientIdOf(null, reply);
            final String forced = clientId == null ? null : forcedConnectErrors.remove(clientId);
            if (SalesforceErrors.AUTHENTICATION_INVALID.equals(forced)) {
                reply.put(Message.ERROR_FIELD, SalesforceErrors.AUTHENTICATION_INVALID);
                reply.put(Message.ADVICE_FIELD, Map.of("reconnect", "none", "interval", 0));
            } else if (SalesforceErrors.DAILY_LIMIT.equals(forced)) {
                reply.put(Message.ERROR_FIELD, SalesforceErrors.DAILY_LIMIT);
                reply.put(Message.ADVICE_FIELD, Map.of("reconnect", "none", "interval", 0));
            } else if (SalesforceErrors.SERVER_BUSY.equals(forced)) {
                reply.put(Message.ERROR_FIELD, SalesforceErrors.AUTHENTICATION_INVALID);
                reply.getExt(true)
                        .put("sfdc", Map.of("failureReason", SalesforceErrors.SERVER_BUSY));
                reply.put(Message.ADVICE_FIELD, Map.of("reconnect", "none", "interval", 0));
            } else {
                reply.put(Message.ERROR_FIELD, SalesforceErrors.UNKNOWN_CLIENT);
                reply.put(Message.ADVICE_FIELD, Map.of("reconnect", "handshake", "interval", 0));
            }
        }
    }
}
