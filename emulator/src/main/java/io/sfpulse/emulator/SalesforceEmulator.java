package io.sfpulse.emulator;

import io.sfpulse.emulator.auth.TokenServlet;
import io.sfpulse.emulator.auth.TokenStore;
import io.sfpulse.emulator.cometd.ApiVersionFilter;
import io.sfpulse.emulator.cometd.StreamingEndpoint;
import io.sfpulse.emulator.faults.FaultPlan;
import io.sfpulse.emulator.org.EmulatedOrg;
import io.sfpulse.emulator.org.EmulatorClock;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import org.cometd.bayeux.server.BayeuxServer;
import org.cometd.server.http.jakarta.CometDServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Salesforce org on localhost: OAuth token endpoint, Streaming API (a real CometD server at
 * {@code /cometd/<version>} with Salesforce's replay semantics and errors), the Pub/Sub API (a
 * grpc-java server over the same channels, {@link #pubSubEndpoint()}), and the REST resources
 * sfpulse uses. {@link #faults()} injects failures; {@link #org()} publishes events and deploys.
 */
public final class SalesforceEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceEmulator.class);

    private final EmulatedOrg org;
    private final TokenStore tokens;
    private final FaultPlan faults = new FaultPlan();
    private final Server server;
    private final ServerConnector connector;
    private final ServletContextHandler context;
    private StreamingEndpoint streaming;
    private final io.sfpulse.emulator.pubsub.PubSubServer pubSub;

    private SalesforceEmulator(final Builder b) {
        this.org =
                new EmulatedOrg(
                        b.orgId,
                        b.clientId,
                        b.clientSecret,
                        b.username,
                        b.password,
                        b.clock,
                        b.retention);
        this.tokens = new TokenStore(b.orgId, b.clock, b.tokenTtl);
        this.server = new Server();
        // The Date header tells the org's clock (scenarios run it at an offset or compressed): sent
        // by OrgDateFilter, not Jetty.
        final org.eclipse.jetty.server.HttpConfiguration http =
                new org.eclipse.jetty.server.HttpConfiguration();
        http.setSendDateHeader(false);
        this.connector =
                new ServerConnector(
                        server, new org.eclipse.jetty.server.HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(b.port);
        server.addConnector(connector);
        this.context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        context.addServlet(
                new ServletHolder(new TokenServlet(org, tokens, faults, this::baseUrl)),
                "/services/oauth2/token");
        context.addServlet(
                new ServletHolder(
                        new io.sfpulse.emulator.rest.RestServlet(
                                org, tokens, faults, this::baseUrl)),
                "/services/data/*");
        final ServletHolder cometd = new ServletHolder(CometDServlet.class);
        cometd.setInitOrder(1);
        cometd.setInitParameter("timeout", String.valueOf(b.longPollTimeout.toMillis()));
        cometd.setInitParameter("maxInterval", String.valueOf(b.reconnectWindow.toMillis()));
        cometd.setInitParameter("allowedTransports", "long-polling");
        // Salesforce delivers events only in /meta/connect replies (never piggybacked on subscribe
        // replies).
        cometd.setInitParameter("metaConnectDeliverOnly", "true");
        cometd.setInitParameter(
                "maxMessageSize", String.valueOf(32 * 1024)); // Salesforce: 413 above 32,768 bytes
        context.addServlet(cometd, "/cometd/*");
        context.addFilter(
                new FilterHolder(new ApiVersionFilter()),
                "/cometd/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(
                new FilterHolder(new OrgDateFilter(b.clock)),
                "/*",
                EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        this.pubSub =
                new io.sfpulse.emulator.pubsub.PubSubServer(
                        org, tokens, faults, b.pubSubPort, b.pubSubKeepalive);
    }

    public static Builder builder() {
        return new Builder();
    }

    public SalesforceEmulator start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start Salesforce emulator", e);
        }
        final BayeuxServer bayeux =
                (BayeuxServer) context.getServletContext().getAttribute(BayeuxServer.ATTRIBUTE);
        streaming = new StreamingEndpoint(bayeux, org, tokens, faults);
        streaming.install();
        pubSub.start();
        LOG.info(
                "Salesforce emulator for org '{}' at {} (Pub/Sub API at {})",
                org.orgId(),
                baseUrl(),
                pubSubEndpoint());
        return this;
    }

    /** The instance URL (also the login URL): {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    /** The Pub/Sub API endpoint ({@code host:port}, plaintext): the connector's {@code salesforce.pubsub.endpoint}. */
    public String pubSubEndpoint() {
        return pubSub.endpoint();
    }

    /** What the Pub/Sub endpoint saw (subscribes, keepalives, the largest outstanding demand). */
    public io.sfpulse.emulator.pubsub.PubSubStats pubSubStats() {
        return pubSub.stats();
    }

    public EmulatedOrg org() {
        return org;
    }

    public FaultPlan faults() {
        return faults;
    }

    public TokenStore tokens() {
        return tokens;
    }

    @Override
    public void close() {
        pubSub.close();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Error stopping the Salesforce emulator", e);
        }
    }

    /** Settings for an emulated org; defaults match a Developer Edition org and Salesforce's timeouts. */
    public static final class Builder {
        private int port;
        private String orgId = "00D000000000001EAA";
        private String clientId = "sfpulse-client-id";
        private String clientSecret = "sfpulse-client-secret";
        private String username = "admin@sfpulse.example";
        private String password = "password";
        private EmulatorClock clock = new EmulatorClock();
        private Duration retention = Duration.ofHours(72);
        private Duration tokenTtl = Duration.ofHours(2);
        private Duration longPollTimeout = Duration.ofSeconds(110);
        private Duration reconnectWindow = Duration.ofSeconds(40);
        private int pubSubPort;
        private Duration pubSubKeepalive = Duration.ofSeconds(270);

        public Builder port(final int port) {
            this.port = port;
            return this;
        }

        public Builder orgId(final String orgId) {
            this.orgId = orgId;
            return this;
        }

        public Builder credentials(final String clientId, final String clientSecret) {
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            return this;
        }

        public Builder user(final String username, final String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        public Builder clock(final EmulatorClock clock) {
            this.clock = clock;
            return this;
        }

        public Builder retention(final Duration retention) {
            this.retention = retention;
            return this;
        }

        public Builder tokenTtl(final Duration ttl) {
            this.tokenTtl = ttl;
            return this;
        }

        /** Long-poll hold time (Salesforce: 110 s). Tests shorten it. */
        public Builder longPollTimeout(final Duration timeout) {
            this.longPollTimeout = timeout;
            return this;
        }

        public Builder reconnectWindow(final Duration window) {
            this.reconnectWindow = window;
            return this;
        }

        /** Port of the Pub/Sub API endpoint (0: any free port). */
        public Builder pubSubPort(final int port) {
            this.pubSubPort = port;
            return this;
        }

        /** How long a Pub/Sub stream with nothing to deliver stays silent before an empty keepalive response (Salesforce: 270 s). */
        public Builder pubSubKeepalive(final Duration keepalive) {
            this.pubSubKeepalive = keepalive;
            return this;
        }

        public SalesforceEmulator build() {
            return new SalesforceEmulator(this);
        }
    }
}
