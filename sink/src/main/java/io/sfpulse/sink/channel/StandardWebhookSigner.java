package io.sfpulse.sink.channel;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs payloads per the Standard Webhooks spec: {@code webhook-signature: v1,<base64(HMAC-SHA256(key,
 * "<webhook-id>.<webhook-timestamp>.<body>"))>}, where the key is the base64 part of a
 * {@code whsec_...} secret. Thread-safe.
 */
public final class StandardWebhookSigner {

    private final byte[] key;

    public StandardWebhookSigner(final String secret) {
        final String encoded =
                secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        this.key = Base64.getDecoder().decode(encoded);
    }

    public String sign(final String id, final long timestampSeconds, final String body) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            final byte[] sig =
                    mac.doFinal(
                            (id + "." + timestampSeconds + "." + body)
                                    .getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(sig);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
