package dev.pmc.cli;

import dev.pmc.core.Names;
import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code pmc probe TARGET}: one call to the target as its runs would make it, through the gateway (which holds the key):
 * the request sent, the status, the answer and how it parses, tokens, cost, the rate-limit headers seen and, when the
 * provider refuses, the target field to change. Exit 0 when the answer parses, 1 otherwise.
 */
@Command(name = "probe",
        description = {"One call to the target as configured, to check it answers.",
                "Prints the request, status, answer and how it parses, tokens, cost, rate-limit headers, and the field to change if",
                "refused. Exit 0 when the answer parses, 1 otherwise."})
final class ProbeCommand extends Main.PmcCommand {
    @Parameters(index = "0", paramLabel = "TARGET", description = "a registered target")
    String target;

    @Override
    int run() throws Exception {
        if (!Names.TARGET.matcher(target).matches()) throw new Main.UsageException("not a target name: " + Names.quote(target));
        String gateway = System.getenv("PMC_GATEWAY_URL");
        if (gateway == null) gateway = RunCommand.descriptor().path("urls").path("model-gateway").asText("");
        if (gateway.isEmpty()) {
            throw new IllegalStateException("the probe goes through the gateway, which this stack does not publish; set PMC_GATEWAY_URL (compose: a gateway replica's address)");
        }
        Http.Reply r = Http.postJson(gateway + "/api/v1/targets/" + target + "/probe", "");
        if (r.status() == 404) {
            err.println("pmc probe: no target " + target + " is registered");
            return 2;
        }
        if (r.status() != 200) throw new IllegalStateException("the gateway answered HTTP " + r.status() + ": " + r.body());
        JsonNode p = r.json();
        out.printf("probe %s: %s %s (family %s)%n", target, p.path("provider").asText(), p.path("model").asText(), p.path("family").asText());
        JsonNode req = p.path("request");
        out.printf("request  POST %s  headers %s%n         %s%n", req.path("url").asText(), req.path("headers"), req.path("body"));
        if (p.has("status")) out.printf("status   %d (%s ms)%n", p.path("status").asInt(), p.path("latencyMs").asText("?"));
        if (p.has("answer") || p.has("outcome")) {
            out.printf("answer   %s -> %s%s%n", p.path("answer").isNull() ? "(none)" : "\"" + p.path("answer").asText() + "\"",
                    p.path("outcome").asText(), p.has("rating") ? ", rating " + p.path("rating").asInt() : "");
            out.printf("tokens   in %d, out %d%s%n", p.path("inputTokens").asInt(), p.path("outputTokens").asInt(),
                    p.has("costUsd") ? String.format(java.util.Locale.ROOT, ", USD %.6f", p.path("costUsd").asDouble()) : "");
        }
        if (p.has("error")) out.println("error    " + p.path("error").asText());
        if (p.path("rateLimits").size() > 0) out.println("limits   " + p.path("rateLimits"));
        if (p.has("change")) out.println("change   " + p.path("change").asText());
        return p.path("ok").asBoolean(false) ? 0 : 1;
    }
}
