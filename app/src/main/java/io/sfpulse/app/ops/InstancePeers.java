package io.sfpulse.app.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;

/**
 * The other instances of this Kafka Streams application, found through their {@code application.server}
 * (their operations endpoint), and a bounded HTTP GET to them carrying this deployment's ops token.
 */
public final class InstancePeers {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final KafkaStreams streams;
    private final String self;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /**
     * @param self  this instance's {@code host:port} as advertised in {@code application.server}
     * @param token the operations endpoint's bearer token (shared by the deployment), or null
     */
    public InstancePeers(final KafkaStreams streams, final String self, final String token) {
        this.streams = streams;
        this.self = self;
        this.token = token;
    }

    /** Base URLs ({@code http://host:port}) of every other instance that currently has members in the group. */
    public List<String> others() {
        return streams.metadataForAllStreamsClients().stream()
                .map(StreamsMetadata::hostInfo)
                .map(h -> h.host() + ":" + h.port())
                .filter(h -> !h.equals(self) && !h.startsWith("unavailable"))
                .distinct()
                .sorted()
                .map(h -> "http://" + h)
                .toList();
    }

    /** GET {@code path} on a peer; the body of a 200, else an IOException naming the peer and status. */
    public String get(final String baseUrl, final String path)
            throws IOException, InterruptedException {
        final HttpResponse<String> response = forward(baseUrl, path);
        if (response.statusCode() != 200) {
            throw new IOException(baseUrl + path + " answered " + response.statusCode());
        }
        return response.body();
    }

    /** GET {@code path} (with its query) on a peer, whatever it answers. */
    public HttpResponse<String> forward(final String baseUrl, final String path)
            throws IOException, InterruptedException {
        final HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether {@code host:port} is this instance. */
    public boolean isSelf(final String hostAndPort) {
        return hostAndPort.equals(self) || self == null;
    }
}
