package io.sfpulse.app.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.cometd.bayeux.Channel;
import org.cometd.bayeux.Message;
import org.cometd.bayeux.client.ClientSession;
import org.cometd.bayeux.client.ClientSessionChannel;
import org.cometd.client.BayeuxClient;
import org.cometd.client.http.jetty.JettyHttpClientTransport;
import org.cometd.client.transport.ClientTransport;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;

/**
 * The reference of {@code bench ingest}: a CometD client written with the same client library and
 * transport as the connector that does nothing but handshake, subscribe with Salesforce's replay
 * extension (from the earliest retained event) and count what arrives - no mapping, no Avro, no
 * Kafka, no offsets. What the org and the library allow on this machine.
 */
final class ReceiveOnlyCometdClient implements AutoCloseable {

    private static final long EARLIEST = -2;
    private final HttpClient http = new HttpClient();
    private final AtomicLong received = new AtomicLong();
    private final String url;
    private final String token;
    private final List<String> channels;
    private BayeuxClient client;

    /** @param cometdUrl {@code <instance>/cometd/<version>} */
    ReceiveOnlyCometdClient(
            final String cometdUrl, final String accessToken, final List<String> channels) {
        this.url = cometdUrl;
        this.token = accessToken;
        this.channels = List.copyOf(channels);
    }

    ReceiveOnlyCometdClient start() throws Exception {
        http.start();
        final Map<String, Object> options = new HashMap<>();
        options.put(ClientTransport.MAX_MESSAGE_SIZE_OPTION, 10 * 1024 * 1024);
        final JettyHttpClientTransport transport =
                new JettyHttpClientTransport(options, http) {
                    @Override
                    protected void customize(final Request request) {
                        super.customize(request);
                        request.headers(h -> h.put("Authorization", "Bearer " + token));
                    }
                };
        client = new BayeuxClient(url, transport);
        client.addExtension(
                new ClientSession.Extension() {
                    @Override
                    public boolean sendMeta(
                            final ClientSession session, final Message.Mutable message) {
                        if (Channel.META_HANDSHAKE.equals(message.getChannel())) {
                            message.getExt(true).put("replay", Boolean.TRUE);
                        } else if (Channel.META_SUBSCRIBE.equals(message.getChannel())) {
                            final Map<String, Object> replay = new HashMap<>();
                            channels.forEach(ch -> replay.put(ch, EARLIEST));
                            message.getExt(true).put("replay", replay);
                        }
                        return true;
                    }
                });
        final ClientSessionChannel.MessageListener count = (ch, m) -> received.incrementAndGet();
        client.getChannel(Channel.META_HANDSHAKE)
                .addListener(
                        (ClientSessionChannel.MessageListener)
                                (ch, m) -> {
                                    if (m.isSuccessful()) {
                                        channels.forEach(
                                                c -> client.getChannel(c).subscribe(count));
                                    }
                                });
        client.handshake();
        return this;
    }

    long received() {
        return received.get();
    }

    @Override
    public void close() throws Exception {
        if (client != null) {
            client.disconnect(5_000);
        }
        http.stop();
    }
}
