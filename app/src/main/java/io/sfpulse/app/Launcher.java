package io.sfpulse.app;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code sfpulse} command line. The only class that prints to the console or exits.
 */
public final class Launcher {

    static final String HELP = """
        sfpulse - watches Salesforce orgs after every release

        Usage: ./sfpulse <command> [options]

        Commands:
          demo [--scenario NAME] [--keep-running]
                               Run a scripted release end to end on embedded parts (KRaft broker,
                               schema registry, Salesforce emulator, Connect worker, Kafka Streams,
                               sink with a local signed webhook) and print the alerts with their
                               evidence. Exits 0 when the deploy's alert fired and resolved;
                               --keep-running leaves it all up (page, metrics, topics) until Ctrl-C.
                               Scenarios: deploy-error-burst (default: a NullPointerException burst
                               after a deploy), flow-stops (a record-triggered flow stops firing
                               after the deploy that changed it, then runs again).
          run --config FILE    Run ingest, detection and sink until stopped (Ctrl-C). Anything not
                               configured is embedded: no kafka.bootstrap.servers -> embedded broker
                               (data in sfpulse.data.dir), no salesforce.orgs -> the emulated org.
                               Environment variables SFPULSE_<KEY> override keys (dots as '_').
          mark --org ID --label V [--commit SHA] [--components A,B] [--time T] [--url U] [--token T]
                               Announce a release (CI/CD) to a running sfpulse's marker API
                               (marker.api.port, marker.api.token).
          gate --org ID (--release ID | --commit SHA | --label V) [--wait 30m] [--checkpoint MIN] [--dry-run]
               [--url U] [--token T]
                               Wait for a release's verdict from a running sfpulse (operations endpoint,
                               /v1/releases/...) and exit with it: 0 HEALTHY, 1 FAULTY, 2 INCONCLUSIVE or
                               timed out, 3 unknown org/release or refused. For CI/CD promotion gates.
          silence --org ID [--detector D] [--subject S] --for 2h --reason TEXT --by NAME | --list [--org ID]
                  | --end ID --by NAME
                               Hold back pushes of an org's alerts (a detector, a subject) for a while,
                               with a reason; audited, they expire. Detection and verdicts go on.
          report --org ID [--since 30d] [--url U] [--token T]
                               The org's operations KPIs as Markdown: change-failure rate, mean time to
                               restore, defects per release, lead time, error budget; per release its
                               verdict, defects, time to restore, lead time and budget burned.

          backtest --signals FILE.csv --markers FILE.csv --out FILE.(json|csv) [--kind latency|failures]
                   [--operation NAME] [--org ID] [--config FILE]
                               Replay history (timestamp,value[,org] rows; markers timestamp,deployId
                               [,components;...][,org]) through the same detectors; write the alerts.
          backtest --from-kafka HOST:PORT --out FILE [--from ISO] [--to ISO] [--config FILE]
                               The same from what the ingest recorded in Kafka.
          bench ingest|streams|e2e|detection [--events N]
                               Measure on this machine with a real broker; prints Markdown tables
                               for BENCHMARKS.md (not part of the tests).
                               streams: [--setups PxIxT,...] partitions x instances x threads
                                        (default 2x1x1,2x1x2,2x2x1,4x2x2,4x4x1; the first also
                                        times state restore) [--set KEY=VALUE] detection settings
                               e2e: [--rounds N] event->alert latency percentiles
                               detection: [--orgs-per-kind N] [--seed S] labelled scenario suite
          docs configuration FILE
                               Write the configuration reference (every key of every component, from
                               their ConfigDefs) as Markdown: docs/configuration.md.

        Options:
          --verbose            Log at INFO (default: warnings and errors only)
          -h, --help           Show this help
        """;

    private Launcher() {
    }

    public static void main(final String[] args) {
        final List<String> list = Arrays.asList(args);
        final boolean verbose = list.contains("--verbose");
        System.setProperty("org.slf4j.simpleLogger.log.io.sfpulse", verbose ? "info" : "warn");
        if (list.isEmpty() || list.contains("-h") || list.contains("--help")) {
            System.out.println(HELP);
            System.exit(list.isEmpty() ? 2 : 0);
        }
        final int code;
        try {
            code = switch (args[0]) {
                case "demo" -> new DemoCommand(System.out).run(list.subList(1, list.size()));
                case "run" -> new RunCommand(System.out).run(configPath(list));
                case "mark" -> new MarkCommand(System.out, System.getenv()).run(list.subList(1, list.size()));
                case "gate" -> new GateCommand(System.out, System.getenv()).run(list.subList(1, list.size()));
                case "silence" -> new SilenceCommand(System.out, System.getenv()).run(list.subList(1, list.size()));
                case "report" -> new ReportCommand(System.out, System.getenv()).run(list.subList(1, list.size()));
                case "bench" -> new BenchCommand(System.out).run(list.subList(1, list.size()));
                case "backtest" -> new BacktestCommand(System.out).run(list.subList(1, list.size()));
                case "docs" -> docs(list.subList(1, list.size()));
                default -> {
                    System.err.println("Unknown command '" + args[0] + "'.\n\n" + HELP);
                    yield 2;
                }
            };
        } catch (Exception e) {
            System.err.println("sfpulse failed: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
            return;
        }
        System.exit(code);
    }

    private static int docs(final List<String> args) throws java.io.IOException {
        if (args.size() != 2 || !args.get(0).equals("configuration")) {
            System.err.println("Usage: ./sfpulse docs configuration FILE");
            return 2;
        }
        final Path file = Path.of(args.get(1));
        io.sfpulse.app.docs.ConfigurationReference.write(file);
        System.out.println("Wrote the configuration reference to " + file);
        return 0;
    }

    private static Path configPath(final List<String> args) {
        final int i = args.indexOf("--config");
        if (i < 0) {
            return null;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException("--config needs a file");
        }
        return Path.of(args.get(i + 1));
    }
}
