package io.sfpulse.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The one bearer-token check of sfpulse's endpoints: {@code Authorization: Bearer <token>},
 * compared in constant time; no token configured accepts every request. The token itself never
 * appears in {@link #toString()}.
 */
public final class BearerToken {

    private static final String PREFIX = "Bearer ";
    private final byte[] token;

    private BearerToken(final byte[] token) {
        this.token = token;
    }

    /** The check for {@code token}; {@code null} or empty: no check. */
    public static BearerToken of(final String token) {
        return new BearerToken(
                token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8));
    }

    public boolean required() {
        return token != null;
    }

    /** Whether an {@code Authorization} header value carries the token. */
    public boolean accepts(final String authorization) {
        if (token == null) {
            return true;
        }
        return authorization != null
                && authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                && MessageDigest.isEqual(
                        token,
                        authorization
                                .substring(PREFIX.length())
                                .trim()
                                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return token == null ? "no token" : "bearer token (hidden)";
    }
}
