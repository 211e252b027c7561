package io.sfpulse.sink.chart;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Serves {@code GET /charts/<token>.png} from an {@link AlertChart}; anything else is 404. Capability URLs: no other auth. */
public final class ChartServer implements AutoCloseable {

    private final HttpServer server;

    public ChartServer(final AlertChart charts, final String host, final int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot bind chart server on " + host + ":" + port, e);
        }
        server.createContext("/charts/", ex -> {
            try (ex) {
                final String path = ex.getRequestURI().getPath();
                final String token = path.substring("/charts/".length()).replaceAll("\\.png$", "");
                final Optional<byte[]> png = "GET".equals(ex.getRequestMethod()) && token.matches("[0-9a-f]{32}")
                    ? charts.byToken(token) : Optional.empty();
                if (png.isEmpty()) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                ex.getResponseHeaders().set("Content-Type", "image/png");
                ex.getResponseHeaders().set("Cache-Control", "private, max-age=86400");
                ex.sendResponseHeaders(200, png.get().length);
                ex.getResponseBody().write(png.get());
            }
        });
    }

    public ChartServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
