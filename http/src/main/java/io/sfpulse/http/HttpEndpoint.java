package io.sfpulse.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded HTTP server every sfpulse endpoint runs on (operations endpoint and page, marker
 * API, chart server, embedded schema registry, the demo's webhook receiver): Jetty, with routes by
 * path prefix (the longest wins), one {@link BearerToken} check, a body size limit, declared content
 * types, and one way of refusing: unknown path 404, wrong method 405 (with {@code Allow}), missing or
 * wrong token 401, body too large 413, wrong content type 415, a route's {@link HttpError} its 4xx —
 * each as {@code {"error": ...}} JSON; anything else a route throws is logged and answered 500
 * without a stack trace, and the server keeps serving.
 */
public final class HttpEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);

    /** Default largest request body: bigger ones are refused with 413 before a route sees them. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    /** One route's handler. */
    @FunctionalInterface
    public interface Route {
        RouteResponse handle(RouteRequest request) throws IOException;
    }

    /** How a route is reached: its path prefix, methods, whether it skips the token, the body content types it takes (empty: any). */
    private record Binding(
            String prefix, Set<String> methods, boolean open, Set<String> consumes, Route route) {}

    private final String name;
    private final BearerToken token;
    private final int maxBodyBytes;
    private final List<Binding> routes = new ArrayList<>();
    private final Server server;
    private final ServerConnector connector;

    private HttpEndpoint(
            final String name,
            final String host,
            final int port,
            final BearerToken token,
            final int maxBodyBytes,
            final int maxThreads) {
        this.name = name;
        this.token = token;
        this.maxBodyBytes = maxBodyBytes;
        final QueuedThreadPool threads = new QueuedThreadPool(Math.max(maxThreads, 4), 2);
        threads.setName("sfpulse-" + name + "-http");
        threads.setDaemon(true);
        this.server = new Server(threads);
        final HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        // What Jetty answers itself (a request line it cannot parse, a header too large): no stack,
        // no version.
        final ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowCauses(false);
        errors.setShowMessageInTitle(false);
        server.setErrorHandler(errors);
        server.setHandler(new Dispatch());
        // Bound now, so port() is known before start (Kafka Streams' application.server names the
        // operations port at start-up).
        try {
            connector.open();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(
                    "Cannot bind the "
                            + name
                            + " HTTP endpoint on "
                            + host
                            + ":"
                            + port
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** An endpoint named {@code name} (in logs and thread names) on {@code host:port} (0: a free port). */
    public static Builder on(final String name, final String host, final int port) {
        return new Builder(name, host, port);
    }

    /** How an endpoint is set up before it starts. */
    public static final class Builder {
        private final String name;
        private final String host;
        private final int port;
        private BearerToken token = BearerToken.of(null);
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int maxThreads = 8;

        private Builder(final String name, final String host, final int port) {
            this.name = name;
            this.host = host;
            this.port = port;
        }

        public Builder token(final BearerToken t) {
            this.token = t;
            return this;
        }

        public Builder maxBodyBytes(final int bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        public Builder maxThreads(final int n) {
            this.maxThreads = n;
            return this;
        }

        public HttpEndpoint build() {
            return new HttpEndpoint(name, host, port, token, maxBodyBytes, maxThreads);
        }
    }

    /** A GET (and HEAD) route needing the token (when one is configured). */
    public HttpEndpoint get(final String prefix, final Route route) {
        return route(prefix, Set.of("GET"), false, Set.of(), route);
    }

    /**
     * A route for {@code methods} under {@code prefix} ({@code /v1/markers} matches {@code /v1/markers} and
     * {@code /v1/markers/x}; the longest prefix wins); {@code open} skips the token; {@code consumes} lists the
     * content types a body may have (empty: any). GET routes answer HEAD too.
     */
    public synchronized HttpEndpoint route(
            final String prefix,
            final Set<String> methods,
            final boolean open,
            final Set<String> consumes,
            final Route route) {
        final Set<String> allowed = new TreeSet<>(methods);
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        routes.add(
                new Binding(
                        prefix,
                        java.util.Collections.unmodifiableSet(allowed),
                        open,
                        Set.copyOf(consumes),
                        route)); // sorted: Allow lists them in order
        routes.sort(Comparator.comparingInt((Binding b) -> b.prefix().length()).reversed());
        return this;
    }

    public HttpEndpoint start() throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(
                    "Cannot start the " + name + " HTTP endpoint: " + e.getMessage(), e);
        }
        LOG.atDebug().log(
                "{} endpoint on http://{}:{} ({})", name, connector.getHost(), port(), token);
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String host() {
        return connector.getHost();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), port());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.atWarn().log("Stopping the {} HTTP endpoint: {}", name, e.toString());
        }
    }

    private Binding match(final String path) {
        synchronized (this) {
            for (final Binding b : routes) {
                if (path.equals(b.prefix())
                        || path.startsWith(b.prefix().endsWith("/") ? b.prefix() : b.prefix() + "/")
                        || b.prefix().equals("/")) {
                    return b;
                }
            }
        }
        return null;
    }

    /** Matches the route, checks method, token, content type and size, reads the body, and answers. */
    private final class Dispatch extends Handler.Abstract {
        @Override
        public boolean handle(
                final Request request, final Response response, final Callback callback) {
            final String method = request.getMethod().toUpperCase(Locale.ROOT);
            final String path =
                    request.getHttpURI().getDecodedPath() == null
                            ? "/"
                            : request.getHttpURI().getDecodedPath();
            RouteResponse answer;
            try {
                answer = answer(request, method, path);
            } catch (HttpError e) {
                answer = RouteResponse.error(e.status(), e.getMessage());
            } catch (IOException | RuntimeException e) {
                LOG.atError()
                        .log("{} endpoint failed on {} {}: {}", name, method, path, e.toString());
                LOG.atDebug().setCause(e).log("{} endpoint failure", name);
                answer = RouteResponse.error(500, "internal error, see the sfpulse log");
            }
            send(response, callback, answer, "HEAD".equals(method));
            return true;
        }

        private RouteResponse answer(final Request request, final String method, final String path)
                throws IOException {
            // The body is read (bounded) before any refusal, so the connection stays usable for the
            // client's next request.
            if (request.getLength() > maxBodyBytes) {
                throw new HttpError(413, "body larger than " + maxBodyBytes + " bytes");
            }
            final byte[] body = read(request);
            final Binding b = match(path);
            if (b == null) {
                throw HttpError.notFound("no such path: " + path);
            }
            if (!b.methods().contains(method)) {
                return RouteResponse.error(405, String.join(", ", b.methods()) + " only")
                        .withHeader("Allow", String.join(", ", b.methods()));
            }
            if (!b.open() && !token.accepts(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                return RouteResponse.error(401, "missing or wrong bearer token")
                        .withHeader("WWW-Authenticate", "Bearer realm=\"sfpulse\"");
            }
            if (body.length > 0 && !b.consumes().isEmpty()) {
                final String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
                final String bare =
                        type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
                if (!b.consumes().contains(bare)) {
                    throw new HttpError(
                            415,
                            "content type must be "
                                    + String.join(" or ", new TreeSet<>(b.consumes()))
                                    + (type == null ? " (none given)" : ", not " + bare));
                }
            }
            final Map<String, String> headers = new LinkedHashMap<>();
            for (final HttpField f : request.getHeaders()) {
                headers.putIfAbsent(f.getLowerCaseName(), f.getValue());
            }
            return b.route()
                    .handle(
                            new RouteRequest(
                                    method,
                                    path,
                                    request.getHttpURI().getPath(),
                                    request.getHttpURI().getQuery(),
                                    headers,
                                    body));
        }

        private byte[] read(final Request request) throws IOException {
            try (InputStream in = Request.asInputStream(request)) {
                final byte[] body = in.readNBytes(maxBodyBytes + 1);
                if (body.length > maxBodyBytes) {
                    throw new HttpError(413, "body larger than " + maxBodyBytes + " bytes");
                }
                return body;
            }
        }

        private void send(
                final Response response,
                final Callback callback,
                final RouteResponse r,
                final boolean head) {
            response.setStatus(r.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, r.contentType());
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            r.headers().forEach((k, v) -> response.getHeaders().put(k, v));
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, r.body().length);
            if (head) {
                callback.succeeded();
            } else {
                response.write(true, ByteBuffer.wrap(r.body()), callback);
            }
        }
    }
}
