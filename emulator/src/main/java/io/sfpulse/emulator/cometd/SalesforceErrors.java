package io.sfpulse.emulator.cometd;

/** Exact Streaming API error strings (wire form {@code <code>::<message>}), as Salesforce sends them. */
public final class SalesforceErrors {

    public static final String UNKNOWN_CLIENT = "403::Unknown client";
    public static final String HANDSHAKE_DENIED = "403::Handshake denied";
    public static final String AUTHENTICATION_INVALID = "401::Authentication invalid";
    public static final String DAILY_LIMIT = "403::Organization total events daily limit exceeded";
    public static final String SERVER_BUSY =
            "503::Server is too busy.  Please try your request again later.";
    public static final String VERSION_MANDATORY =
            "400::API version in the URI is mandatory. URI format: '/cometd/66.0'";
    public static final String VERSION_UNSUPPORTED =
            "400::Unsupported API version. Only API versions '37.0' and later are supported. URI format: '/cometd/66.0'";

    private SalesforceErrors() {}

    /** Note the two spaces after "invalid." - what Salesforce sends, and what clients match. */
    public static String invalidReplayId(final Object replayId) {
        return "400::The replayId {"
                + replayId
                + "} you provided was invalid.  Please provide a valid ID, -2 to replay all events, "
                + "or -1 to replay only new events.";
    }

    public static String unknownChannel(final String channel) {
        return "400::The channel you requested to subscribe to doesn't exist " + channel;
    }

    public static String replayMapMissingChannel(final String channel, final Object map) {
        return "400::The replayId for channel {"
                + channel
                + "} wasn't found using the provided replay ID map {"
                + map
                + "}. Ensure that the channel name you provided in the replay map is valid and matches the channel name used for subscribing.";
    }
}
