package io.sfpulse.app;

import io.sfpulse.ingest.Version;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * The {@code sfpulse} command line, on picocli: every subcommand with its options and their
 * descriptions, help per subcommand ({@code sfpulse gate --help}), {@code --version}, and exit
 * codes listed in the help. picocli parses and validates (an unknown option or a missing required
 * one is a usage error naming it, exit 2 — 3 for {@code gate}, whose callers read 3 as "bad input");
 * each command then gets its {@link CommandOptions}.
 */
final class Cli {

    /** Exit code of a usage error (unknown or missing option), for every command but {@code gate}. */
    static final int USAGE = 2;

    /** What runs a parsed command. */
    @FunctionalInterface
    interface Handler {
        int run(CommandOptions options) throws Exception;
    }

    private record Opt(
            String name,
            String label,
            String description,
            boolean required,
            boolean flag,
            boolean repeatable) {
        static Opt of(final String name, final String label, final String description) {
            return new Opt(name, label, description, false, false, false);
        }

        static Opt required(final String name, final String label, final String description) {
            return new Opt(name, label, description, true, false, false);
        }

        static Opt flag(final String name, final String description) {
            return new Opt(name, null, description, false, true, false);
        }

        static Opt repeatable(final String name, final String label, final String description) {
            return new Opt(name, label, description, false, false, true);
        }
    }

