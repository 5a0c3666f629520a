package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmc.core.Mfq30;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.scoring.ParsedRating;
import dev.pmc.core.scoring.RatingParser;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code pmc parse}: JSON lines {@code {"item": 12, "reply": "..."}} on stdin → one JSON line per input,
 * {@code {"outcome": "valid", "rating": 4, "rule": "..."}} (rating null unless valid), or {@code {"error": "..."}}
 * for a line that cannot be read.
 */
final class ParseCommand {
    private ParseCommand() {
    }

    static int run(List<String> args, InputStream stdin, PrintStream out) throws Exception {
        if (!args.isEmpty()) throw new Main.UsageException("reads JSON lines {\"item\": 1-30, \"reply\": \"...\"} from stdin; no arguments");
        var json = EventCodec.mapper();
        int bad = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
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
