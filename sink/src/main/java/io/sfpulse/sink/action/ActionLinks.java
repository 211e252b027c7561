package io.sfpulse.sink.action;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sfpulse.schemas.alert.Alert;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Action links: capability URLs ({@code <base>/v1/actions/<token>}) that let a human run an action
 * that needs approval, offered with the alert (Slack and Teams buttons, PagerDuty links, the webhook
 * payload). The token is a JWS (HS256, nimbus-jose-jwt) over the action, the trigger and its
 * variables, expiring after {@code action.links.ttl.ms}; the operations endpoint verifies it, and the
 * delivery ledger makes it single-use. Thread-safe.
 */
public final class ActionLinks {

    /** One link offered: the action's name and its URL. */
    public record Link(String action, String url) {}

    /** A verified link: which action, on what, until when. */
    public record Claim(String action, ActionTrigger trigger, Instant expiresAt) {}

    /** Why a link does not run. */
    public static final class Refused extends Exception {
        private final boolean expired;

        public Refused(final String message, final boolean expired) {
            super(message);
            this.expired = expired;
        }

        /** True when the link was genuine but is past its expiry (410), false when it is not ours (404). */
        public boolean expired() {
            return expired;
        }
    }

    private final byte[] secret;
    private final String baseUrl;
    private final Duration ttl;
    private final Clock clock;
    private final List<ActionConfig> approvalActions;

    public ActionLinks(
            final byte[] secret,
            final String baseUrl,
            final Duration ttl,
            final Clock clock,
            final List<ActionConfig> approvalActions) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("action link secret must be at least 32 bytes");
        }
        this.secret = secret.clone();
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.ttl = ttl;
        this.clock = clock;
        this.approvalActions = List.copyOf(approvalActions);
    }

    /** Links for the approval actions an alert state triggers. */
    public List<Link> forAlert(final Alert a) {
        final ActionTrigger t = ActionTriggers.of(a, null);
        return approvalActions.stream()
                .filter(c -> c.runsOn(t.trigger(), t.org(), t.detector()))
                .map(c -> new Link(c.name(), link(c.name(), t)))
                .toList();
    }

    /**
     * Links for the approval actions an alert's TRIGGERED state runs, from what the release-health page
     * keeps of it: the same links (same trigger key, so one use between them) the alert's push offered.
     */
    public List<Link> forTriggered(
            final String org,
            final String dedupKey,
            final String releaseId,
            final String detector,
            final String subject,
            final String severity,
            final String summary,
            final Instant triggeredAt) {
        final Alert a =
                Alert.newBuilder()
                        .setAlertId(dedupKey + "#TRIGGERED#0")
                        .setDedupKey(dedupKey)
                        .setStatus(io.sfpulse.schemas.alert.AlertStatus.TRIGGERED)
                        .setSeverity(io.sfpulse.schemas.alert.Severity.valueOf(severity))
                        .setOrgId(org)
                        .setReleaseId(releaseId)
                        .setDetector(detector)
                        .setSubject(subject)
                        .setSummary(summary)
                        .setSequence(0)
                        .setWindowStart(triggeredAt)
                        .setWindowEnd(triggeredAt)
                        .setEventTime(triggeredAt)
                        .build();
        return forAlert(a);
    }

    /** The URL that runs {@code action} on {@code t} once approved. */
    public String link(final String action, final ActionTrigger t) {
        final JWTClaimsSet claims =
                new JWTClaimsSet.Builder()
                        .subject(action)
                        .jwtID(t.key())
                        .expirationTime(Date.from(clock.instant().plus(ttl)))
                        .claim("trigger", t.trigger())
                        .claim("org", t.org())
                        .claim("detector", t.detector())
                        .claim("dedupKey", t.dedupKey())
                        .claim("state", t.state())
                        .claim("vars", t.variables())
                        .build();
        final SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign action link", e);
        }
        return baseUrl + "/v1/actions/" + jwt.serialize();
    }

    /** Checks a link's token: signed by us and not expired. */
    public Claim verify(final String token) throws Refused {
        final SignedJWT jwt;
        final JWTClaimsSet c;
        try {
            jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(new MACVerifier(secret))) {
                throw new Refused("not a link of this sfpulse", false);
            }
            c = jwt.getJWTClaimsSet();
        } catch (ParseException | JOSEException e) {
            throw new Refused("not a link of this sfpulse", false);
        }
        final Instant expires =
                c.getExpirationTime() == null ? Instant.EPOCH : c.getExpirationTime().toInstant();
        if (!clock.instant().isBefore(expires)) {
            throw new Refused("this link expired at " + expires, true);
        }
        final Map<String, String> vars = new LinkedHashMap<>();
        Optional.ofNullable(c.getClaim("vars"))
                .filter(Map.class::isInstance)
                .map(Map.class::cast)
                .ifPresent(
                        m ->
                                m.forEach(
                                        (k, v) ->
                                                vars.put(
                                                        String.valueOf(k),
                                                        v == null ? "" : String.valueOf(v))));
        return new Claim(
                c.getSubject(),
                new ActionTrigger(
                        str(c, "trigger"),
                        c.getJWTID(),
                        str(c, "org"),
                        str(c, "detector"),
                        str(c, "dedupKey"),
                        str(c, "state"),
                        vars),
                expires);
    }

    private static String str(final JWTClaimsSet c, final String name) {
        final Object v = c.getClaim(name);
        return v == null ? null : v.toString();
    }

    /** A secret from configuration text (at least 32 bytes of it). */
    public static byte[] secretOf(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
