package io.sfpulse.sink;

import io.sfpulse.sink.action.ActionLinks;
import io.sfpulse.sink.channel.AlertChannel;
import io.sfpulse.sink.channel.JsonLinesFileChannel;
import io.sfpulse.sink.channel.LogChannel;
import io.sfpulse.sink.channel.PagerDutyChannel;
import io.sfpulse.sink.channel.SlackChannel;
import io.sfpulse.sink.channel.TeamsChannel;
import io.sfpulse.sink.channel.WebhookChannel;
import io.sfpulse.sink.chart.AlertChart;
import io.sfpulse.sink.retry.RateLimiter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Builds the enabled channels with their rate limits from a {@link SinkConfig}. */
final class SinkChannels {

    /** A channel with its own rate limit. */
    record Limited(AlertChannel channel, RateLimiter limiter) {}

    private final Map<String, Limited> channels = new LinkedHashMap<>();
    private PagerDutyChannel pagerDuty;

    /** @param links signer of action links offered with alerts, or null when no action needs approval */
    SinkChannels(final SinkConfig c, final AlertChart charts, final ActionLinks links) {
        if (c.getBoolean(SinkConfig.LOG_ENABLED_CONFIG)) {
            add(new LogChannel(), RateLimiter.unlimited());
        }
        if (!c.getString(SinkConfig.FILE_PATH_CONFIG).isBlank()
                && c.getBoolean(SinkConfig.FILE_ENABLED_CONFIG)) {
            add(
                    new JsonLinesFileChannel(Path.of(c.getString(SinkConfig.FILE_PATH_CONFIG))),
                    RateLimiter.unlimited());
        }
        final String webhook = c.secret(SinkConfig.WEBHOOK_URL_CONFIG);
        if (webhook != null && c.getBoolean(SinkConfig.WEBHOOK_ENABLED_CONFIG)) {
            add(
                    new WebhookChannel(
                            webhook, c.secret(SinkConfig.WEBHOOK_SECRET_CONFIG), charts, links),
                    perMinute(c.getInt(SinkConfig.WEBHOOK_RATE_CONFIG)));
        }
        final String routingKey = c.secret(SinkConfig.PAGERDUTY_KEY_CONFIG);
        if (routingKey != null && c.getBoolean(SinkConfig.PAGERDUTY_ENABLED_CONFIG)) {
            pagerDuty =
                    new PagerDutyChannel(
                            c.getString(SinkConfig.PAGERDUTY_URL_CONFIG),
                            routingKey,
                            c.getString(SinkConfig.LINKS_BASE_URL_CONFIG),
                            charts,
                            links);
            add(pagerDuty, perMinute(c.getInt(SinkConfig.PAGERDUTY_RATE_CONFIG)));
        }
        final String slack = c.secret(SinkConfig.SLACK_URL_CONFIG);
        if (slack != null && c.getBoolean(SinkConfig.SLACK_ENABLED_CONFIG)) {
            add(
                    new SlackChannel(slack, charts, links),
                    perMinute(c.getInt(SinkConfig.SLACK_RATE_CONFIG)));
        }
        final String teams = c.secret(SinkConfig.TEAMS_URL_CONFIG);
        if (teams != null && c.getBoolean(SinkConfig.TEAMS_ENABLED_CONFIG)) {
            add(
                    new TeamsChannel(teams, charts, links),
                    perMinute(c.getInt(SinkConfig.TEAMS_RATE_CONFIG)));
        }
    }

    private void add(final AlertChannel channel, final RateLimiter limiter) {
        channels.put(channel.name(), new Limited(channel, limiter));
    }

    private static RateLimiter perMinute(final int n) {
        return new RateLimiter(n, Duration.ofMinutes(1));
    }

    Map<String, Limited> all() {
        return channels;
    }

    /** The PagerDuty channel (for change events), when enabled. */
    Optional<Limited> pagerDuty() {
        return pagerDuty == null ? Optional.empty() : Optional.of(channels.get(pagerDuty.name()));
    }

    void close() {
        channels.values().forEach(l -> l.channel().close());
    }
}
