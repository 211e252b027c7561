package io.sfpulse.ingest.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/** Builds the RS256-signed JWT of the OAuth 2.0 JWT bearer flow: iss = consumer key, sub = user, aud = login host, exp = now + 3 min. */
public final class JwtAssertion {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private JwtAssertion() {}

    public static String create(
            final String clientId,
            final String username,
            final String audience,
            final Path pkcs8Pem) {
        final String header =
                B64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
        final String claims =
                B64.encodeToString(
                        String.format(
                                        "{\"iss\":\"%s\",\"sub\":\"%s\",\"aud\":\"%s\",\"exp\":%d}",
                                        json(clientId),
                                        json(username),
                                        json(audience),
                                        Instant.now().plusSeconds(180).getEpochSecond())
                                .getBytes(StandardCharsets.UTF_8));
        try {
            final Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(readKey(pkcs8Pem));
            rsa.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + B64.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new AuthenticationException(
                    "Cannot sign JWT assertion with key '" + pkcs8Pem + "'", true, e);
        }
    }

    static PrivateKey readKey(final Path pem) throws GeneralSecurityException {
        final String text;
        try {
            text = Files.readString(pem);
        } catch (IOException e) {
            throw new AuthenticationException("Cannot read JWT key file '" + pem + "'", true, e);
        }
        final String base64 =
                text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static String json(final String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