    private static final Opt URL =
            Opt.of(
                    "--url",
                    "URL",
                    "Operations endpoint of a running sfpulse (default $SFPULSE_URL, else http://127.0.0.1:9464).");
    private static final Opt TOKEN =
            Opt.of("--token", "TOKEN", "Its bearer token (default $SFPULSE_OPS_TOKEN).");

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    Cli(final PrintStream out, final PrintStream err, final Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    /** The command tree: one spec per subcommand, with the handler that runs it. */
    private CommandLine commandLine(final Map<String, Handler> handlers) {
        final CommandSpec root =
                CommandSpec.create()
                        .name("sfpulse")
                        .version("sfpulse " + Version.get())
                        .mixinStandardHelpOptions(true);
        root.usageMessage()
                .description(
                        "Watches Salesforce orgs after every release: ingest, detection, alerts, verdicts.")
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(
                        Map.of("0", "success", "1", "the command failed", "2", "usage error"));
        root.addOption(verbose());
        final CommandLine cl = new CommandLine(root);

        add(
                cl,
                handlers,
                "demo",
                "Run a scripted release end to end on embedded parts (KRaft broker, schema registry, Salesforce emulator, "
                        + "Connect worker, Kafka Streams, sink with a local signed webhook) and print the alerts with their evidence.",
                Map.of(
                        "0",
                        "every alert raised for the deploy fired, was delivered and resolved",
                        "1",
                        "it did not",
                        "2",
                        "usage error"),
                o -> new DemoCommand(out).run(o),
                Opt.of(
                        "--scenario",
                        "NAME",
                        "deploy-error-burst (default: a NullPointerException burst after a deploy) or flow-stops "
                                + "(a record-triggered flow stops after the deploy that changed it, then runs again)."),
                Opt.flag(
                        "--keep-running",
                        "Leave everything running afterwards (page, metrics, topics) until Ctrl-C."));
        add(
                cl,
                handlers,
                "run",
                "Run ingest, detection and sink until stopped (Ctrl-C). Anything not configured is embedded: no "
                        + "kafka.bootstrap.servers -> an embedded broker, no salesforce.orgs -> the emulated org. SFPULSE_<KEY> environment "
                        + "variables override keys (dots as '_', '-' as '__').",
                Map.of("0", "stopped", "1", "failed to start", "2", "usage error"),
                o ->
                        new RunCommand(out)
                                .run(
                                        o.values().containsKey("config")
                                                ? java.nio.file.Path.of(o.values().get("config"))
                                                : null),
                Opt.of(
                        "--config",
                        "FILE",
                        "Properties file (see config/example.properties and docs/configuration.md)."));
        add(
                cl,
                handlers,
                "mark",
                "Announce a release (CI/CD) to a running sfpulse's marker API.",
                Map.of(
                        "0",
                        "the marker was stored (202)",
                        "1",
                        "the marker API refused it",
                        "2",
                        "usage error"),
                o -> new MarkCommand(out, env).run(o),
                Opt.required("--org", "ORG_ID", "Salesforce org id, 15 or 18 characters."),
                Opt.required("--label", "VERSION", "Release label or version."),
                Opt.of("--commit", "SHA", "Commit deployed."),
                Opt.of("--commit-time", "ISO-8601", "Commit time (for lead time)."),
                Opt.of(
                        "--components",
                        "A,B",
                        "Components deployed, e.g. ApexClass:InvoiceService,Flow:Case_Intake."),
                Opt.of("--time", "ISO-8601", "When the release went live (default now)."),
                Opt.of(
                        "--deploy-id",
                        "ID",
                        "The DeployRequest id, to merge with the deploy the ingest sees."),
                Opt.of(
                        "--url",
                        "URL",
                        "Marker API (default $SFPULSE_MARKER_URL, else http://127.0.0.1:8787)."),
                Opt.of("--token", "TOKEN", "Marker API token (default $SFPULSE_MARKER_TOKEN)."));
        final CommandLine gate =
                add(
                        cl,
                        handlers,
                        "gate",
                        "Wait for a release's verdict from a running sfpulse and exit with it: for CI/CD "
                                + "promotion gates. Give exactly one of --release, --commit, --label.",
                        Map.of(
                                "0",
                                "HEALTHY",
                                "1",
                                "FAULTY",
                                "2",
                                "INCONCLUSIVE, or timed out",
                                "3",
                                "unknown org, release, commit or label; refused "
                                        + "token; bad options"),
                        o -> new GateCommand(out, env).run(o),
                        Opt.required("--org", "ORG_ID", "Salesforce org id."),
                        Opt.of("--release", "ID", "Release (deploy) id."),
                        Opt.of("--commit", "SHA", "Commit (7+ characters) of the release."),
                        Opt.of("--label", "VERSION", "Label of the release."),
                        Opt.of(
                                "--wait",
                                "DURATION",
                                "How long to wait for a final verdict, e.g. 30m (default 0: answer with what is known now)."),
                        Opt.of(
                                "--checkpoint",
                                "MINUTES",
                                "Accept a non-final verdict once this checkpoint (minutes after the release) was evaluated."),
                        Opt.of("--poll", "DURATION", "Time between polls (default 10s)."),
                        Opt.flag("--dry-run", "Print what the gate decided and exit 0."),
                        URL,
                        TOKEN);
        gate.getCommandSpec().exitCodeOnInvalidInput(GateCommand.BAD_INPUT);
        add(
                cl,
                handlers,
                "silence",
                "Hold back pushes of an org's alerts (of a detector, a subject) for a while, with a reason; list "
                        + "silences; or end one. Detection and verdicts go on. One of: --org with --for, --reason and --by; --list; --end with --by.",
                Map.of("0", "done", "1", "refused", "2", "usage error"),
                o -> new SilenceCommand(out, env).run(o),
                Opt.of("--org", "ORG_ID", "Org to silence (or to list)."),
                Opt.of("--detector", "NAME", "Only this detector's alerts."),
                Opt.of(
                        "--subject",
                        "SUBJECT",
                        "Only this subject (an error signature, an operation)."),
                Opt.of("--for", "DURATION", "How long, e.g. 2h (at most 30 days)."),
                Opt.of("--reason", "TEXT", "Why (audited)."),
                Opt.of("--by", "NAME", "Who (audited)."),
                Opt.flag("--list", "List silences, newest first."),
                Opt.of("--end", "SILENCE_ID", "End a silence now."),
                URL,
                TOKEN);
        add(
                cl,
                handlers,
                "report",
                "The org's operations KPIs as Markdown: change-failure rate, mean time to restore, defects per "
                        + "release, lead time, error budget; per release its verdict, defects, time to restore, lead time and budget burned.",
                Map.of("0", "printed", "1", "refused", "2", "usage error"),
                o -> new ReportCommand(out, env).run(o),
                Opt.required("--org", "ORG_ID", "Salesforce org id."),
                Opt.of("--since", "30d|ISO-8601", "A duration or an instant (default 30d)."),
                URL,
                TOKEN);
        add(
                cl,
                handlers,
                "backtest",
                "Replay history through the same detectors and write the alerts they would have raised: CSV signals "
                        + "(timestamp,value[,org]) and markers (timestamp,deployId[,components;...][,org]), or what the ingest recorded in Kafka.",
                Map.of("0", "written", "1", "failed", "2", "usage error"),
                o -> new BacktestCommand(out).run(o),
                Opt.of("--signals", "FILE.csv", "Signal rows."),
                Opt.of("--markers", "FILE.csv", "Release markers."),
                Opt.of("--out", "FILE.(json|csv)", "Where the alert states go."),
                Opt.of("--kind", "latency|failures", "What the values are (default latency)."),
                Opt.of("--operation", "NAME", "Operation name of latency rows."),
                Opt.of("--org", "ORG_ID", "Org of rows without one."),
                Opt.of(
                        "--config",
                        "FILE",
                        "Detection settings (and, with --from-kafka, schema.registry.url and channels)."),
                Opt.of(
                        "--from-kafka",
                        "BOOTSTRAP_SERVERS",
                        "Read the ingest topics and markers from this Kafka instead of CSV."),
                Opt.of("--from", "ISO-8601", "From this event time (--from-kafka)."),
                Opt.of("--to", "ISO-8601", "Up to this event time (--from-kafka)."));
        final CommandLine bench =
                add(
                        cl,
                        handlers,
                        "bench",
                        "Measure on this machine with a real broker, each benchmark next to its "
                                + "reference measured in the same run; prints Markdown tables for BENCHMARKS.md (not part of the tests).",
                        Map.of(
                                "0",
                                "measured",
                                "1",
                                "a benchmark's check failed (chaos: something lost or doubled)",
                                "2",
                                "usage error"),
                        o -> new BenchCommand(out).run(o),
                        Opt.of("--events", "N", "Events to load (ingest, streams, elf)."),
                        Opt.of("--transport", "pubsub,cometd", "Ingest transports to measure."),
                        Opt.of(
                                "--setups",
                                "PxIxT,...",
                                "streams: partitions x instances x threads (default 2x1x1,2x1x2,2x2x1,4x2x2,4x4x1)."),
                        Opt.repeatable(
                                "--set", "KEY=VALUE", "streams: a detection setting (repeatable)."),
                        Opt.of("--events-per-org", "N", "scale: events per org."),
                        Opt.of("--orgs", "10,100,1000", "scale: org counts."),
                        Opt.of("--series", "N", "scale: series per org."),
                        Opt.of("--rounds", "N", "e2e: event -> alert rounds."),
                        Opt.of("--faults", "N", "chaos: faults to inject."),
                        Opt.of("--seed", "S", "chaos, detection: random seed."),
                        Opt.of(
                                "--guarantee",
                                "at_least_once|exactly_once_v2",
                                "chaos: streams processing guarantee."),
                        Opt.of("--kinds", "K,...", "chaos: fault kinds."),
                        Opt.of("--orgs-per-kind", "N", "detection: orgs per scenario kind."));
        bench.getCommandSpec()
                .addPositional(
                        PositionalParamSpec.builder()
                                .index("0")
                                .arity("0..1")
                                .paramLabel("BENCHMARK")
                                .description(
                                        "ingest (default), streams, scale, elf, e2e, chaos or detection.")
                                .build());
        add(
                cl,
                handlers,
                "docs",
                "Write the configuration reference (every key of every component, from their ConfigDefs) as "
                        + "Markdown, e.g. docs/configuration.md.",
                Map.of("0", "written", "2", "usage error"),
                o -> docs(o),
                new Opt[0]);
        cl.getSubcommands()
                .get("docs")
                .getCommandSpec()
                .addPositional(
                        PositionalParamSpec.builder()
                                .index("0..1")
                                .arity("2")
                                .paramLabel("configuration FILE")
                                .description("What to write (configuration) and where.")
                                .build());
        return cl;
    }

    private static OptionSpec verbose() {
        return OptionSpec.builder("--verbose")
                .arity("0")
                .type(boolean.class)
                .description("Log at INFO (default: warnings and errors only).")
                .scopeType(CommandLine.ScopeType.INHERIT)
                .build();
    }

    private static CommandLine add(
            final CommandLine root,
            final Map<String, Handler> handlers,
            final String name,
            final String description,
            final Map<String, String> exitCodes,
            final Handler handler,
            final Opt... options) {
        final CommandSpec spec =
                CommandSpec.create()
                        .name(name)
                        .mixinStandardHelpOptions(true)
                        .version(root.getCommandSpec().version());
        spec.usageMessage()
                .description(description)
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(new java.util.TreeMap<>(exitCodes));
        for (final Opt o : options) {
            final OptionSpec.Builder b =
                    OptionSpec.builder(o.name())
                            .description(o.description())
                            .required(o.required());
            if (o.flag()) {
                b.arity("0").type(boolean.class);
            } else if (o.repeatable()) {
                b.arity("1").type(List.class).auxiliaryTypes(String.class).paramLabel(o.label());
            } else {
                b.arity("1").type(String.class).paramLabel(o.label());
            }
            spec.addOption(b.build());
        }
        spec.exitCodeOnInvalidInput(USAGE);
        final CommandLine sub = new CommandLine(spec);
        root.addSubcommand(name, sub);
        handlers.put(name, handler);
        return sub;
    }

    /** Parses and runs one command line; returns the exit code. */
    int execute(final String... args) {
        final Map<String, Handler> handlers = new LinkedHashMap<>();
        final CommandLine cl = commandLine(handlers);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        final ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            err.println(e.getMessage());
            e.getCommandLine().usage(err);
            return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        }
        final Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        if (!parsed.hasSubcommand()) {
            cl.usage(err);
            return USAGE;
        }
        final ParseResult sub = parsed.subcommand();
        final boolean verbose =
                parsed.hasMatchedOption("--verbose") || sub.hasMatchedOption("--verbose");
        System.setProperty("org.slf4j.simpleLogger.log.io.sfpulse", verbose ? "info" : "warn");
        try {
            return handlers.get(sub.commandSpec().name()).run(options(sub));
        } catch (IllegalArgumentException e) {
            err.println("sfpulse " + sub.commandSpec().name() + ": " + e.getMessage());
            return sub.commandSpec().exitCodeOnInvalidInput();
        } catch (Exception e) {
            err.println("sfpulse " + sub.commandSpec().name() + " failed: " + e);
            if (verbose) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /** The usage text of the whole command line (what {@code sfpulse --help} prints). */
    String usage() {
        return commandLine(new LinkedHashMap<>()).getUsageMessage();
    }

    /** What picocli matched, as the commands read it: option name (without {@code --}) to value, flags as "true", repeated values, positionals. */
    static CommandOptions options(final ParseResult parsed) {
        final Map<String, String> values = new LinkedHashMap<>();
        final Map<String, List<String>> repeated = new LinkedHashMap<>();
        for (final OptionSpec o : parsed.matchedOptions()) {
            final String name = o.longestName().replaceFirst("^--", "");
            if (name.equals("verbose")) {
                continue;
            }
            final Object v = o.getValue();
            if (v instanceof List<?> list) {
                repeated.put(name, list.stream().map(String::valueOf).toList());
            } else {
                values.put(name, String.valueOf(v));
            }
        }
        final List<String> positional = new ArrayList<>();
        parsed.matchedPositionals()
                .forEach(
                        p -> {
                            final Object v = p.getValue();
                            if (v instanceof List<?> list) {
                                list.forEach(x -> positional.add(String.valueOf(x)));
                            } else if (v != null) {
                                positional.add(String.valueOf(v));
                            }
                        });
        return new CommandOptions(values, repeated, positional);
    }

    /** Parses {@code args} as the options of {@code command} (what the commands' tests hand them), usage errors thrown. */
    static CommandOptions parse(final String command, final String... args) {
        final String[] line = new String[args.length + 1];
        line[0] = command;
        System.arraycopy(args, 0, line, 1, args.length);
        return options(
                new Cli(System.out, System.err, Map.of())
                        .commandLine(new LinkedHashMap<>())
                        .parseArgs(line)
                        .subcommand());
    }

    static CommandOptions parse(final String command, final List<String> args) {
        return parse(command, args.toArray(String[]::new));
    }

    private int docs(final CommandOptions o) throws java.io.IOException {
        if (o.positional().size() != 2 || !o.positional().get(0).equals("configuration")) {
            err.println("Usage: ./sfpulse docs configuration FILE");
            return USAGE;
        }
        final java.nio.file.Path file = java.nio.file.Path.of(o.positional().get(1));
        io.sfpulse.app.docs.ConfigurationReference.write(file);
        out.println("Wrote the configuration reference to " + file);
        return 0;
    }
}
