package io.sfpulse.app;

import io.sfpulse.app.bench.ChaosBenchmark;
import io.sfpulse.app.bench.DetectionSuite;
import io.sfpulse.app.bench.EndToEndBenchmark;
import io.sfpulse.app.bench.EventLogFileBenchmark;
import io.sfpulse.app.bench.IngestBenchmark;
import io.sfpulse.app.bench.StreamsBenchmark;
import io.sfpulse.ingest.SalesforceSourceConfig;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code sfpulse bench}: throughput benchmarks on this machine (not tests). */
final class BenchCommand {

    private final PrintStream out;

    BenchCommand(final PrintStream out) {
        this.out = out;
    }

    int run(final CommandOptions o) throws Exception {
        final Map<String, String> v = o.values();
        final int events = o.integer("events", 50_000);
        final String which = o.positional().isEmpty() ? "ingest" : o.positional().get(0);
        out.printf(
                "[bench] %s on %d cores, %s, Java %s%n",
                which,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version"));
        switch (which) {
            case "ingest" ->
                    new IngestBenchmark(out)
                            .run(
                                    events,
                                    list(v.getOrDefault("transport", "pubsub,cometd")).stream()
                                            .map(
                                                    t ->
                                                            SalesforceSourceConfig.Transport
                                                                    .valueOf(
                                                                            t.toUpperCase(
                                                                                    Locale.ROOT)))
                                            .toList());
            case "streams" -> {
                final Map<String, String> overrides = new LinkedHashMap<>();
                o.repeated()
                        .getOrDefault("set", List.of())
                        .forEach(
                                kv -> {
                                    final String[] pair = kv.split("=", 2);
                                    overrides.put(pair[0], pair.length > 1 ? pair[1] : "");
                                });
                new StreamsBenchmark(out)
                        .run(
                                events,
                                v.getOrDefault("setups", StreamsBenchmark.DEFAULT_SETUPS),
                                overrides);
            }
            case "scale" ->
                    new StreamsBenchmark(out)
                            .runScale(
                                    o.integer("events-per-org", 500),
                                    list(v.getOrDefault("orgs", "10,100,1000")).stream()
                                            .map(Integer::valueOf)
                                            .toList(),
                                    o.integer("series", 10));
            case "elf" -> new EventLogFileBenchmark(out).run(o.integer("events", 100_000));
            case "e2e" -> new EndToEndBenchmark(out).run(o.integer("rounds", 8));
            case "chaos" -> {
                final List<ChaosBenchmark.Fault> kinds =
                        v.containsKey("kinds")
                                ? list(v.get("kinds")).stream()
                                        .map(
                                                k ->
                                                        ChaosBenchmark.Fault.valueOf(
                                                                k.toUpperCase(Locale.ROOT)))
                                        .toList()
                                : List.of(ChaosBenchmark.Fault.values());
                if (!new ChaosBenchmark(out)
                        .run(
                                o.integer("faults", 100),
                                o.longValue("seed", 1L),
                                v.getOrDefault("guarantee", "exactly_once_v2"),
                                kinds)) {
                    return 1;
                }
            }
            case "detection" ->
                    new DetectionSuite(out)
                            .run(o.integer("orgs-per-kind", 10), o.longValue("seed", 1L), Map.of());
            default ->
                    throw new IllegalArgumentException(
                            "unknown benchmark '"
                                    + which
                                    + "' (available: ingest, streams, scale, elf, detection, e2e, chaos)");
        }
        return 0;
    }

    private static List<String> list(final String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
