package io.sfpulse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.emulator.cometd.SalesforceErrors;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.cometd.bayeux.Channel;
import org.cometd.bayeux.Message;
import org.cometd.bayeux.client.ClientSession;
import org.cometd.bayeux.client.ClientSessionChannel;
import org.cometd.client.BayeuxClient;
import org.cometd.client.http.jetty.JettyHttpClientTransport;
import org.eclipse.jetty.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks the emulator speaks Salesforce's Streaming API and OAuth, using a stock CometD client. */
class SalesforceEmulatorIT {

    private static final String CHANNEL = "/event/Order_Shipped__e";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SalesforceEmulator emulator;
    private static org.eclipse.jetty.client.HttpClient jetty;
    private final List<BayeuxClient> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        emulator =
                SalesforceEmulator.builder().longPollTimeout(Duration.ofSeconds(2)).build().start();
        emulator.org().defineChannel(CHANNEL);
        jetty = new org.eclipse.jetty.client.HttpClient();
        jetty.start();
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.stop();
        emulator.close();
    }

    @AfterEach
    void disconnect() {
        clients.forEach(BayeuxClient::abort);
    }

    private static String token() throws Exception {
        return JSON.readTree(
                        tokenRequest("client_credentials", emulator.org().clientSecret()).body())
                .get("access_token")
                .asText();
    }

    private static HttpResponse<String> tokenRequest(final String grant, final String secret)
            throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(emulator.baseUrl() + "/services/oauth2/token"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "grant_type="
                                                        + grant
                                                        + "&client_id="
                                                        + emulator.org().clientId()
                                                        + "&client_secret="
                                                        + secret))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private BayeuxClient client(
            final String token, final Map<String, Object> replay, final String version) {
        final JettyHttpClientTransport transport =
                new JettyHttpClientTransport(new HashMap<>(), jetty) {
                    @Override
                    protected void customize(final Request request) {
                        if (token != null) {
                            request.headers(h -> h.put("Authorization", "Bearer " + token));
                        }
                    }
                };
        final BayeuxClient c =
                new BayeuxClient(emulator.baseUrl() + "/cometd/" + version, transport);
        c.addExtension(
                new ClientSession.Extension() {
                    @Override
                    public boolean sendMeta(
                            final ClientSession session, final Message.Mutable message) {
                        if (Channel.META_SUBSCRIBE.equals(message.getChannel()) && replay != null) {
                            message.getExt(true).put("replay", replay);
                        }
                        return true;
                    }
                });
        clients.add(c);
        return c;
    }

    private static List<Message> record(final BayeuxClient c, final String channel) {
        final List<Message> messages = new CopyOnWriteArrayList<>();
        c.getChannel(channel)
                .addListener((ClientSessionChannel.MessageListener) (ch, m) -> messages.add(m));
        return messages;
    }

    @Test
    void tokenEndpointAnswersLikeSalesforce() throws Exception {
        final JsonNode ok =
                JSON.readTree(
                        tokenRequest("client_credentials", emulator.org().clientSecret()).body());
        assertThat(ok.get("instance_url").asText()).isEqualTo(emulator.baseUrl());
        assertThat(ok.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(ok.get("id").asText()).contains("/id/" + emulator.org().orgId() + "/");
        assertThat(ok.has("signature")).isTrue();
        final HttpResponse<String> bad = tokenRequest("client_credentials", "wrong");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void handshakeWithoutValidTokenIsDeniedWithFailureReason() {
        final BayeuxClient c = client("not-a-token", null, "66.0");
        final List<Message> handshakes = record(c, Channel.META_HANDSHAKE);
        c.handshake();
        await().atMost(Duration.ofSeconds(10)).until(() -> !handshakes.isEmpty());
        final Message reply = handshakes.get(0);
        assertThat(reply.isSuccessful()).isFalse();
        assertThat(reply.get(Message.ERROR_FIELD)).isEqualTo("403::Handshake denied");
        assertThat(((Map<?, ?>) reply.getExt().get("sfdc")).get("failureReason"))
                .isEqualTo("401::Authentication invalid");
        assertThat(reply.getAdvice()).containsEntry("reconnect", "none");
    }

    @Test
    void replayMinusTwoDeliversRetainedEventsInOrderThenNewOnes() throws Exception {
        final long first =
                emulator.org().publishPlatformEvent(CHANNEL, Map.of("Order__c", "A"), null);
        final long second =
                emulator.org().publishPlatformEvent(CHANNEL, Map.of("Order__c", "B"), null);
        final BayeuxClient c = client(token(), Map.of(CHANNEL, -2), "66.0");
        final List<Message> handshakes = record(c, Channel.META_HANDSHAKE);
        final List<Message> events = new CopyOnWriteArrayList<>();
        c.handshake(reply -> c.getChannel(CHANNEL).subscribe((ch, m) -> events.add(m)));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 2);
        assertThat(((Map<?, ?>) handshakes.get(0).getExt()).get("replay")).isEqualTo(Boolean.TRUE);
        emulator.org().publishPlatformEvent(CHANNEL, Map.of("Order__c", "C"), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 3);
        final List<Long> ids =
                events.stream()
                        .map(
                                m ->
                                        ((Number)
                                                        ((Map<?, ?>) m.getDataAsMap().get("event"))
                                                                .get("replayId"))
                                                .longValue())
                        .toList();
        assertThat(ids.subList(0, 2)).containsExactly(first, second);
        assertThat(ids.get(2)).isGreaterThan(second);
        final Map<String, Object> data = events.get(0).getDataAsMap();
        assertThat(data).containsKeys("schema", "payload", "event");
        assertThat(((Map<?, ?>) data.get("event")).get("EventUuid")).isNotNull();
        assertThat(((Map<?, ?>) data.get("payload")).get("CreatedDate")).isNotNull();
    }

    @Test
    void explicitReplayIdDeliversOnlyLaterEvents() throws Exception {
        final long from =
                emulator.org().publishPlatformEvent(CHANNEL, Map.of("Order__c", "X"), null);
        final long later =
                emulator.org().publishPlatformEvent(CHANNEL, Map.of("Order__c", "Y"), null);
        final BayeuxClient c = client(token(), Map.of(CHANNEL, from), "66.0");
        final List<Message> events = new CopyOnWriteArrayList<>();
        c.handshake(reply -> c.getChannel(CHANNEL).subscribe((ch, m) -> events.add(m)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
        assertThat(
                        ((Number)
                                        ((Map<?, ?>) events.get(0).getDataAsMap().get("event"))
                                                .get("replayId"))
                                .longValue())
                .isEqualTo(later);
    }

    @Test
    void invalidReplayIdAndUnknownChannelAreRefusedWithSalesforceErrors() throws Exception {
        final BayeuxClient c =
                client(token(), Map.of(CHANNEL, 987_654_321L, "/event/Nope__e", -1), "66.0");
        final List<Message> subscribes = record(c, Channel.META_SUBSCRIBE);
        c.handshake(
                reply -> {
                    c.getChannel(CHANNEL).subscribe((ch, m) -> {});
                    c.getChannel("/event/Nope__e").subscribe((ch, m) -> {});
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> subscribes.size() >= 2);
        assertThat(subscribes)
                .extracting(m -> m.get(Message.ERROR_FIELD))
                .containsExactlyInAnyOrder(
                        "400::The replayId {987654321} you provided was invalid.  Please provide a valid ID, -2 to replay all events, "
                                + "or -1 to replay only new events.",
                        "400::The channel you requested to subscribe to doesn't exist /event/Nope__e");
    }

    @Test
    void forgottenClientGetsUnknownClientWithHandshakeAdvice() throws Exception {
        final BayeuxClient c = client(token(), Map.of(CHANNEL, -1), "66.0");
        final List<Message> connects = record(c, Channel.META_CONNECT);
        c.handshake();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> connects.stream().anyMatch(Message::isSuccessful));
        emulator.faults().unknownClientOnNextConnect();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> connects.stream().anyMatch(m -> !m.isSuccessful()));
        final Message failed =
                connects.stream().filter(m -> !m.isSuccessful()).findFirst().orElseThrow();
        assertThat(failed.get(Message.ERROR_FIELD)).isEqualTo(SalesforceErrors.UNKNOWN_CLIENT);
        assertThat(failed.getAdvice()).containsEntry("reconnect", "handshake");
    }

    @Test
    void versionlessOrOldCometdPathIsRejected() throws Exception {
        final HttpResponse<String> none =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/cometd/"))
                                        .POST(HttpRequest.BodyPublishers.ofString("[]"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("API version in the URI is mandatory");
        final HttpResponse<String> old =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(emulator.baseUrl() + "/cometd/36.0"))
                                        .POST(HttpRequest.BodyPublishers.ofString("[]"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(old.body()).contains("Only API versions '37.0' and later are supported");
    }

    @Test
    void restRejectsBadTokenWithInvalidSessionId() throws Exception {
        final HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        emulator.baseUrl()
                                                                + "/services/data/v66.0/limits"))
                                        .header("Authorization", "Bearer nope")
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body())
                .isEqualTo(
                        "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]");
    }
}
