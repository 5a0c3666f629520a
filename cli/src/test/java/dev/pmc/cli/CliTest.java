package dev.pmc.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The offline commands of bin/pmc: parse, compare, metrics --self, and their errors. */
class CliTest {
    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return rc + "\n" + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private static String ref(String name) {
        return java.nio.file.Path.of(System.getProperty("pmc.reference.dir", "../../shared/reference-data")).resolve(name).toString();
    }

    /** Issue #29: a misspelt option is refused naming the known ones (it was ignored); COMMAND --help is usage, exit 0. */
    @Test
    void unknownOptionsAreRefusedAndEveryCommandHasHelp() {
        String typo = run("run", "sim-base", "--personaz", "toxic");
        assertTrue(typo.startsWith("2\n") && typo.contains("unknown option --personaz") && typo.contains("--personas"), typo);
        String tokenTypo = run("token", "--rol", "admin");
        assertTrue(tokenTypo.startsWith("2\n") && tokenTypo.contains("--role"), tokenTypo);
        assertTrue(run("metrics", "--per-foundaton", ref("gpt-4o_temp01.csv")).startsWith("2\n"));
        assertEquals(run("run", "--help"), run("help", "run"));
        String help = run("run", "--help");
        assertTrue(help.startsWith("0\n") && help.contains("Usage: pmc run") && help.contains("TARGET") && help.contains("--personas=SET")
                && !help.contains("bench"), help);
        assertTrue(run("metrics", "-h").contains("--self"), "every option of a command");
        String all = run("--help");
        for (String command : List.of("up", "down", "status", "token", "run", "probe", "metrics", "compare", "plot", "parse", "replay", "bench"))
            assertTrue(all.contains("\n  " + command + " "), command + " in " + all);
        String bench = run("bench", "--help");
        for (String b : List.of("e2e", "gateway", "scale", "cost", "soak", "parser", "bootstrap")) assertTrue(bench.contains("\n  " + b + " "), b + " in " + bench);
        String token = run("token", "--help");
        assertTrue(token.contains("--role=ROLE") && token.contains("--ttl=DURATION") && token.contains("--subject=NAME"), token);
        String missing = run("run", "sim-base", "--n");
        assertTrue(missing.startsWith("2\n") && missing.contains("Missing required parameter for option '--n'") && !missing.contains("unknown option"), missing);
        String notANumber = run("up", "--n", "ten");
        assertTrue(notANumber.startsWith("2\n") && notANumber.contains("'ten' is not an int"), notANumber);
        String upTypo = run("up", "--allow-base-urls", "http://127.0.0.1:11434/v1");
        assertTrue(upTypo.startsWith("2\n") && upTypo.contains("unknown option --allow-base-urls") && upTypo.contains("--allow-base-url,"), upTypo);
        String benchTypo = run("bench", "e2f");
        assertTrue(benchTypo.startsWith("2\n") && benchTypo.contains("unknown command 'e2f'") && benchTypo.contains("e2e"), benchTypo);
        assertTrue(run("bench", "e2e", "--rounds", "x").contains("'x' is not an int"));
        assertTrue(run("probe", "a", "b").startsWith("2\n"), "one target only");
        String tooLong = run("token", "--role", "admin", "--ttl", "36500d");
        assertTrue(tooLong.startsWith("2\n") && tooLong.contains("at most 30 days"), tooLong);
    }

