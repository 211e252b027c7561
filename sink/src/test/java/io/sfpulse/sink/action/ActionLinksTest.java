package io.sfpulse.sink.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionLinksTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private final ActionTrigger trigger = new ActionTrigger("alert:TRIGGERED", "k#TRIGGERED#0", "00D000000000001EAA", "post-deploy-failures",
        "k", "TRIGGERED", Map.of("org", "00D000000000001EAA", "rollback.commit", "beef123"));

    private static ActionLinks at(final Instant now) {
        return new ActionLinks(SECRET, "https://sfpulse.example.com/", Duration.ofHours(1), Clock.fixed(now, ZoneOffset.UTC), List.of());
    }

    @Test
    void aLinkCarriesItsActionAndTriggerAndVerifiesUntilItExpires() throws Exception {
        final String url = at(NOW).link("rollback", trigger);
        assertThat(url).startsWith("https://sfpulse.example.com/v1/actions/");
        final String token = url.substring(url.lastIndexOf('/') + 1);
        final ActionLinks.Claim claim = at(NOW.plus(Duration.ofMinutes(59))).verify(token);
        assertThat(claim.action()).isEqualTo("rollback");
        assertThat(claim.trigger()).isEqualTo(trigger);
        assertThat(claim.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThatThrownBy(() -> at(NOW.plus(Duration.ofHours(1))).verify(token)).isInstanceOf(ActionLinks.Refused.class)
            .matches(e -> ((ActionLinks.Refused) e).expired()).hasMessageContaining("expired");
    }

    @Test
    void aTamperedOrForeignLinkIsRefusedAsNotOurs() {
        final String url = at(NOW).link("rollback", trigger);
        final String token = url.substring(url.lastIndexOf('/') + 1);
        final String[] parts = token.split("\\.");
        final String otherPayload = java.util.Base64.getUrlEncoder().withoutPadding()
            .encodeToString("{\"sub\":\"drop-database\",\"exp\":9999999999}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> at(NOW).verify(parts[0] + "." + otherPayload + "." + parts[2]))
            .matches(e -> !((ActionLinks.Refused) e).expired()).hasMessageContaining("not a link of this sfpulse");
        final ActionLinks other = new ActionLinks("another-secret-another-secret-0000".getBytes(StandardCharsets.UTF_8), "https://x",
            Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC), List.of());
        assertThatThrownBy(() -> other.verify(token)).hasMessageContaining("not a link of this sfpulse");
        assertThatThrownBy(() -> at(NOW).verify("garbage")).hasMessageContaining("not a link of this sfpulse");
    }
}
