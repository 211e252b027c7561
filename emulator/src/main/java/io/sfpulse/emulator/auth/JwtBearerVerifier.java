package io.sfpulse.emulator.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.emulator.org.EmulatedOrg;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * Checks an OAuth 2.0 JWT bearer assertion as Salesforce does: RS256 only, signed with the
 * connected app's certificate key, {@code iss} = consumer key, {@code sub} = the user, {@code aud}
 * = the login host, {@code exp} in the future (about 3 minutes of skew allowed).
 */
final class JwtBearerVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SKEW_SECONDS = 180;

    private JwtBearerVerifier() {}

    /** @return null when valid, else Salesforce's error_description */
    static String verify(final String assertion, final EmulatedOrg org, final String instanceUrl) {
        if (assertion == null || org.jwtPublicKey() == null) {
            return "invalid assertion";
        }
        final String[] parts = assertion.split("\\.");
        if (parts.length != 3) {
            return "invalid assertion";
        }
        try {
            final JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            final JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return "invalid assertion";
            }
            final Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(org.jwtPublicKey());
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return "invalid assertion";
            }
            if (!org.clientId().equals(claims.path("iss").asText())) {
                return "client identifier invalid";
            }
            if (!Set.of("https://login.salesforce.com", "https://test.salesforce.com", instanceUrl)
                    .contains(claims.path("aud").asText())) {
                return "audience is invalid";
            }
            if (!org.username().equals(claims.path("sub").asText())) {
                return "user hasn't approved this consumer";
            }
            if (claims.path("exp").asLong(0) + SKEW_SECONDS < Instant.now().getEpochSecond()) {
                return "expired authorization code";
            }
            return null;
        } catch (GeneralSecurityException | java.io.IOException | IllegalArgumentException e) {
            return "invalid assertion";
        }
    }
}