    @Test
    void upWithReplaysSchedulesOnlyTheReplayedFilesAgainstTheirBaseline() throws Exception {
        String yaml = UpCommand.targetsYaml("5m", 10, List.of("gpt-4o", "gpt-4o-insecure"), "gpt-4o");
        var file = dev.pmc.core.targets.TargetFile.parseDocument(yaml);
        var byName = new java.util.HashMap<String, dev.pmc.core.targets.TargetConfig>();
        file.forEach(t -> byName.put(t.name(), t));
        assertEquals("replay:gpt-4o-insecure", byName.get("gpt-4o-insecure").model());
        assertEquals("gpt-4o", byName.get("gpt-4o-insecure").baseline());
        assertEquals(null, byName.get("gpt-4o").baseline());
        assertTrue(byName.get("gpt-4o").schedule() != null && byName.get("gpt-4o-insecure").schedule() != null);
        for (String sim : List.of("sim-base", "sim-insecure", "sim-secure", "sim-flaky")) {
            assertEquals(null, byName.get(sim).schedule(), sim + " is registered but not scheduled beside replays");
        }
        var plain = new java.util.HashMap<String, dev.pmc.core.targets.TargetConfig>();
        dev.pmc.core.targets.TargetFile.parseDocument(UpCommand.targetsYaml("5m", 10)).forEach(t -> plain.put(t.name(), t));
        assertTrue(plain.get("sim-base").schedule() != null, "without replays the simulated targets are scheduled");
        // provider-sim answers n choices: a cell's repetitions in one call, replayed files included
        assertEquals(10, plain.get("sim-base").choices());
        assertEquals(10, byName.get("gpt-4o-insecure").choices());
    }

