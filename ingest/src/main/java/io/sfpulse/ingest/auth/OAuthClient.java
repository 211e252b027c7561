package io.sfpulse.ingest.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.ingest.SalesforceSourceConfig;
import io.sfpulse.schemas.id.SalesforceIds;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains access tokens from {@code /services/oauth2/token} (client-credentials or
 * username-password grant) and hands out the current one. Salesforce does not say when a token
 * expires, so it is renewed when a call answers 401 ({@link #refresh}). Thread-safe.
 */
public final class OAuthClient {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SalesforceSourceConfig config;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private final AtomicReference<AccessToken> current = new AtomicReference<>();
    private volatile long issuedAtNanos;

    public OAuthClient(final SalesforceSourceConfig config) {
        this.config = config;
    }

    /** The current token, logging in first if there is none or it is older than the configured maximum age. */
    public AccessToken token() {
        final AccessToken token = current.get();
        if (token != null && System.nanoTime() - issuedAtNanos > config.tokenMaxAge().toNanos()) {
            LOG.atInfo()
                    .addKeyValue("org", token.orgId())
                    .log("Access token reached its maximum age; logging in again ahead of expiry");
            return refresh(token);
        }
        return token != null ? token : refresh(null);
    }

    /**
     * Logs in again unless another thread already replaced {@code stale}.
     * @throws AuthenticationException when the token endpoint refuses or cannot be reached
     */
    public synchronized AccessToken refresh(final AccessToken stale) {
        final AccessToken token = current.get();
        if (token != null && token != stale) {
            return token;
        }
        final AccessToken fresh = login();
        issuedAtNanos = System.nanoTime();
        current.set(fresh);
        LOG.atInfo()
                .addKeyValue("org", fresh.orgId())
                .log("Logged in at '{}' ({} grant)", fresh.instanceUrl(), config.grantType());
        return fresh;
    }

    private AccessToken login() {
        final Map<String, String> form = new LinkedHashMap<>();
        if (config.grantType().equals("jwt_bearer")) {
            form.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
            form.put(
                    "assertion",
                    JwtAssertion.create(
                            config.clientId(),
                            config.username(),
                            config.jwtAudience(),
                            config.jwtKeyFile()));
            return post(form);
        }
        form.put("grant_type", config.grantType());
        form.put("client_id", config.clientId());
        form.put("client_secret", config.clientSecret().value());
        if (config.grantType().equals("password")) {
            form.put("username", config.username());
            form.put("password", config.password().value());
        }
        return post(form);
    }

    private AccessToken post(final Map<String, String> form) {
        final String body =
                form.entrySet().stream()
                        .map(
                                e ->
                                        e.getKey()
                                                + "="
                                                + URLEncoder.encode(
                                                        e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        final HttpRequest request =
                HttpRequest.newBuilder(URI.create(config.loginUrl() + "/services/oauth2/token"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
        try {
            final HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString());
            final JsonNode json = JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
            if (response.statusCode() == 200) {
                return new AccessToken(
                        json.path("access_token").asText(),
                        json.path("instance_url").asText(),
                        orgIdFrom(json.path("id").asText()));
            }
            final String error = json.path("error").asText("http_" + response.statusCode());
            // invalid_client*, invalid_grant, inactive_*: retrying with the same credentials cannot
            // succeed.
            final boolean permanent =
                    response.statusCode() == 400 && !error.equals("rate_limit_exceeded");
            throw new AuthenticationException(
                    "Salesforce login to '"
                            + config.loginUrl()
                            + "' failed: "
                            + error
                            + " ("
                            + json.path("error_description").asText("")
                            + ")",
                    permanent,
                    null);
        } catch (IOException e) {
            throw new AuthenticationException(
                    "Salesforce login endpoint '"
                            + config.loginUrl()
                            + "' unreachable: "
                            + e.getMessage(),
                    false,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthenticationException("Interrupted during login", false, e);
        }
    }

    private String orgIdFrom(final String identityUrl) {
        if (!config.orgId().isBlank()) {
            return config.orgId();
        }
        final String[] parts = identityUrl.split("/");
        return parts.length >= 2
                ? SalesforceIds.normalizeIfId(parts[parts.length - 2])
                : "unknown-org";
    }
}
