package dev.pmc.cli;

import dev.pmc.stack.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged CLI as bin/pmc runs it ({@code java -jar cli/target/pmc-cli.jar}, runtime class path from
 * cli/target/lib only, no test dependencies): token minting, and {@code bench cost} meeting its goals on the
 * calibration set (same verdict as the full sampled reading in every case, median calls ≤ 3,000 for both modes).
 */
class PackagedCliIT {
    record Output(int exit, String out, String err) {
    }

    static Output pmc(String... args) throws Exception {
        Path root = ServiceProcess.projectRoot();
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                root.resolve("cli/target/pmc-cli.jar").toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("pmc-out", ".txt"), err = Files.createTempFile("pmc-err", ".txt");
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "pmc " + String.join(" ", args) + " did not end");
        return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void tokenIsMintedOutsideTheTestClassPath() throws Exception {
        Output o = pmc("token", "--role", "reader", "--ttl", "1h");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().strip().matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), "a JWT: " + o.out());
        assertTrue(o.err().contains("valid 60 minutes"), o.err());
    }

    @Test
    void costBenchMeetsItsGoalsOnTheCalibrationSet() throws Exception {
        Output o = pmc("bench", "cost", "--draws", "3");
        assertEquals(0, o.exit(), o.err());
        System.out.println(o.out());
        Matcher seq = Pattern.compile("sequential: same verdict as the full reading in (\\d+) of (\\d+) draws; median calls (\\d+)").matcher(o.out());
        assertTrue(seq.find(), o.out());
        assertEquals(seq.group(2), seq.group(1), "sequential verdict = full verdict in every draw");
        assertTrue(Integer.parseInt(seq.group(2)) >= 69, "23 readings x 3 draws");
        assertTrue(Long.parseLong(seq.group(3)) <= 3000, "median calls " + seq.group(3));
        // what the stack reports for a stopped sequential run: S n-corrected, R carried by the like-with-like ratio
        Matcher est = Pattern.compile("S within 2 SE of the full S in (\\d+) of (\\d+);.*?within 2 of its SE of the full R in (\\d+) of (\\d+)").matcher(o.out());
        assertTrue(est.find(), o.out());
        assertTrue(Integer.parseInt(est.group(1)) >= 0.85 * Integer.parseInt(est.group(2)), "sequential S within 2 SE: " + est.group());
        assertTrue(Integer.parseInt(est.group(3)) >= 0.9 * Integer.parseInt(est.group(4)), "sequential R within 2 SE: " + est.group());
        Matcher lp = Pattern.compile("logprob: same verdict in (\\d+) of (\\d+) .*?; median calls (\\d+)").matcher(o.out());
        assertTrue(lp.find(), o.out());
        assertEquals(lp.group(2), lp.group(1), "logprob verdict = full verdict for every file");
        assertTrue(Long.parseLong(lp.group(3)) <= 3000, "median calls " + lp.group(3));
        Matcher replay = Pattern.compile("against a sampled n = 10 reading of the replayed file \\(2 combined SE\\): S in (\\d+) of (\\d+), R in (\\d+) of (\\d+)").matcher(o.out());
        assertTrue(replay.find(), o.out());
        assertEquals(replay.group(2), replay.group(1), "logprob S within 2 SE of a sampled reading of the same replayed model");
        assertEquals(replay.group(4), replay.group(3), "logprob R within 2 SE of a sampled reading of the same replayed model");
    }
}
