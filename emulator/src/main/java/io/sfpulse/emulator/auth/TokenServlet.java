package io.sfpulse.emulator.auth;

import io.sfpulse.emulator.faults.FaultPlan;
import io.sfpulse.emulator.org.EmulatedOrg;
import io.sfpulse.emulator.rest.Json;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code POST /services/oauth2/token}: client-credentials and username-password grants with the
 * response and error bodies Salesforce returns (HTTP 400 {@code {"error","error_description"}}).
 */
public final class TokenServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient EmulatedOrg org;
    private final transient TokenStore tokens;
    private final transient FaultPlan faults;
    private final transient Supplier<String> instanceUrl;

    public TokenServlet(
            final EmulatedOrg org,
            final TokenStore tokens,
            final FaultPlan faults,
            final Supplier<String> instanceUrl) {
        this.org = org;
        this.tokens = tokens;
        this.faults = faults;
        this.instanceUrl = instanceUrl;
    }

    @Override
    protected void doPost(final HttpServletRequest req, final HttpServletResponse resp)
            throws IOException {
        if (faults.takeTokenEndpointFailure()) {
            Json.write(
                    resp,
                    503,
                    Map.of(
                            "error",
                            "temporarily_unavailable",
                            "error_description",
                            "service unavailable"));
            return;
        }
        final String grant = req.getParameter("grant_type");
        if (grant == null) {
            Json.write(resp, 400, error("invalid_request", "grant type not supported"));
            return;
        }
        if (!grant.endsWith("jwt-bearer")
                && !org.clientId().equals(req.getParameter("client_id"))) {
            Json.write(resp, 400, error("invalid_client_id", "client identifier invalid"));
            return;
        }
        switch (grant) {
            case "client_credentials" -> {
                if (!org.clientSecret().equals(req.getParameter("client_secret"))) {
                    Json.write(resp, 400, error("invalid_client", "invalid client credentials"));
                    return;
                }
            }
            case "password" -> {
                if (!org.clientSecret().equals(req.getParameter("client_secret"))) {
                    Json.write(resp, 400, error("invalid_client", "invalid client credentials"));
                    return;
                }
                if (!org.username().equals(req.getParameter("username"))
                        || !org.password().equals(req.getParameter("password"))) {
                    Json.write(resp, 400, error("invalid_grant", "authentication failure"));
                    return;
                }
            }
            case "urn:ietf:params:oauth:grant-type:jwt-bearer" -> {
                final String problem =
                        JwtBearerVerifier.verify(
                                req.getParameter("assertion"), org, instanceUrl.get());
                if (problem != null) {
                    Json.write(
                            resp,
                            400,
                            error(
                                    problem.startsWith("client")
                                            ? "invalid_client_id"
                                            : "invalid_grant",
                                    problem));
                    return;
                }
            }
            default -> {
                Json.write(resp, 400, error("unsupported_grant_type", "grant type not supported"));
                return;
            }
        }
        Json.write(resp, 200, success());
    }

    private Map<String, Object> success() {
        final String issuedAt = String.valueOf(System.currentTimeMillis());
        final String id = instanceUrl.get() + "/id/" + org.orgId() + "/005000000000001AAA";
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.issue());
        body.put("instance_url", instanceUrl.get());
        body.put("id", id);
        body.put("token_type", "Bearer");
        body.put("issued_at", issuedAt);
        body.put("signature", sign(id + issuedAt));
        return body;
    }

    private String sign(final String value) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(
                    new SecretKeySpec(
                            org.clientSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> error(final String code, final String description) {
        return Map.of("error", code, "error_description", description);
    }
}
