package io.sfpulse.emulator.auth;

import io.sfpulse.emulator.org.EmulatorClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Issued access tokens with their expiry; revocable. Thread-safe. */
public final class TokenStore {

    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final String orgId;
    private final EmulatorClock clock;
    private volatile Duration ttl;

    public TokenStore(final String orgId, final EmulatorClock clock, final Duration ttl) {
        this.orgId = orgId;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** Issues a token shaped like Salesforce's ({@code <orgId>!<opaque>}). */
    public String issue() {
        final byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        final String token = orgId + "!" + HexFormat.of().formatHex(bytes);
        // Expiry measured on wall time: scenarios move the org clock, sessions live in real time.
        expiries.put(token, Instant.now().plus(ttl));
        return token;
    }

    /** True if {@code authorizationHeader} carries a live token ("Bearer x", "OAuth x" or the bare token). */
    public boolean isValid(final String authorizationHeader) {
        if (authorizationHeader == null) {
            return false;
        }
        final String token = authorizationHeader.replaceFirst("^(Bearer|OAuth)\\s+", "").trim();
        final Instant expiry = expiries.get(token);
        return expiry != null && Instant.now().isBefore(expiry);
    }

    /** Expires every issued token (fault injection, or a password reset in the org). */
    public void expireAll() {
        expiries.replaceAll((t, e) -> Instant.EPOCH);
    }

    public void setTtl(final Duration ttl) {
        this.ttl = ttl;
    }

    public int issuedCount() {
        return expiries.size();
    }

    EmulatorClock clock() {
        return clock;
    }
}
