package io.sfpulse.app;

import io.sfpulse.app.bench.IngestBenchmark;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** {@code sfpulse bench}: throughput benchmarks on this machine (not tests). */
final class BenchCommand {

    private final PrintStream out;

    BenchCommand(final PrintStream out) {
        this.out = out;
    }

    int run(final List<String> args) throws Exception {
        final int i = args.indexOf("--events");
        final int events = i >= 0 && i + 1 < args.size() ? Integer.parseInt(args.get(i + 1)) : 50_000;
        final String which = args.isEmpty() || args.get(0).startsWith("--") ? "ingest" : args.get(0);
        out.printf("[bench] %s on %d cores, %s, Java %s%n", which, Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name") + " " + System.getProperty("os.arch"), System.getProperty("java.version"));
        switch (which) {
            case "ingest" -> {
                final int t = args.indexOf("--transport");
                new IngestBenchmark(out).run(events, java.util.Arrays.stream((t >= 0 ? args.get(t + 1) : "pubsub,cometd").split(","))
                    .map(v -> io.sfpulse.ingest.SalesforceSourceConfig.Transport.valueOf(v.trim().toUpperCase(java.util.Locale.ROOT))).toList());
            }
            case "streams" -> {
                final int s = args.indexOf("--setups");
                final Map<String, String> overrides = new java.util.LinkedHashMap<>();
                for (int k = 0; k < args.size() - 1; k++) {
                    if (args.get(k).equals("--set")) {
                        final String[] kv = args.get(k + 1).split("=", 2);
                        overrides.put(kv[0], kv.length > 1 ? kv[1] : "");
                    }
                }
                new io.sfpulse.app.bench.StreamsBenchmark(out).run(events,
                    s >= 0 ? args.get(s + 1) : io.sfpulse.app.bench.StreamsBenchmark.DEFAULT_SETUPS, overrides);
            }
            case "scale" -> {
                final int e = args.indexOf("--events-per-org");
                final int o = args.indexOf("--orgs");
                final int n = args.indexOf("--series");
                new io.sfpulse.app.bench.StreamsBenchmark(out).runScale(e >= 0 ? Integer.parseInt(args.get(e + 1)) : 500,
                    java.util.Arrays.stream((o >= 0 ? args.get(o + 1) : "10,100,1000").split(",")).map(String::trim).map(Integer::valueOf).toList(),
                    n >= 0 ? Integer.parseInt(args.get(n + 1)) : 10);
            }
            case "elf" -> new io.sfpulse.app.bench.EventLogFileBenchmark(out).run(i >= 0 ? events : 100_000);
            case "e2e" -> {
                final int r = args.indexOf("--rounds");
                new EndToEndBenchmark(out).run(r >= 0 ? Integer.parseInt(args.get(r + 1)) : 8);
            }
            case "chaos" -> {
                final int f = args.indexOf("--faults");
                final int s = args.indexOf("--seed");
                final int g = args.indexOf("--guarantee");
                final int k = args.indexOf("--kinds");
                final List<io.sfpulse.app.bench.ChaosBenchmark.Fault> kinds = k < 0 ? List.of(io.sfpulse.app.bench.ChaosBenchmark.Fault.values())
                    : java.util.Arrays.stream(args.get(k + 1).split(",")).map(v -> io.sfpulse.app.bench.ChaosBenchmark.Fault.valueOf(
                        v.trim().toUpperCase(java.util.Locale.ROOT))).toList();
                if (!new io.sfpulse.app.bench.ChaosBenchmark(out).run(f >= 0 ? Integer.parseInt(args.get(f + 1)) : 100,
                    s >= 0 ? Long.parseLong(args.get(s + 1)) : 1L, g >= 0 ? args.get(g + 1) : "exactly_once_v2", kinds)) {
                    return 1;
                }
            }
            case "detection" -> {
                final int k = args.indexOf("--orgs-per-kind");
                final int s = args.indexOf("--seed");
                new io.sfpulse.app.bench.DetectionSuite(out).run(k >= 0 ? Integer.parseInt(args.get(k + 1)) : 10,
                    s >= 0 ? Long.parseLong(args.get(s + 1)) : 1L, Map.of());
            }
            default -> {
                out.println("Unknown benchmark '" + which + "' (available: ingest, streams, scale, elf, detection, e2e, chaos)");
                return 2;
            }
        }
        return 0;
    }
}
