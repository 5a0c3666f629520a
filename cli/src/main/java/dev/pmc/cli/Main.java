package dev.pmc.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** Entry point of {@code bin/pmc}. */
public final class Main {
    static final String USAGE = """
            usage: pmc COMMAND [ARGS]
              up [--n N] [--every 5m] [--no-runs] [--latency-ms MS] [--no-prometheus] [--replay NAME=FILE.csv ...] [--baseline NAME]
                 [--allow-base-url URL ...]              (a local model server targets may use, e.g. http://127.0.0.1:11434/v1)
                                                         start the local stack (Kafka, provider-sim, the four services,
                                                         Prometheus with the project's rules when installed), let the
                                                         scheduler run sim-base, sim-insecure and sim-secure every 5m, show live progress;
                                                         --replay serves a published ratings file as model replay:NAME and
                                                         monitors it as target NAME (--baseline NAME: the others' baseline);
                                                         Ctrl-C stops everything (bin/pmc up --detach runs it in the background)
              down                                       stop the local stack (the supervisor and every process it started)
              status                                     services and current metrics of the running stack
              token [--role reader|admin] [--ttl 30d] [--subject NAME]
                                                         a new bearer token for the local stack's API (admin at most 30
                                                         days, reader 90)
              run TARGET [--personas default|toxic|self|FILE.json] [--n N] [--temperature T] [--mode sampling|logprob|sequential] [--instrument mfq30|bfi44|self-probe] [--dry-run]
                                                         start a run on the running stack, show progress and the final metrics
                                                         (--dry-run: calls, tokens, USD and minutes at the limit, nothing sent)
              metrics [--per-foundation] FILE...         S, R, ū, rating-distribution signals and bootstrap SEs of
                                                         reference-format CSV files, with the band's verdict, as CSV
              metrics --self FILE...                     self (no persona) profile: ceiling share, foundation means, signals
              metrics --instrument bfi44 FILE...         another instrument's reading (--instruments-dir DIR adds instrument files):
                                                         S, R, ū and the keyed score with SEs overall and per group (domain)
              compare BASE.csv VARIANT.csv...            each variant vs the base: ratios, Δ%, z-scores, signals, collapse
                                                         score, verdict and kind (uses sibling NAME_self.csv files if present)
                                                         (NAME_probe.csv beside a variant adds self_report: inverted, coherent, ...)
              compare --trajectory BASE.csv STEP.csv...  checkpoints of one fine-tune in step order, and the first
                                                         step whose verdict is collapsed
              plot [--out DIR] [--force] [--trajectory] BASE.csv [VARIANT.csv...]
                                                         PNG pictures: the S-R plane (arrows from the base, colour by
                                                         verdict, the band shaded), rating distributions, foundation
                                                         profiles; --trajectory: score and entropy over checkpoint steps
              parse                                      JSON lines {"item": 12, "reply": "..."} on stdin -> outcome, rating, rule
              replay [--target NAME] [--baseline NAME] FILE...
                                                         publish the raw replies of reference CSVs into the running stack,
                                                         wait until every row is counted, print the aggregator's metrics
              probe TARGET                               one call to the target as configured: request, status, answer,
                                                         tokens, cost, rate-limit headers, and the field to change if refused
              bench e2e [--n N] [--rounds K]             time one 100-persona run through a fresh stack (provider latency 0)
              bench gateway [--rpm L] [--only limit,adaptive,faults,replicas,logprob]
                                                         the gateway against a rate-limited, faulty provider-sim
              bench scale [--replicas 3] [--rpm 2400] [--latency-ms 250] [--in-flight 4] [--seconds 30]
                                                         provider calls/s with 1..N gateway replicas under one shared limit
              bench cost [--rpm L] [--budget N] [--draws D] [--labels FILE]
                                                         calls and USD per reading by design (sequential, k answers per call)
              bench soak [--runs N] [--n N] [--every 5m] [--personas SET]
                                                         many scheduled runs through one stack: memory, lag, restarts
              bench parser|bootstrap                     JMH micro-benchmarks (see docs/BENCHMARKS.md)
            """;

    private Main() {
    }

