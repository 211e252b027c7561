package io.sfpulse.sink.chart;

import io.sfpulse.http.HttpEndpoint;
import io.sfpulse.http.HttpError;
import io.sfpulse.http.RouteResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Serves {@code GET /charts/<token>.png} from an {@link AlertChart}; anything else is 404. Capability URLs: no other auth. */
public final class ChartServer implements AutoCloseable {

    private static final String PREFIX = "/charts/";
    private final HttpEndpoint endpoint;

    public ChartServer(final AlertChart charts, final String host, final int port) {
        endpoint =
                HttpEndpoint.on("chart", host, port)
                        .build()
                        .get(
                                PREFIX,
                                r -> {
                                    final String token =
                                            r.path()
                                                    .substring(
                                                            Math.min(
                                                                    r.path().length(),
                                                                    PREFIX.length()))
                                                    .replaceAll("\\.png$", "");
                                    final Optional<byte[]> png =
                                            token.matches("[0-9a-f]{32}")
                                                    ? charts.byToken(token)
                                                    : Optional.empty();
                                    if (png.isEmpty()) {
                                        throw HttpError.notFound("no such chart");
                                    }
                                    return new RouteResponse(200, "image/png", png.get())
                                            .withHeader("Cache-Control", "private, max-age=86400");
                                });
    }

    public ChartServer start() {
        try {
            endpoint.start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot bind chart server on " + endpoint.host() + ":" + endpoint.port(), e);
        }
        return this;
    }

    public int port() {
        return endpoint.port();
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
