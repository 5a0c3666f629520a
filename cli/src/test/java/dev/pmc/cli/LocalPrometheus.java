package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.stack.ServiceProcess;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Prometheus (Debian's package, installed by .ci/run) scraping a running stack every second with the project's
 * alert rules evaluated every second, for tests that check what dashboards and alerts would show.
 */
final class LocalPrometheus implements AutoCloseable {
    private final Process process;
    private final int port;

    private LocalPrometheus(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LocalPrometheus start(Stack stack) throws Exception {
        var root = ServiceProcess.projectRoot();
        var dir = Files.createTempDirectory("pmc-prometheus");
        StringBuilder cfg = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ")
                .append(root.resolve("deploy/prometheus/alerts.yml")).append("\nscrape_configs:\n");
        stack.services().forEach((name, svc) -> cfg.append("  - job_name: pmc-").append(name)
                .append("\n    metrics_path: /q/metrics\n    static_configs:\n      - targets: [\"127.0.0.1:").append(svc.port()).append("\"]\n"));
        Files.writeString(dir.resolve("prometheus.yml"), cfg);
        int port = ServiceProcess.freePort();
        String prometheusBin = Path.of(PrometheusRulesTest.promtool()).resolveSibling("prometheus").toString();
        // under a shell that ends it when this JVM is gone (no Prometheus left behind by a killed test run)
        Process p = new ProcessBuilder(ServiceProcess.boundToThisJvm(List.of(prometheusBin, "--config.file=" + dir.resolve("prometheus.yml"),
                "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + dir.resolve("data"))))
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        LocalPrometheus prom = new LocalPrometheus(p, port);
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (prom.query("count(up == 1)").path("data").path("result").path(0).path("value").path(1).asText().equals(
                        Integer.toString(stack.services().size()))) return prom;
            } catch (java.io.IOException notYet) {
                // starting
            }
            Thread.sleep(500);
        }
        prom.close();
        throw new IllegalStateException("Prometheus did not scrape every service within 60 s; log in " + dir.resolve("prometheus.log"));
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** An instant query's JSON answer. */
    JsonNode query(String promql) throws Exception {
        return Http.get(url() + "/api/v1/query?query=" + java.net.URLEncoder.encode(promql, StandardCharsets.UTF_8)).json();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
