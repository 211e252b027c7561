package io.sfpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfpulse.ingest.auth.JwtAssertion;
import io.sfpulse.ingest.elf.CsvParser;
import io.sfpulse.ingest.marker.MarkerApiServerTestAccess;
import io.sfpulse.ingest.poll.PollCursor;
import io.sfpulse.ingest.poll.SalesforceTimes;
import io.sfpulse.schemas.deploy.DeploymentMarker;
import io.sfpulse.schemas.deploy.MarkerSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PollingUnitTest {

    @TempDir Path dir;

    @Test
    void csvHandlesQuotesEmbeddedCommasNewlinesAndCrLf() {
        final String csv =
                "\"EVENT_TYPE\",\"EXCEPTION_MESSAGE\",\"RUN_TIME\"\r\n"
                        + "\"ApexUnexpectedException\",\"Attempt to de-reference, a \"\"null\"\" object\nline 2\",\"12\"\r\n"
                        + "\"ApexUnexpectedException\",,\"7\"\r\n";
        final List<List<String>> rows = CsvParser.parse(csv);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1))
                .containsExactly(
                        "ApexUnexpectedException",
                        "Attempt to de-reference, a \"null\" object\nline 2",
                        "12");
        assertThat(rows.get(2)).containsExactly("ApexUnexpectedException", "", "7");
    }

    @Test
    void cursorNeitherSkipsNorRepeatsRowsSharingATimestamp() {
        final Instant t = Instant.parse("2026-11-20T12:00:00Z");
        PollCursor c = PollCursor.START.advance(t, "a");
        assertThat(c.seen(t, "a")).isTrue();
        assertThat(c.seen(t, "b")).isFalse();
        c = c.advance(t, "b");
        assertThat(c.idsAtCursor()).containsExactlyInAnyOrder("a", "b");
        c = c.advance(t.plusSeconds(1), "c");
        assertThat(c.idsAtCursor()).containsExactly("c");
        assertThat(c.seen(t, "z")).isTrue();
        assertThat(PollCursor.fromOffset(c.toOffset())).isEqualTo(c);
        assertThat(PollCursor.fromOffset(null)).isEqualTo(PollCursor.START);
    }

    @Test
    void parsesSalesforceTimeFormats() {
        assertThat(SalesforceTimes.parse("2026-11-20T12:00:00.000+0000"))
                .isEqualTo(Instant.parse("2026-11-20T12:00:00Z"));
        assertThat(SalesforceTimes.parse("2026-11-20T12:00:00.123Z"))
                .isEqualTo(Instant.parse("2026-11-20T12:00:00.123Z"));
        assertThat(SalesforceTimes.parse("2026-11-20T12:00:00.300179978+0000"))
                .isEqualTo(Instant.parse("2026-11-20T12:00:00.300179978Z"));
        assertThat(SalesforceTimes.parse("2026-11-20T12:00:00+0000"))
                .isEqualTo(Instant.parse("2026-11-20T12:00:00Z"));
        assertThat(SalesforceTimes.parse("20130715233322.670"))
                .isEqualTo(Instant.parse("2013-07-15T23:33:22.670Z"));
    }

    @Test
    void markerRequestsAreValidated() throws Exception {
        final ObjectMapper json = new ObjectMapper();
        final DeploymentMarker m =
                MarkerApiServerTestAccess.parse(
                        json.readTree(
                                "{\"orgId\":\"00D000000000001EAA\",\"label\":\"v1.2.3\",\"commit\":\"abc123\",\"components\":[\"ApexClass:A\"],"
                                        + "\"time\":\"2026-11-20T12:00:00Z\"}"));
        assertThat(m.getSource()).isEqualTo(MarkerSource.MARKER_API);
        assertThat(m.getLabel()).isEqualTo("v1.2.3");
        assertThat(m.getCommit()).isEqualTo("abc123");
        assertThat(m.getComponents()).containsExactly("ApexClass:A");
        assertThat(m.getCompletedTime()).isEqualTo(Instant.parse("2026-11-20T12:00:00Z"));
        assertThat(m.getDeployId()).startsWith("ci-");
        assertThatThrownBy(
                        () ->
                                MarkerApiServerTestAccess.parse(
                                        json.readTree("{\"orgId\":\"nope\",\"label\":\"v1\"}")))
                .hasMessageContaining("orgId");
        assertThatThrownBy(
                        () ->
                                MarkerApiServerTestAccess.parse(
                                        json.readTree("{\"orgId\":\"00D000000000001EAA\"}")))
                .hasMessageContaining("label");
    }

    @Test
    void jwtAssertionIsRs256WithSalesforceClaims() throws Exception {
        final KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        final Path pem = dir.resolve("key.pem");
        Files.writeString(
                pem,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        final String jwt =
                JwtAssertion.create("client", "user@acme", "https://login.salesforce.com", pem);
        final String[] parts = jwt.split("\\.");
        assertThat(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8))
                .isEqualTo("{\"alg\":\"RS256\"}");
        final String claims =
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertThat(claims)
                .contains(
                        "\"iss\":\"client\"",
                        "\"sub\":\"user@acme\"",
                        "\"aud\":\"https://login.salesforce.com\"",
                        "\"exp\":");
        final Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(keys.getPublic());
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rsa.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
        assertThat(Set.of(parts).size()).isEqualTo(3);
    }
}
