package io.sfpulse.embedded;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;

/**
 * Authentication for the Kafka Connect worker's REST API: every request must carry the worker's
 * token, as {@code Authorization: Bearer <token>} or as the password of HTTP Basic (any user name,
 * so {@code curl -u sfpulse:<token>} works). The token comes from the worker's own config
 * ({@value #TOKEN_CONFIG}), not from JVM-wide JAAS settings, so each embedded worker has its own.
 * Like Kafka's BasicAuthSecurityRestExtension, requests between workers to the internal task
 * endpoints pass: Connect verifies those with its session-key signature.
 */
public final class RestTokenAuthExtension implements ConnectRestExtension {

    public static final String TOKEN_CONFIG = "sfpulse.rest.token";
    private static final Pattern INTERNAL = Pattern.compile("^/?connectors/[^/]+/(tasks|fence)/?$");
    private byte[] token;

    @Override
    public void configure(final Map<String, ?> configs) {
        final Object value = configs.get(TOKEN_CONFIG);
        if (value == null || value.toString().isEmpty()) {
            throw new ConfigException(TOKEN_CONFIG, null, "the REST token extension needs a token");
        }
        token = value.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void register(final ConnectRestExtensionContext context) {
        context.configurable().register((ContainerRequestFilter) this::filter);
    }

    private void filter(final ContainerRequestContext request) {
        final String method = request.getMethod();
        if (("POST".equals(method) || "PUT".equals(method))
                && INTERNAL.matcher(request.getUriInfo().getPath()).matches()) {
            return;
        }
        if (!authorized(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            request.abortWith(
                    Response.status(Response.Status.UNAUTHORIZED)
                            .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"sfpulse-connect\"")
                            .type("application/json")
                            .entity("{\"error_code\":401,\"message\":\"token required\"}")
                            .build());
        }
    }

    boolean authorized(final String header) {
        if (header == null) {
            return false;
        }
        final byte[] presented;
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            final String decoded;
            try {
                decoded =
                        new String(
                                Base64.getDecoder().decode(header.substring(6).trim()),
                                StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            presented =
                    decoded.substring(decoded.indexOf(':') + 1).getBytes(StandardCharsets.UTF_8);
        } else {
            return false;
        }
        return MessageDigest.isEqual(presented, token); // constant time
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef()
                .define(
                        TOKEN_CONFIG,
                        ConfigDef.Type.PASSWORD,
                        ConfigDef.Importance.HIGH,
                        "Token the worker's REST API requires.");
    }

    @Override
    public String version() {
        return RestTokenAuthExtension.class.getPackage().getImplementationVersion() == null
                ? "dev"
                : RestTokenAuthExtension.class.getPackage().getImplementationVersion();
    }

    @Override
    public void close() {}
}