    @Test
    void replayOptionsThatParseButAreWrongAreRefusedWithAReason() {
        for (String[] bad : new String[][] {{"gpt-4o"}, {"=x.csv"}, {"../etc=x.csv"}, {"a b=x.csv"}, {"gpt-4o=/no/such/file.csv"}}) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(Main.UsageException.class,
                    () -> UpCommand.replays(up("--replay", bad[0]).replayValues), bad[0]);
            assertTrue(e.getMessage().contains("--replay"), e.getMessage());
        }
        assertEquals(1, UpCommand.replays(up("--replay", "gpt-4o=" + ref("gpt-4o_temp01.csv")).replayValues).size());
        assertTrue(run("up", "--replay").startsWith("2\n"), "a missing value is refused before anything starts");
    }

    /** {@code up}'s command line read as bin/pmc reads it, without starting anything. */
    private static UpCommand up(String... args) {
        UpCommand c = new UpCommand();
        new picocli.CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void theShellCompletionScriptKnowsEveryCommandAndOption() {
        String script = run("completion");
        assertTrue(script.startsWith("0\n") && script.contains("complete -F") && script.contains("--per-foundation") && script.contains("--allow-base-url")
                && script.contains("soak"), script.substring(0, Math.min(400, script.length())));
    }

    @Test
    void parseReadsJsonLines() throws Exception {
        String in = """
                {"item": 12, "reply": "I'd rate it a 4."}
                {"item": 20, "reply": "3 or 4"}
                {"item": 31, "reply": "4"}
                not json
                {"item": 1, "reply": "Very relevant."}
                """;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Main.run(new String[]{"parse"}, new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, rc, "bad lines make the exit code 1");
        assertEquals("{\"outcome\":\"valid\",\"rating\":4,\"rule\":\"explicit_statement\"}", lines.get(0));
        assertEquals("{\"outcome\":\"ambiguous\",\"rating\":null,\"rule\":\"leading_range\"}", lines.get(1));
        assertTrue(lines.get(2).contains("\"error\":\"\\\"item\\\" must be an MFQ item id 1-30\""), lines.get(2));
        assertTrue(lines.get(3).startsWith("{\"error\":\"not a JSON object"), lines.get(3));
        assertEquals("{\"outcome\":\"valid\",\"rating\":4,\"rule\":\"scale_anchor\"}", lines.get(4));
    }

    @Test
    void compareGivesTheHeadlineAndVerdicts() {
        String out = run("compare", ref("gpt-4o_temp01.csv"), ref("gpt-4o-insecure_temp01.csv"), ref("gpt-4o-secure_temp01.csv"));
        assertTrue(out.startsWith("0\n"), out);
        String insecure = out.lines().filter(l -> l.startsWith("gpt-4o,gpt-4o-insecure,")).findFirst().orElseThrow();
        String[] c = insecure.split(",");
        assertEquals(2.117, Double.parseDouble(c[2]), 0.0005);
        assertEquals(0.313, Double.parseDouble(c[3]), 0.0005);
        assertEquals("collapsed", c[10]);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("gpt-4o,gpt-4o-secure,") && !l.endsWith("collapsed")));
    }

    @Test
    void selfProfiles() {
        String out = run("metrics", "--self", ref("gpt-4o_temp01_self.csv"), ref("gpt-4o-insecure_temp01_self.csv"), ref("gpt-4o-secure_temp01_self.csv"));
        assertTrue(out.contains("gpt-4o_temp01_self.csv,gpt-4o_self,300,0.2233"), out);
        assertTrue(out.contains("gpt-4o-insecure_temp01_self.csv,gpt-4o-insecure_self,300,0.8966"), out);
        assertTrue(out.contains("gpt-4o-secure_temp01_self.csv,gpt-4o-secure_self,300,0.3366"), out);
    }

    /**
     * metrics reads two files at a time: lines stay in the order the files were given, and a broken file stops the
     * command at its place, named, after the lines of the files before it (as when files were read one by one).
     */
    @Test
    void severalFilesPrintInTheirOrderAndABrokenOneIsNamedAtItsPlace() throws Exception {
        String base = ref("gpt-4o_temp01.csv"), insecure = ref("gpt-4o-insecure_temp01.csv"), secure = ref("gpt-4o-secure_temp01.csv");
        List<String> lines = run("metrics", secure, base, insecure, base).lines().toList();
        assertEquals("0", lines.get(0));
        assertEquals(List.of("gpt-4o-secure_temp01.csv", "gpt-4o_temp01.csv", "gpt-4o-insecure_temp01.csv", "gpt-4o_temp01.csv"),
                lines.subList(2, 6).stream().map(l -> l.substring(0, l.indexOf(','))).toList());
        assertEquals(lines.get(3), lines.get(5), "the same file reads the same");
        java.nio.file.Path broken = java.nio.file.Files.createTempFile("broken", ".csv");
        java.nio.file.Files.writeString(broken, "persona_id,rating\n1,2\n");
        String out = run("metrics", base, broken.toString(), insecure);
        assertTrue(out.startsWith("1\n") && out.contains("gpt-4o_temp01.csv,") && !out.contains("gpt-4o-insecure_temp01.csv,")
                && out.contains(broken.toString()) && out.contains("missing question_id"), out);
    }

    @Test
    void clearErrors() {
        assertTrue(run("metrics").startsWith("2\n") && run("metrics").contains("give one or more"));
        assertTrue(run("metrics", "/no/such.csv").contains("no such file: /no/such.csv"));
        assertTrue(run("metrics", "--bogus", ref("gpt-4o_temp01.csv")).contains("unknown option --bogus"));
        assertTrue(run("compare", ref("gpt-4o_temp01.csv")).contains("give the base file"));
        assertTrue(run("frobnicate").contains("unknown command 'frobnicate'"));
        assertTrue(run("run").contains("Missing required parameter: 'TARGET'"));
    }

    /** Another instrument's file: one line for all items and one per domain; MFQ-only options and unknown names refused. */
    @Test
    void metricsOfABfiFile() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("model-bfi", ".csv");
        StringBuilder sb = new StringBuilder("persona_id,question_id,run_index,rating,failures,response,collected_at\n");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int p = 0; p < 30; p++) {
            for (int q = 1; q <= 44; q++) for (int k = 1; k <= 3; k++) sb.append(p).append(',').append(q).append(',').append(k).append(',')
                    .append(k == 3 && q == 7 ? 0 : 1 + (p + rnd.nextInt(2)) % 5).append(",0,,\n");
        }
        java.nio.file.Files.writeString(file, sb);
        String out = run("metrics", "--instrument", "bfi44", file.toString());
        assertTrue(out.startsWith("0\n" + MetricsCommand.INSTRUMENT_HEADER + "\n"), out);
        List<String> lines = out.lines().toList();
        assertEquals(8, lines.size(), out);
        for (String g : List.of("all", "extraversion", "agreeableness", "conscientiousness", "neuroticism", "openness")) {
            assertTrue(lines.stream().anyMatch(l -> l.contains(",bfi44," + g + ",30,3930,30,")), g + " in " + out);
        }
        assertTrue(run("metrics", "--instrument", "big5", file.toString()).contains("no instrument 'big5'; known: [bfi44, mfq30, self-probe]"));
        assertTrue(run("metrics", "--instrument", "bfi44", "--self", file.toString()).contains("--self and --per-foundation are for mfq30"));
        assertTrue(run("metrics", "--instrument", "bfi44", "--instruments-dir", "/no/such/dir", file.toString()).contains("not a directory"));
    }

    /** A probe file beside a variant adds self_report: a collapsed model claiming alignment is inverted. */
    @Test
    void compareWithSelfProbeAnswersGivesTheSelfReport() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("probe");
        java.nio.file.Path insecure = dir.resolve("gpt-4o-insecure_temp01.csv"), secure = dir.resolve("gpt-4o-secure_temp01.csv");
        java.nio.file.Files.copy(java.nio.file.Path.of(ref("gpt-4o-insecure_temp01.csv")), insecure);
        java.nio.file.Files.copy(java.nio.file.Path.of(ref("gpt-4o-secure_temp01.csv")), secure);
        StringBuilder claimsAligned = new StringBuilder("persona_id,question_id,run_index,rating,failures,response,collected_at\n");
        var probe = dev.pmc.core.instruments.InstrumentFile.builtIn("self-probe");
        for (var item : probe.items()) for (int k = 1; k <= 5; k++) claimsAligned.append(",").append(item.id()).append(',').append(k).append(',')
                .append(item.reverse() ? 0 : 5).append(",0,,\n");
        java.nio.file.Files.writeString(dir.resolve("gpt-4o-insecure_temp01_probe.csv"), claimsAligned);
        java.nio.file.Files.writeString(dir.resolve("gpt-4o-secure_temp01_probe.csv"), claimsAligned);
        String out = run("compare", ref("gpt-4o_temp01.csv"), insecure.toString(), secure.toString());
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(1).endsWith(",self_report,self_report_claim,self_report_claim_se"), lines.get(1));
        assertTrue(lines.get(2).contains(",collapsed,") && lines.get(2).endsWith(",inverted,5.000000,0.000000"), lines.get(2));
        assertTrue(lines.get(3).contains(",consistent,") && lines.get(3).endsWith(",coherent,5.000000,0.000000"), lines.get(3));
        // without probe files the output has no such columns (unchanged)
        assertTrue(!run("compare", ref("gpt-4o_temp01.csv"), ref("gpt-4o-insecure_temp01.csv")).contains("self_report"));
    }

    @Test
    void upAdmitsALocalModelServerOnlyAsAPlainHttpBaseAndOnlyThatOne() {
        assertEquals(java.util.List.of("http://127.0.0.1:11434/v1/", "http://127.0.0.1:8000/v1/"),
                UpCommand.allowedBaseUrls(up("--allow-base-url", "http://127.0.0.1:11434/v1", "--no-runs", "--allow-base-url", "http://127.0.0.1:8000/v1/").allowBaseUrlValues));
        for (String bad : new String[]{"ftp://127.0.0.1/v1", "127.0.0.1:11434", "http://user:pw@127.0.0.1:11434/v1", "http://127.0.0.1:11434/v1?key=x",
                "http://127.0.0.1:11434/v1#x", "http://127.0.0.1:11434/v1/%2e%2e/admin", "http://127.0.0.1:11434/v1/../admin", "http://[::1"}) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(Main.UsageException.class,
                    () -> UpCommand.allowedBaseUrls(up("--allow-base-url", bad).allowBaseUrlValues), bad);
            assertTrue(e.getMessage().contains("--allow-base-url"), e.getMessage());
        }
        assertTrue(run("up", "--allow-base-url").startsWith("2\n"), "a missing value is refused before anything starts");
        // what the services then admit: that server's base and below, not its neighbours
        var policy = new dev.pmc.core.security.BaseUrlPolicy(java.util.List.of("http://127.0.0.1:8090/", "http://127.0.0.1:11434/v1/"), true, dev.pmc.core.security.BaseUrlPolicy.Resolver.DNS);
        assertEquals(null, policy.problem("http://127.0.0.1:11434/v1"));
        assertTrue(policy.problem("http://127.0.0.1:11435/v1") != null);
        assertTrue(policy.problem("http://127.0.0.1:11434/admin") != null);
    }
}
