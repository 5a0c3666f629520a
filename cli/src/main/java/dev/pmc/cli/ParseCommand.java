package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmc.core.Mfq30;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.scoring.ParsedRating;
import dev.pmc.core.scoring.RatingParser;

import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * {@code pmc parse}: JSON lines {@code {"item": 12, "reply": "..."}} on stdin → one JSON line per input,
 * {@code {"outcome": "valid", "rating": 4, "rule": "..."}} (rating null unless valid), or {@code {"error": "..."}}
 * for a line that cannot be read.
 */
@Command(name = "parse",
        description = {"Parse replies: JSON lines on stdin to outcome, rating and rule.",
                "Input {\"item\": 12, \"reply\": \"...\"} per line; output one JSON line each, or an error for a line that cannot be",
                "read (exit 1 when there was one)."})
final class ParseCommand extends Main.PmcCommand {
    @Override
    int run() throws Exception {
        var json = EventCodec.mapper();
        int bad = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) continue;
                ObjectNode result = json.createObjectNode();
                try {
                    JsonNode n = json.readTree(line);
                    JsonNode item = n.get("item"), reply = n.get("reply");
                    if (item == null || !item.canConvertToInt() || item.asInt() < 1 || item.asInt() > Mfq30.ITEMS) {
                        throw new IllegalArgumentException("\"item\" must be an MFQ item id 1-30");
                    }
                    if (reply == null || !(reply.isTextual() || reply.isNull())) throw new IllegalArgumentException("\"reply\" must be a string");
                    ParsedRating p = RatingParser.parse(Mfq30.get().item(item.asInt()).type(), reply.isNull() ? null : reply.asText());
                    result.put("outcome", p.outcome().wire());
                    if (p.rating() == null) result.putNull("rating");
                    else result.put("rating", p.rating());
                    result.put("rule", p.rule());
                } catch (Exception e) {
                    bad++;
                    result.put("error", e instanceof IllegalArgumentException ? e.getMessage() : "not a JSON object: " + e.getMessage());
                }
                out.println(json.writeValueAsString(result));
            }
        }
        out.flush();
        return bad == 0 ? 0 : 1;
    }
}
