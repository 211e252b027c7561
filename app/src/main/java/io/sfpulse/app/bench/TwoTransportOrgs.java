package io.sfpulse.app.bench;

import io.sfpulse.app.AppConfig;
import io.sfpulse.emulator.SalesforceEmulator;
import io.sfpulse.ingest.SalesforceSourceConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The launcher settings of two connectors to one emulated org, {@code ps} over Pub/Sub and
 * {@code cd} over CometD, each on its own channel, replaying from the earliest retained event: what
 * the benchmarks and the failover tests that cover both transports run.
 */
public final class TwoTransportOrgs {

    private TwoTransportOrgs() {}

    /** {@code orgs=ps,cd} and each org's keys; the Pub/Sub one also polls DeployRequest every second. */
    public static Map<String, String> settings(
            final SalesforceEmulator emulator,
            final String pubSubChannel,
            final String cometdChannel) {
        final Map<String, String> p = new LinkedHashMap<>();
        p.put(AppConfig.ORGS_CONFIG, "ps,cd");
        for (final String org : List.of("ps", "cd")) {
            final String k = AppConfig.ORG_PREFIX + org + ".";
            final boolean pubsub = org.equals("ps");
            p.put(k + SalesforceSourceConfig.LOGIN_URL_CONFIG, emulator.baseUrl());
            p.put(k + SalesforceSourceConfig.CLIENT_ID_CONFIG, emulator.org().clientId());
            p.put(k + SalesforceSourceConfig.CLIENT_SECRET_CONFIG, emulator.org().clientSecret());
            p.put(
                    k + SalesforceSourceConfig.CHANNELS_CONFIG,
                    pubsub ? pubSubChannel : cometdChannel);
            p.put(k + SalesforceSourceConfig.TRANSPORT_CONFIG, pubsub ? "pubsub" : "cometd");
            p.put(k + SalesforceSourceConfig.PUBSUB_ENDPOINT_CONFIG, emulator.pubSubEndpoint());
            p.put(k + SalesforceSourceConfig.PUBSUB_TLS_CONFIG, "false");
            p.put(k + SalesforceSourceConfig.PUBSUB_STALL_TIMEOUT_MS_CONFIG, "5000");
            p.put(k + SalesforceSourceConfig.REPLAY_INITIAL_CONFIG, "earliest");
            p.put(k + SalesforceSourceConfig.RETRY_MAX_BACKOFF_MS_CONFIG, "2000");
            p.put(k + SalesforceSourceConfig.DEPLOY_POLL_INTERVAL_MS_CONFIG, pubsub ? "1000" : "0");
        }
        return p;
    }
}
