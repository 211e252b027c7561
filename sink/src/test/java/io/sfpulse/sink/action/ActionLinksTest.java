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

    private static final byte[] SECRET =
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private final ActionTrigger trigger =
            new ActionTrigger(
                    "alert:TRIGGERED",
                    "k#TRIGGERED#0",
                    "00D000000000001EAA",
                    "post-deploy-failures",
                    "k",
                    "TRIGGERED",
                    Map.of("org", "00D000000000001EAA", "rollback.commit", "beef123"));

    private static ActionLinks at(final Instant now) {
        return new ActionLinks(
                SECRET,
                "https://sfpulse.example.com/",
                Duration.ofHours(1),
                Clock.fixed(now, ZoneOffset.UTC),
                List.of());
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
        assertThatThrownBy(() -> at(NOW.plus(Duration.ofHours(1))).verify(token))
                .isInstanceOf(ActionLinks.Refused.class)
                .matches(e -> ((ActionLinks.Refused) e).expired())
                .hasMessageContaining("expired");
    }

    @Test
    void aTamperedOrForeignLinkIsRefusedAsNotOurs() {
        final String url = at(NOW).link("rollback", trigger);
        final String token = url.substring(url.lastIndexOf('/') + 1);
        final String[] parts = token.split("\\.");
        final String otherPayload =
                java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                "{\"sub\":\"drop-database\",\"exp\":9999999999}"
                                        .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> at(NOW).verify(parts[0] + "." + otherPayload + "." + parts[2]))
                .matches(e -> !((ActionLinks.Refused) e).expired())
                .hasMessageContaining("not a link of this sfpulse");
        final ActionLinks other =
                new ActionLinks(
                        "another-secret-another-secret-0000".getBytes(StandardCharsets.UTF_8),
                        "https://x",
                        Duration.ofHours(1),
                        Clock.fixed(NOW, ZoneOffset.UTC),
                        List.of());
        assertThatThrownBy(() -> other.verify(token))
                .hasMessageContaining("not a link of this sfpulse");
        assertThatThrownBy(() -> at(NOW).verify("garbage"))
                .hasMessageContaining("not a link of this sfpulse");
    }

    @Test
    void thePageOffersTheSameSingleUseLinkAsTheAlertsPush() throws Exception {
        final java.util.Map<String, Object> p = new java.util.HashMap<>();
        p.put("kafka.bootstrap.servers", "x:9092");
        p.put("schema.registry.url", "mock://links");
        p.put("actions", "rollback");
        p.put("action.rollback.url", "https://ci.example.com/rollback");
        p.put("action.rollback.on", "alert:TRIGGERED");
        p.put("action.rollback.approval", "true");
        p.put("action.links.secret", "0123456789abcdef0123456789abcdef");
        final ActionLinks links =
                new io.sfpulse.sink.SinkConfig(p).actionLinks(Clock.fixed(NOW, ZoneOffset.UTC));
        final io.sfpulse.schemas.alert.Alert pushed =
                io.sfpulse.schemas.alert.Alert.newBuilder()
                        .setAlertId("x")
                        .setDedupKey("k")
                        .setStatus(io.sfpulse.schemas.alert.AlertStatus.TRIGGERED)
                        .setSeverity(io.sfpulse.schemas.alert.Severity.ERROR)
                        .setOrgId("00D000000000001EAA")
                        .setReleaseId("0AfR")
                        .setDetector("post-deploy-failures")
                        .setSubject("failures")
                        .setSummary("up 8x")
                        .setWindowStart(NOW.minusSeconds(600))
                        .setWindowEnd(NOW)
                        .setEventTime(NOW)
                        .build();
        final String fromPush = links.forAlert(pushed).get(0).url();
        final String fromPage =
                links.forTriggered(
                                "00D000000000001EAA",
                                "k",
                                "0AfR",
                                "post-deploy-failures",
                                "failures",
                                "ERROR",
                                "up 8x",
                                NOW)
                        .get(0)
                        .url();
        assertThat(links.verify(fromPage.substring(fromPage.lastIndexOf('/') + 1)).trigger().key())
                .isEqualTo(
                        links.verify(fromPush.substring(fromPush.lastIndexOf('/') + 1))
                                .trigger()
                                .key())
                .isEqualTo("k#TRIGGERED#0");
        final io.sfpulse.schemas.alert.Alert resolved =
                io.sfpulse.schemas.alert.Alert.newBuilder(pushed)
                        .setStatus(io.sfpulse.schemas.alert.AlertStatus.RESOLVED)
                        .setSequence(2)
                        .build();
        assertThat(links.forAlert(resolved)).as("the action runs on TRIGGERED only").isEmpty();
    }
}
