package dev.pmc.cli;

import dev.pmc.stack.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * deploy/prometheus with the real promtool (Debian's prometheus package; .ci/run installs it): the config and
 * rules are valid and every alert passes its unit tests. Fails with a clear message when promtool is missing.
 */
class PrometheusRulesTest {
    static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (java.nio.file.Files.isExecutable(Path.of(dir, "promtool"))) return Path.of(dir, "promtool").toString();
        }
        throw new AssertionError("promtool not found: install Debian's prometheus package (apt-get install prometheus), as .ci/run does");
    }

    static String run(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(promtool()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", args) + ":\n" + out);
        return out;
    }

    @Test
    void configRulesAndAlertUnitTests() throws Exception {
        Path dir = ServiceProcess.projectRoot().resolve("deploy/prometheus");
        run(dir, "check", "config", "prometheus.yml");
        String rules = run(dir, "check", "rules", "alerts.yml");
        org.junit.jupiter.api.Assertions.assertTrue(rules.contains("SUCCESS: 10 rules found"), rules);
        run(dir, "test", "rules", "tests/alerts_test.yml");
        // every alert has a unit test
        String alerts = java.nio.file.Files.readString(dir.resolve("alerts.yml"));
        String tests = java.nio.file.Files.readString(dir.resolve("tests/alerts_test.yml"));
        var m = java.util.regex.Pattern.compile("- alert: (\\w+)").matcher(alerts);
        int n = 0;
        while (m.find()) {
            n++;
            org.junit.jupiter.api.Assertions.assertTrue(tests.contains("alertname: " + m.group(1)), "no unit test for " + m.group(1));
        }
        assertEquals(10, n);
    }
}
