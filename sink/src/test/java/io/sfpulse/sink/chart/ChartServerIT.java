package io.sfpulse.sink.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart server over real HTTP: a chart's capability URL answers the PNG; every other request a clear 4xx, and it keeps serving. */
class ChartServerIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<byte[]> send(final String method, final String url)
            throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesAChartByItsTokenAndRefusesEverythingElse() throws Exception {
        final AlertChart charts = new AlertChart("https://charts.example.com");
        final Alert alert =
                Alert.newBuilder()
                        .setAlertId("a#1")
                        .setDedupKey("a")
                        .setStatus(AlertStatus.TRIGGERED)
                        .setSeverity(Severity.ERROR)
                        .setOrgId("00D000000000001EAA")
                        .setReleaseId("0Af000000000001AAA")
                        .setDetector("post-deploy-failures")
                        .setSubject("failures")
                        .setSummary("Failures up")
                        .setEvidence(
                                Map.of(
                                        "series",
                                        "start=1763640000000;step=60000;values=0,1,0,4,7,9",
                                        "deployCompletedAt",
                                        "2026-11-20T12:02:00Z"))
                        .setWindowStart(Instant.parse("2026-11-20T12:00:00Z"))
                        .setWindowEnd(Instant.parse("2026-11-20T12:06:00Z"))
                        .setSequence(1)
                        .setEventTime(Instant.parse("2026-11-20T12:06:00Z"))
                        .build();
        final String url = charts.url(alert).orElseThrow();
        try (ChartServer server = new ChartServer(charts, "127.0.0.1", 0).start()) {
            final String base = "http://127.0.0.1:" + server.port();
            final HttpResponse<byte[]> png =
                    send("GET", base + url.substring("https://charts.example.com".length()));
            assertThat(png.statusCode()).isEqualTo(200);
            assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
            assertThat(png.headers().firstValue("Cache-Control"))
                    .hasValue("private, max-age=86400");
            assertThat(png.body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');

            for (final String wrong :
                    new String[] {
                        "/charts/0123456789abcdef0123456789abcdef.png",
                        "/charts/not-a-token.png",
                        "/charts/"
                    }) {
                final HttpResponse<byte[]> r = send("GET", base + wrong);
                assertThat(r.statusCode()).as(wrong).isEqualTo(404);
                assertThat(new String(r.body())).isEqualTo("{\"error\":\"no such chart\"}");
            }
            assertThat(send("GET", base + "/elsewhere").statusCode()).isEqualTo(404);
            final HttpResponse<byte[]> post =
                    send("POST", base + url.substring("https://charts.example.com".length()));
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
            assertThat(
                            send("GET", base + url.substring("https://charts.example.com".length()))
                                    .statusCode())
                    .isEqualTo(200);
        }
    }
}
