package io.sfpulse.sink.chart;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/** A regular time series carried in alert evidence as {@code start=<ms>;step=<ms>;values=a,b,...}. */
public record MetricSeries(long startMs, long stepMs, double[] values) {

    public static Optional<MetricSeries> parse(final String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            final Map<String, String> parts = new java.util.HashMap<>();
            for (final String kv : text.split(";")) {
                final int eq = kv.indexOf('=');
                parts.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            final double[] values =
                    parts.get("values").isEmpty()
                            ? new double[0]
                            : Arrays.stream(parts.get("values").split(","))
                                    .mapToDouble(Double::parseDouble)
                                    .toArray();
            return Optional.of(
                    new MetricSeries(
                            Long.parseLong(parts.get("start")),
                            Long.parseLong(parts.get("step")),
                            values));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
