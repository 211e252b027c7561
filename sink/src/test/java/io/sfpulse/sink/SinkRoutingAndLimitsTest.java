package io.sfpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfpulse.schemas.alert.Alert;
import io.sfpulse.schemas.alert.AlertStatus;
import io.sfpulse.schemas.alert.Severity;
import io.sfpulse.sink.chart.ChartRenderer;
import io.sfpulse.sink.chart.MetricSeries;
import io.sfpulse.sink.retry.RateLimiter;
import io.sfpulse.sink.route.AlertRouter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SinkRoutingAndLimitsTest {

    private static Alert alert(final String org, final Severity severity, final String detector) {
        return Alert.newBuilder(Alerts.sample("0Af1", AlertStatus.TRIGGERED, 0))
                .setOrgId(org)
                .setSeverity(severity)
                .setDetector(detector)
                .build();
    }

    @Test
    void rateLimiterAllowsBurstUpToPermitsThenWaitsForTheWindow() {
        final RateLimiter limiter = new RateLimiter(2, Duration.ofSeconds(1));
        final long t0 = 1_000_000_000L;
        assertThat(limiter.tryAcquire(t0)).isZero();
        assertThat(limiter.tryAcquire(t0 + 10)).isZero();
        assertThat(limiter.tryAcquire(t0 + 20)).isEqualTo(1_000_000_000L - 20);
        assertThat(limiter.tryAcquire(t0 + 1_000_000_000L)).isZero();
    }

    @Test
    void routerAddsChannelsOfEveryMatchingRule() {
        final AlertRouter router =
                new AlertRouter(
                        List.of(
                                new AlertRouter.Rule(
                                        "prod-oncall",
                                        List.of("00DPROD*"),
                                        List.of(),
                                        Severity.ERROR,
                                        List.of("pagerduty")),
                                new AlertRouter.Rule(
                                        "data",
                                        List.of(),
                                        List.of("data-*"),
                                        Severity.INFO,
                                        List.of("slack")),
                                new AlertRouter.Rule(
                                        "audit",
                                        List.of(),
                                        List.of(),
                                        Severity.INFO,
                                        List.of("webhook", "teams"))));
        final Set<String> enabled = Set.of("pagerduty", "slack", "webhook");
        assertThat(
                        router.route(
                                alert("00DPROD1", Severity.CRITICAL, "post-deploy-failures"),
                                enabled))
                .containsExactly("pagerduty", "webhook");
        assertThat(
                        router.route(
                                alert("00DPROD1", Severity.WARNING, "post-deploy-failures"),
                                enabled))
                .containsExactly("webhook");
        assertThat(router.route(alert("00DSANDBOX", Severity.INFO, "data-anomalies"), enabled))
                .containsExactly("slack", "webhook");
        assertThat(new AlertRouter(List.of()).route(alert("x", Severity.INFO, "d"), enabled))
                .isEqualTo(enabled);
    }

    @Test
    void routesAreReadFromConfigAndValidated() {
        final Map<String, Object> p = new HashMap<>();
        p.put(SinkConfig.BOOTSTRAP_SERVERS_CONFIG, "x:9092");
        p.put("schema.registry.url", "mock://routes");
        p.put(SinkConfig.ROUTES_CONFIG, "a");
        p.put("sink.route.a.channels", "pagerduty,carrier-pigeon");
        assertThatThrownBy(() -> new SinkConfig(p))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.route.a.channels");
        p.put("sink.route.a.channels", "pagerduty");
        p.put("sink.route.a.min.severity", "loud");
        assertThatThrownBy(() -> new SinkConfig(p))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("min.severity");
        p.put("sink.route.a.min.severity", "error");
        p.put("sink.route.a.orgs", "00DPROD*");
        assertThat(
                        new SinkConfig(p)
                                .router()
                                .route(
                                        alert("00DPROD9", Severity.CRITICAL, "d"),
                                        Set.of("pagerduty")))
                .containsExactly("pagerduty");
    }

    @Test
    void channelsCanBeDisabledWithoutRemovingTheirSettings() {
        final Map<String, Object> p = new HashMap<>();
        p.put(SinkConfig.BOOTSTRAP_SERVERS_CONFIG, "x:9092");
        p.put("schema.registry.url", "mock://channels");
        p.put(SinkConfig.PAGERDUTY_KEY_CONFIG, "S3CR3TR0UT1NGKEY");
        p.put(SinkConfig.SLACK_URL_CONFIG, "https://hooks.slack.com/services/x");
        p.put(SinkConfig.SLACK_ENABLED_CONFIG, false);
        final SinkChannels channels =
                new SinkChannels(
                        new SinkConfig(p), new io.sfpulse.sink.chart.AlertChart(null), null);
        assertThat(channels.all().keySet()).containsExactly("log", "pagerduty");
        assertThat(channels.all().get("pagerduty").channel().toString())
                .doesNotContain("S3CR3TR0UT1NGKEY");
    }

    @Test
    void chartIsAPngOfTheSeries() throws Exception {
        final MetricSeries series =
                MetricSeries.parse("start=0;step=60000;values=0,1,0,2,9,8").orElseThrow();
        assertThat(series.values()).containsExactly(0, 1, 0, 2, 9, 8);
        assertThat(MetricSeries.parse("garbage")).isEmpty();
        final byte[] png =
                new ChartRenderer()
                        .render("failures per minute", series, 4 * 60_000L, "deploy 0Af1");
        final BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(720);
        assertThat(image.getHeight()).isEqualTo(300);
    }
}
