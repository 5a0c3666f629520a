package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmc.core.events.EventCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Structured mutations of valid events, for the fuzz test: each takes a valid event's JSON tree and breaks it in one way
 * a producer bug, a version skew or an attacker could (a field removed, of the wrong type, out of range, huge, with a
 * separator or control character, an inconsistent embedded prompt, a broken distribution, ...), plus raw byte-level
 * damage (truncation, garbage, wrong JSON kinds). Every mutant carries a unique {@code fuzz} field (ignored by decoding),
 * so it can be found again in a dead-letter topic.
 */
final class EventFuzz {
    /** A mutated record: the key it is sent with, its value, and what was done to it. */
    record Mutant(String key, String value, String mutation) {
    }

    private final SplittableRandom rnd;
    private long counter;

    EventFuzz(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Paths of fields in the slot (every event has one). */
    private static final String[] SLOT_FIELDS = {"runId", "target", "personaId", "itemId", "repetition"};

    /** One mutant of a valid event (its JSON and its record key). */
    Mutant mutate(String validJson, String key) {
        long id = counter++;
        ObjectNode tree;
        try {
            tree = (ObjectNode) EventCodec.mapper().readTree(validJson);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        int kind = rnd.nextInt(25);
        String what;
        String k = key;
        switch (kind) {
            case 0 -> {
                String f = SLOT_FIELDS[rnd.nextInt(SLOT_FIELDS.length)];
                ((ObjectNode) tree.get("slot")).remove(f);
                what = "slot." + f + " removed";
            }
            case 1 -> {
                tree.remove("slot");
                what = "slot removed";
            }
            case 2 -> {
                int[] bad = {0, 31, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1000};
                ((ObjectNode) tree.get("slot")).put("itemId", bad[rnd.nextInt(bad.length)]);
                what = "itemId out of range";
            }
            case 3 -> {
                int[] bad = {0, -5, 65, 1_000_000, Integer.MAX_VALUE};
                ((ObjectNode) tree.get("slot")).put("repetition", bad[rnd.nextInt(bad.length)]);
                what = "repetition out of range";
            }
            case 4 -> {
                int[] bad = {0, -1, 17, 100_000};
                tree.put("attempt", bad[rnd.nextInt(bad.length)]);
                what = "attempt out of range";
            }
            case 5 -> {
                String f = new String[]{"runId", "target", "personaId"}[rnd.nextInt(3)];
                String[] bad = {"a|b", "", " ", "x".repeat(300), "new\nline", "tab\there", "../../etc/passwd", "ü-ünicode", "a b"};
                ((ObjectNode) tree.get("slot")).put(f, bad[rnd.nextInt(bad.length)]);
                what = "slot." + f + " malformed";
            }
            case 6 -> {
                tree.put("v", new int[]{0, 2, 99, -1}[rnd.nextInt(4)]);
                what = "unknown version";
            }
            case 7 -> {
                String f = new String[]{"attempt", "v"}[rnd.nextInt(2)];
                tree.put(f, "one");
                what = f + " of the wrong type";
            }
            case 8 -> {
                ((ObjectNode) tree.get("slot")).set("itemId", F.arrayNode().add(1));
                what = "itemId an array";
            }
            case 9 -> {
                tree.set("slot", F.textNode("slot"));
                what = "slot a string";
            }
            case 24 -> {
                // the slot's instrument: unknown, malformed, of the wrong type, or an item beyond the instrument
                ObjectNode slot = (ObjectNode) tree.get("slot");
                switch (rnd.nextInt(4)) {
                    case 0 -> {
                        slot.put("instrument", new String[]{"mfq31", "MFQ30", "hexaco", "x".repeat(300), "bfi44\n", "../bfi44"}[rnd.nextInt(6)]);
                        what = "instrument unknown";
                    }
                    case 1 -> {
                        slot.put("instrument", "bfi44").put("itemId", 45);
                        what = "item beyond bfi44";
                    }
                    case 2 -> {
                        slot.put("instrument", 44);
                        what = "instrument a number";
                    }
                    default -> {
                        slot.set("instrument", F.objectNode().put("name", "bfi44"));
                        what = "instrument an object";
                    }
                }
            }
            default -> what = mutateKind(tree, kind);
        }
        tree.put("fuzz", id);
        String value = tree.toString();
        // byte-level damage to some of them
        int raw = rnd.nextInt(10);
        if (raw == 0) {
            value = value.substring(0, Math.max(1, rnd.nextInt(value.length())));
            what += ", truncated";
        } else if (raw == 1) {
            k = key + "|x";
            what += ", key not the slot's";
        }
        return new Mutant(k, value, what);
    }

    /** Mutations specific to the event kind (what fields it has), by kind number 10-23 (24: the slot's instrument). */
    private String mutateKind(ObjectNode tree, int kind) {
        if (tree.has("user")) return mutatePrompt(tree, kind);
        if (tree.has("outcome")) return mutateRating(tree, kind);
        return mutateResponse(tree, kind);
    }

    private String mutatePrompt(ObjectNode t, int kind) {
        switch (kind % 7) {
            case 0 -> {
                t.remove("user");
                return "user removed";
            }
            case 1 -> {
                t.put("temperature", new double[]{-1, 2.5, 1e300}[rnd.nextInt(3)]);
                return "temperature out of range";
            }
            case 2 -> {
                t.put("maxTokens", new int[]{0, -3, 100_000}[rnd.nextInt(3)]);
                return "maxTokens out of range";
            }
            case 3 -> {
                t.put("user", "q".repeat(40_000));
                return "user text too long";
            }
            case 4 -> {
                t.put("topLogprobs", new int[]{0, 21, -1}[rnd.nextInt(3)]);
                return "topLogprobs out of range";
            }
            case 5 -> {
                t.put("user", "   ");
                return "blank user";
            }
            default -> {
                t.put("system", "s".repeat(40_000));
                return "system text too long";
            }
        }
    }

    private String mutateResponse(ObjectNode t, int kind) {
        ObjectNode prompt = t.has("prompt") && t.get("prompt").isObject() ? (ObjectNode) t.get("prompt") : null;
        switch (kind % 7) {
            case 0 -> {
                if (prompt != null) {
                    prompt.remove("slot");
                    return "embedded prompt without slot";
                }
                t.put("reply", "9".repeat(70_000));
                return "reply too long";
            }
            case 1 -> {
                if (prompt != null) {
                    ((ObjectNode) prompt.get("slot")).put("itemId", prompt.get("slot").get("itemId").asInt() % 30 + 1);
                    return "embedded prompt for another slot";
                }
                t.put("latencyMs", -5);
                return "negative latency";
            }
            case 2 -> {
                if (prompt != null) {
                    prompt.put("attempt", prompt.get("attempt").asInt() + 1);
                    return "embedded prompt of another attempt";
                }
                t.put("error", "e".repeat(5000));
                return "error too long";
            }
            case 3 -> {
                ArrayNode top = F.arrayNode();
                for (int i = 0; i < 25; i++) top.add(F.objectNode().put("token", Integer.toString(i % 6)).put("logprob", -1.0));
                t.set("topLogprobs", top);
                return "too many top logprobs";
            }
            case 4 -> {
                t.set("topLogprobs", F.arrayNode().add(F.objectNode().put("token", "4").put("logprob", 3.0)));
                return "positive logprob";
            }
            case 5 -> {
                t.put("model", "m".repeat(400));
                return "model name too long";
            }
            default -> {
                if (prompt != null) {
                    prompt.put("temperature", 9.0);
                    return "embedded prompt out of range";
                }
                t.put("reply", "r".repeat(70_000));
                return "reply too long";
            }
        }
    }

    private String mutateRating(ObjectNode t, int kind) {
        boolean valid = "valid".equals(t.path("outcome").asText());
        switch (kind % 8) {
            case 0 -> {
                t.set("distribution", F.arrayNode().add(1).add(2));
                return "distribution of 2";
            }
            case 1 -> {
                ArrayNode d = F.arrayNode();
                for (int i = 0; i < 6; i++) d.add(0);
                t.set("distribution", d);
                return "all-zero distribution";
            }
            case 2 -> {
                ArrayNode d = F.arrayNode();
                for (int i = 0; i < 6; i++) d.add(i == 2 ? -0.5 : 0.3);
                t.set("distribution", d);
                return "negative probability";
            }
            case 3 -> {
                t.put("rating", new int[]{6, -1, 9, 100}[rnd.nextInt(4)]);
                t.put("outcome", "valid");
                return "rating out of range";
            }
            case 4 -> {
                if (valid) t.putNull("rating");
                else t.put("rating", 3);
                return valid ? "valid without rating" : "invalid with a rating";
            }
            case 5 -> {
                t.put("outcome", new String[]{"great", "", "VALIDISH"}[rnd.nextInt(3)]);
                return "unknown outcome";
            }
            case 6 -> {
                t.remove("outcome");
                return "outcome removed";
            }
            default -> {
                t.put("rule", "r".repeat(300));
                return "rule too long";
            }
        }
    }

    /** Raw garbage records (not JSON objects), for the share of bad input that is not even an event. */
    List<Mutant> garbage(String keyPrefix, int count) {
        List<Mutant> out = new ArrayList<>();
        String[] shapes = {"", "null", "[]", "42", "\"text\"", "{", "{}", "{\"v\":1}", "\u0000\u0001\u0002", "{\"slot\":null}",
                "x".repeat(300_000)};
        for (int i = 0; i < count; i++) {
            String v = shapes[i % shapes.length];
            if (!v.isEmpty() && v.length() < 100) v = v + " ".repeat(1 + i % 3) + "/*" + counter++ + "*/";
            out.add(new Mutant(keyPrefix + "-" + (counter++), v, "garbage"));
        }
        return out;
    }

    /** Whether a record would pass the consumer's decoding (a mutation that happened to stay valid is not sent). */
    static boolean decodes(java.util.function.Function<String, Object> decoder, String value) {
        try {
            decoder.apply(value);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static JsonNode tree(String json) {
        try {
            return EventCodec.mapper().readTree(json);
        } catch (Exception e) {
            return null;
        }
    }
}
