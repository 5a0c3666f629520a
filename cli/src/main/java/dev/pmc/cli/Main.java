package dev.pmc.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Entry point of {@code bin/pmc}: picocli reads every command's options from its annotations, refuses an unknown
 * option or a missing value (exit 2, naming it and the command's options), answers {@code --help} on every command and
 * prints the shell completion script ({@code bin/pmc generate-completion}).
 */
@Command(name = "pmc", synopsisSubcommandLabel = "COMMAND", versionProvider = Main.Version.class,
        description = "PMC, the persona-model collapse monitor: moral susceptibility S and robustness R of models and their fine-tunes.",
        footer = {"", "bin/pmc images builds the container images (a script, not listed above); docs/REFERENCE.md describes every command."})
public final class Main implements Runnable {
    /** Every command, in the order usage lists them. */
    static final Map<String, Class<?>> COMMANDS = commands(UpCommand.class, DownCommand.class, StatusCommand.class, TokenCommand.class,
            RunCommand.class, ProbeCommand.class, MetricsCommand.class, CompareCommand.class, PlotCommand.class, ParseCommand.class,
            ReplayCommand.class, BenchCommand.class, Completion.class);

    @CommandLine.Spec
    CommandSpec spec;
    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, scope = CommandLine.ScopeType.INHERIT, description = "this help")
    boolean help;
    @CommandLine.Option(names = {"-V", "--version"}, versionHelp = true, description = "the version")
    boolean version;

    Main() {
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a command");
    }

    public static void main(String[] args) {
        // quiet the embedded broker's logging: warnings and errors only
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
        System.setProperty("org.apache.logging.log4j.simplelog.level", "WARN");
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line with the given streams (stdin is the process's); the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        // only the command asked for is read into picocli's model: reading all thirteen (and the benchmarks) from their
        // annotations cost a one-file `metrics` 0.19 s more as a whole process (docs/BENCHMARKS.md)
        CommandLine cli = commandLine(in, out, err, args.length > 0 && COMMANDS.containsKey(args[0]) && !args[0].equals("completion")
                ? List.of(args[0]) : List.copyOf(COMMANDS.keySet()));
        if (args.length == 0) {
            cli.usage(out);
            return 2;
        }
        if (args[0].equals("help")) { // pmc help [COMMAND...] is pmc [COMMAND...] --help
            List<String> asked = new ArrayList<>(List.of(args).subList(1, args.length));
            asked.add("--help");
            args = asked.toArray(String[]::new);
        }
        return cli.execute(args);
    }

    private static Map<String, Class<?>> commands(Class<?>... classes) {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        for (Class<?> c : classes) m.put(c.getAnnotation(Command.class).name(), c);
        return m;
    }

    static CommandLine commandLine(InputStream in, PrintStream out, PrintStream err, List<String> commands) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine cli = new CommandLine(new Main(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K k = defaults.create(cls);
                if (k instanceof PmcCommand c) c.streams(in, out, err);
                return k;
            }
        });
        for (String name : commands) cli.addSubcommand(name, new CommandLine(COMMANDS.get(name), cli.getFactory()));
        Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        cli.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, utf8), true));
        cli.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, utf8), true));
        cli.setUsageHelpWidth(120);
        cli.setParameterExceptionHandler(Main::badArguments);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            String name = "pmc " + line.getCommandSpec().qualifiedName(" ").replaceFirst("^pmc ", "");
            line.getErr().println(name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return e instanceof UsageException ? 2 : 1;
        });
        return cli;
    }

    /** A wrong command line: the problem, the command's options when one is unknown, and where help is; exit 2. */
    private static int badArguments(ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        String name = line.getCommandSpec().qualifiedName(" ");
        StringBuilder b = new StringBuilder(name).append(": ");
        List<String> unknownOptions = e instanceof UnmatchedArgumentException u
                ? u.getUnmatched().stream().filter(a -> a.startsWith("-")).toList() : List.of();
        if (!unknownOptions.isEmpty()) {
            List<String> known = new ArrayList<>();
            for (OptionSpec o : line.getCommandSpec().options()) if (!o.usageHelp() && !o.versionHelp()) known.add(o.longestName());
            b.append("unknown option ").append(String.join(", ", unknownOptions))
                    .append(known.isEmpty() ? " (it takes none)" : " (known: " + String.join(", ", known) + ")");
        } else if (e instanceof UnmatchedArgumentException u && !line.getSubcommands().isEmpty()) {
            b.append("unknown command '").append(u.getUnmatched().get(0)).append("' (known: ")
                    .append(String.join(", ", line.getSubcommands().keySet())).append(")");
        } else {
            b.append(e.getMessage());
        }
        line.getErr().println(b.append("; ").append(name).append(" --help"));
        return 2;
    }

    /** {@code pmc completion}: the bash/zsh completion script of every command and option (picocli writes it). */
    @Command(name = "completion", description = {"The bash/zsh completion script: source <(bin/pmc completion).",
            "Or save it as /etc/bash_completion.d/pmc; it completes commands, options and files."})
    static final class Completion extends PmcCommand {
        @CommandLine.Spec
        CommandSpec spec;

        @Override
        int run() {
            out.print(AutoComplete.bash("pmc", spec.root().commandLine()));
            return 0;
        }
    }

    /** A command of bin/pmc: picocli fills its options; it writes to the streams {@link Main#run} was given. */
    abstract static class PmcCommand implements Callable<Integer> {
        InputStream in = System.in;
        PrintStream out = System.out;
        PrintStream err = System.err;

        void streams(InputStream in, PrintStream out, PrintStream err) {
            this.in = in;
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() throws Exception {
            return run();
        }

        abstract int run() throws Exception;
    }

    /** Wrong arguments found by a command itself (a file that does not exist, options that exclude each other): exit 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"pmc " + (v == null ? "(development build)" : v)};
        }
    }
}
