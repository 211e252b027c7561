package io.sfpulse.sink.chart;

import io.sfpulse.schemas.alert.Alert;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before/after charts of alerts: rendered once per alert state from the {@code series} evidence,
 * kept in a bounded cache, and (when a public base URL is configured) reachable at an unguessable
 * capability URL so Slack, PagerDuty and Teams can fetch the image without credentials. Thread-safe.
 */
public final class AlertChart {

    private static final Logger LOG = LoggerFactory.getLogger(AlertChart.class);
    private static final int CACHE = 500;

    private final ChartRenderer renderer = new ChartRenderer();
    private final String publicBaseUrl;
    private final byte[] urlKey = new byte[32];
    private final Map<String, byte[]> byToken =
            new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(final Map.Entry<String, byte[]> eldest) {
                    return size() > CACHE;
                }
            };

    /** @param publicBaseUrl how chat tools reach the chart server, e.g. https://sfpulse.example.com; null for attachment only */
    public AlertChart(final String publicBaseUrl) {
        this.publicBaseUrl =
                publicBaseUrl == null || publicBaseUrl.isBlank()
                        ? null
                        : publicBaseUrl.replaceAll("/+$", "");
        new SecureRandom().nextBytes(urlKey);
    }

    /** The PNG for this alert state, if its evidence carries a series. */
    public synchronized Optional<byte[]> png(final Alert alert) {
        final String token = token(alert);
        final byte[] cached = byToken.get(token);
        if (cached != null) {
            return Optional.of(cached);
        }
        final Optional<MetricSeries> series = MetricSeries.parse(alert.getEvidence().get("series"));
        if (series.isEmpty()) {
            return Optional.empty();
        }
        final String deployAt = alert.getEvidence().get("deployCompletedAt");
        final long marker =
                deployAt == null ? Long.MIN_VALUE : Instant.parse(deployAt).toEpochMilli();
        try {
            final byte[] png =
                    renderer.render(
                            alert.getSubject()
                                    + " per minute, org "
                                    + alert.getOrgId()
                                    + " ("
                                    + alert.getStatus()
                                    + ")",
                            series.get(),
                            marker,
                            "deploy " + (alert.getReleaseId() == null ? "" : alert.getReleaseId()));
            byToken.put(token, png);
            return Optional.of(png);
        } catch (RuntimeException | Error e) {
            // A chart is a nicety; never fail a delivery for it.
            LOG.atWarn()
                    .addKeyValue("org", alert.getOrgId())
                    .addKeyValue("alert", alert.getDedupKey())
                    .log("Cannot render chart: {}", e.toString());
            return Optional.empty();
        }
    }

    /** Public URL of the chart, when charts are served and one exists for this alert. */
    public Optional<String> url(final Alert alert) {
        if (publicBaseUrl == null || png(alert).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(publicBaseUrl + "/charts/" + token(alert) + ".png");
    }

    /** Looks up a chart by the token in its URL. */
    public synchronized Optional<byte[]> byToken(final String token) {
        return Optional.ofNullable(byToken.get(token));
    }

    private String token(final Alert alert) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(urlKey, "HmacSHA256"));
            return HexFormat.of()
                    .formatHex(
                            mac.doFinal(
                                    (alert.getAlertId() + "#" + alert.getStatus())
                                            .getBytes(StandardCharsets.UTF_8)),
                            0,
                            16);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
