package dev.pmc.cli;

import dev.pmc.core.instruments.Instruments;
import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** {@code pmc status}: health of each service of the running stack and the current metrics per target. */
@Command(name = "status", description = "Services and current metrics of the running stack.")
final class StatusCommand extends Main.PmcCommand {
    @Override
    int run() throws Exception {
        JsonNode d = RunCommand.descriptor();
        out.println("kafka " + d.path("kafka").asText());
        int down = 0;
        for (var it = d.path("urls").fields(); it.hasNext(); ) {
            var e = it.next();
            String state;
            try {
                state = Http.get(e.getValue().asText() + "/q/health/ready").status() == 200 ? "UP" : "NOT READY";
            } catch (IOException ex) {
                state = "DOWN";
            }
            if (!state.equals("UP")) down++;
            out.printf("%-18s %-9s %s%n", e.getKey(), state, e.getValue().asText());
        }
        Http.Reply targets = Http.get(d.path("urls").path("metrics-aggregator").asText() + "/api/v1/targets");
        if (targets.status() != 200) {
            err.println("pmc status: the aggregator answered HTTP " + targets.status() + " for /api/v1/targets"
                    + (targets.status() == 401 || targets.status() == 403 ? ": send a reader or admin token (PMC_TOKEN)" : ""));
            return 1;
        }
        out.println("target,run,personas,ratings_counted,susceptibility,robustness,within_sd,baseline,verdict,kind,collapse_score");
        for (JsonNode t : targets.json()) {
            JsonNode c = t.path("comparison");
            out.println(String.format(Locale.ROOT, "%s,%s,%d,%d,%s,%s,%s,%s,%s,%s,%s", t.path("target").asText(), t.path("runId").asText(),
                    t.path("personas").asInt(), t.path("ratingsCounted").asLong(), t.path("susceptibility").asText(),
                    t.path("robustness").asText(), t.path("withinSd").asText(), c.path("baseline").asText(""),
                    c.path("verdict").asText(""), c.path("kind").asText(""), c.path("collapseScore").asText("")));
        }
        // other instruments' readings (BFI-44, the self-assessment probe, ...), when any target has one
        List<String> rows = new java.util.ArrayList<>();
        for (JsonNode t : targets.json()) {
            for (var it = t.path("instruments").fields(); it.hasNext(); ) {
                var e = it.next();
                if (Instruments.isDefault(e.getKey())) continue;
                JsonNode r = e.getValue(), all = r.path("groups").path(0);
                rows.add(String.format(Locale.ROOT, "%s,%s,%s,%d,%s,%s,%s,%s,%s", t.path("target").asText(), e.getKey(), r.path("runId").asText(),
                        r.path("personas").asInt(), all.path("susceptibility").asText(""), all.path("robustness").asText(""),
                        all.path("withinSd").asText(""), r.path("claim").isNumber() ? r.path("claim").asText() : "", r.path("selfReport").asText("")));
            }
        }
        if (!rows.isEmpty()) {
            out.println("target,instrument,run,personas,susceptibility,robustness,within_sd,self_report_claim,self_report");
            rows.forEach(out::println);
        }
        // targets whose provider account has no quota left: their calls wait at the gateway (POST .../resume there)
        String gateway = d.path("urls").path("model-gateway").asText("");
        if (!gateway.isEmpty()) {
            try {
                Http.Reply g = Http.get(gateway + "/api/v1/targets");
                if (g.status() == 200) {
                    for (var it = g.json().fields(); it.hasNext(); ) {
                        var e = it.next();
                        if (e.getValue().has("paused")) out.println("paused " + e.getKey() + ": " + e.getValue().path("paused").asText());
                    }
                }
            } catch (IOException gatewayDown) {
                // reported as DOWN above
            }
        }
        return down == 0 ? 0 : 1;
    }
}