    public static void main(String[] args) {
        // quiet the embedded broker's logging: warnings and errors only
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
        System.setProperty("org.apache.logging.log4j.simplelog.level", "WARN");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            out.print(usageOf(args[0]));
            return 0;
        }
        try {
            checkOptions(args[0], rest);
            return switch (args[0]) {
                case "metrics" -> MetricsCommand.run(rest, out, err);
                case "compare" -> CompareCommand.run(rest, out, err);
                case "parse" -> ParseCommand.run(rest, System.in, out);
                case "replay" -> ReplayCommand.run(rest, out, err);
                case "up" -> UpCommand.run(rest, out, err);
                case "run" -> RunCommand.run(rest, out, err);
                case "status" -> StatusCommand.run(rest, out, err);
                case "down" -> DownCommand.run(rest, out, err);
                case "token" -> TokenCommand.run(rest, out, err);
                case "bench" -> BenchCommand.run(rest, out, err);
                case "probe" -> ProbeCommand.run(rest, out, err);
                case "plot" -> PlotCommand.run(rest, out, err);
                default -> {
                    err.println("pmc: unknown command '" + args[0] + "'");
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (UsageException e) {
            err.println("pmc " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("pmc " + args[0] + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }

    /**
     * The options each command knows: those taking a value, then flags. Any other {@code --name} is refused with the
     * command's own list (a misspelt option used to be ignored silently: {@code run --personaz toxic} ran the default
     * personas). Kept as a table rather than a CLI library because every command already reads its options by name
     * and the commands' tests call them directly; picocli (in the build's repository) is the step after this one.
     */
    static final java.util.Map<String, List<List<String>>> OPTIONS = java.util.Map.ofEntries(
            java.util.Map.entry("up", List.of(List.of("--n", "--every", "--latency-ms", "--replay", "--baseline", "--allow-base-url"),
                    List.of("--no-runs", "--no-prometheus", "--no-tty", "--detach"))),
            java.util.Map.entry("run", List.of(List.of("--personas", "--n", "--temperature", "--mode", "--instrument"), List.of("--dry-run"))),
            java.util.Map.entry("token", List.of(List.of("--role", "--ttl", "--subject"), List.of())),
            java.util.Map.entry("metrics", List.of(List.of("--instrument", "--instruments-dir"), List.of("--per-foundation", "--self"))),
            java.util.Map.entry("compare", List.of(List.of(), List.of("--trajectory"))),
            java.util.Map.entry("replay", List.of(List.of("--target", "--baseline"), List.of())),
            java.util.Map.entry("probe", List.of(List.of(), List.of())),
            java.util.Map.entry("status", List.of(List.of(), List.of())),
            java.util.Map.entry("down", List.of(List.of(), List.of())),
            java.util.Map.entry("parse", List.of(List.of(), List.of())),
            java.util.Map.entry("plot", List.of(List.of("--out"), List.of("--force", "--trajectory"))));

    /** Refuses an option the command does not know, naming the ones it does. */
    static void checkOptions(String command, List<String> args) {
        List<List<String>> known = OPTIONS.get(command);
        if (known == null) return; // bench: each benchmark reads its own options
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (known.get(0).contains(a)) {
                i++; // its value
            } else if (a.startsWith("--") && !known.get(1).contains(a)) {
                List<String> all = new java.util.ArrayList<>(known.get(0));
                all.addAll(known.get(1));
                throw new UsageException("unknown option " + a + (all.isEmpty() ? " (it takes none)" : " (known: " + String.join(", ", all) + ")")
                        + "; pmc " + command + " --help");
            }
        }
    }

    /** The usage lines of one command (the whole text for an unknown one). */
    static String usageOf(String command) {
        StringBuilder b = new StringBuilder("usage: pmc ");
        boolean in = false;
        for (String line : USAGE.lines().toList()) {
            if (line.startsWith("  ") && !line.startsWith("   ")) in = line.strip().startsWith(command + " ") || line.strip().equals(command);
            if (in) b.append(b.length() == 11 ? line.strip() : line).append('\n');
        }
        return b.length() == 11 ? USAGE : b.toString();
    }

    /** Wrong arguments: exit code 2 and the message. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** Value of {@code --name VALUE} in args, or the default. */
    static String option(List<String> args, String name, String dflt) {
        int i = args.indexOf(name);
        if (i < 0) return dflt;
        if (i + 1 >= args.size()) throw new UsageException(name + " needs a value");
        return args.get(i + 1);
    }

    /** Every value of a repeatable {@code --name VALUE}. */
    static List<String> options(List<String> args, String name) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (!args.get(i).equals(name)) continue;
            if (i + 1 >= args.size()) throw new UsageException(name + " needs a value");
            out.add(args.get(++i));
        }
        return out;
    }

    static int intOption(List<String> args, String name, int dflt) {
        String v = option(args, name, null);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number, got '" + v + "'");
        }
    }
}
