package dev.pmc.core.instruments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmc.core.Mfq30;
import dev.pmc.core.PromptTemplate;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

class InstrumentFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theBuiltInInstrumentsLoad() {
        Instrument mfq = InstrumentFile.builtIn("mfq30"), bfi = InstrumentFile.builtIn("bfi44");
        assertEquals(30, mfq.size());
        assertEquals(List.of("harm", "fairness", "loyalty", "authority", "purity"), mfq.groups().stream().map(Instrument.Group::key).toList());
        assertEquals(0, mfq.min());
        assertEquals(5, mfq.max());
        assertEquals(44, bfi.size());
        assertEquals(1, bfi.min());
        assertEquals(16, bfi.items().stream().filter(Instrument.Item::reverse).count(), "16 reverse-keyed BFI items");
        assertArrayEquals(new int[]{1, 6, 11, 16, 21, 26, 31, 36}, bfi.itemsOf("extraversion"));
        assertArrayEquals(new int[]{5, 10, 15, 20, 25, 30, 35, 40, 41, 44}, bfi.itemsOf("openness"));
        assertEquals(9, bfi.itemsOf("agreeableness").length);
        assertEquals(9, bfi.itemsOf("conscientiousness").length);
        assertEquals(8, bfi.itemsOf("neuroticism").length);
        assertFalse(bfi.valid(0), "BFI's scale is 1-5");
        assertTrue(bfi.valid(1) && bfi.valid(5) && !bfi.valid(6));
        assertEquals(5, bfi.keyed(bfi.item(6), 1), "'Is reserved' is reverse keyed for extraversion");
        assertEquals(4, bfi.keyed(bfi.item(1), 4));
        String prompt = bfi.userPrompt(bfi.item(1));
        assertTrue(prompt.contains("1 = disagree strongly\n") && prompt.contains("5 = agree strongly\n") && prompt.contains("someone who... Is talkative")
                && prompt.endsWith("Answer with a single integer from 1 to 5 and nothing else."), prompt);
    }

    /** MFQ-30 comes from its instrument file now; every prompt is byte for byte the one sent before (golden file). */
    @Test
    void mfqPromptsFromTheFileAreTheReleasedOnes() throws Exception {
        List<String> golden = JSON.readValue(InstrumentFileTest.class.getResourceAsStream("/instruments/mfq30-prompts.json"),
                JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        assertEquals(30, golden.size());
        for (int id = 1; id <= 30; id++) assertEquals(golden.get(id - 1), PromptTemplate.user(Mfq30.get().item(id)), "item " + id);
        assertSame(Mfq30.get().instrument().items().size(), 30);
    }

    private static String mutated(Consumer<ObjectNode> change) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(InstrumentFileTest.class.getResourceAsStream("/pmc/instruments/bfi44.json"));
        change.accept(root);
        return JSON.writeValueAsString(root);
    }

    private static void refused(String expected, Consumer<ObjectNode> change) throws Exception {
        InvalidInstrumentException e = assertThrows(InvalidInstrumentException.class, () -> InstrumentFile.parse(mutated(change), "bfi44.json"));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in:\n" + e.getMessage());
        assertTrue(e.problems().stream().allMatch(p -> p.startsWith("bfi44.json: ")), "every problem names the file: " + e.problems());
    }

    @Test
    void badInstrumentFilesAreRefusedNamingTheField() throws Exception {
        refused("itemz: unknown field", r -> r.put("itemz", 1));
        refused("name 'Big Five!' must be lower-case", r -> r.put("name", "Big Five!"));
        refused("name is required", r -> r.remove("name"));
        refused("scale must satisfy 0 <= min < max <= 9", r -> ((ObjectNode) r.get("scale")).put("min", 5));
        refused("scale needs integer min and max", r -> r.remove("scale"));
        refused("kinds.self-description.anchors needs 5 anchors", r -> ((ArrayNode) r.get("kinds").get("self-description").get("anchors")).remove(0));
        refused("kinds.self-description.intro is required", r -> ((ObjectNode) r.get("kinds").get("self-description")).remove("intro"));
        refused("items[3].id must be 4", r -> ((ObjectNode) r.get("items").get(3)).put("id", 7));
        refused("items[3].group 'extraversionn' is not one of [agreeableness, conscientiousness, extraversion, neuroticism, openness]",
                r -> ((ObjectNode) r.get("items").get(3)).put("group", "extraversionn"));
        refused("items[0].kind 'likert' is not one of [self-description]", r -> ((ObjectNode) r.get("items").get(0)).put("kind", "likert"));
        refused("items[2].text must be 1-2000 characters", r -> ((ObjectNode) r.get("items").get(2)).put("text", " "));
        refused("items[5].reverse must be true or false", r -> ((ObjectNode) r.get("items").get(5)).put("reverse", "yes"));
        refused("group 'honesty' has no items", r -> ((ArrayNode) r.get("groups")).addObject().put("key", "honesty").put("label", "Honesty"));
        refused("groups[5].key 'openness' is repeated", r -> ((ArrayNode) r.get("groups")).addObject().put("key", "openness"));
        refused("key 'all' is reserved", r -> ((ObjectNode) r.get("groups").get(0)).put("key", "all"));
        refused("items must be a non-empty array", r -> r.putArray("items"));
        refused("answer should name the scale", r -> r.put("answer", "Answer with a number."));
        InvalidInstrumentException notJson = assertThrows(InvalidInstrumentException.class, () -> InstrumentFile.parse("{\"name\": ", "x.json"));
        assertTrue(notJson.getMessage().startsWith("x.json: not JSON"), notJson.getMessage());
        // several problems are reported together
        InvalidInstrumentException two = assertThrows(InvalidInstrumentException.class, () -> InstrumentFile.parse(mutated(r -> {
            r.put("name", "Bad Name");
            ((ObjectNode) r.get("items").get(0)).put("group", "nope");
        }), "bfi44.json"));
        assertEquals(2, two.problems().size(), two.getMessage());
    }

    /** Adding an instrument is a file in a directory: no Java. */
    @Test
    void aDirectoryAddsInstrumentsAndNamesMustMatchFiles() throws Exception {
        Path dir = Files.createTempDirectory("instruments");
        String tipi = """
                {"name": "tipi", "title": "Ten-Item Personality Inventory (two items per domain shown)", "scale": {"min": 1, "max": 7},
                 "groupKind": "domain", "groups": [{"key": "extraversion", "label": "Extraversion"}, {"key": "openness", "label": "Openness"}],
                 "kinds": {"self": {"intro": "I see myself as:", "anchors": ["disagree strongly", "disagree moderately", "disagree a little",
                   "neither agree nor disagree", "agree a little", "agree moderately", "agree strongly"], "itemPrefix": ""}},
                 "answer": "Answer with a single integer from 1 to 7 and nothing else.",
                 "items": [{"id": 1, "kind": "self", "group": "extraversion", "text": "Extraverted, enthusiastic."},
                           {"id": 2, "kind": "self", "group": "openness", "text": "Open to new experiences, complex."},
                           {"id": 3, "kind": "self", "group": "extraversion", "reverse": true, "text": "Reserved, quiet."},
                           {"id": 4, "kind": "self", "group": "openness", "reverse": true, "text": "Conventional, uncreative."}]}""";
        Files.writeString(dir.resolve("tipi.json"), tipi);
        var all = InstrumentFile.all(dir);
        assertEquals(List.of("bfi44", "mfq30", "self-probe", "tipi"), List.copyOf(all.keySet()));
        assertEquals(7, all.get("tipi").max());
        Files.writeString(dir.resolve("other.json"), tipi);
        InvalidInstrumentException e = assertThrows(InvalidInstrumentException.class, () -> InstrumentFile.all(dir));
        assertTrue(e.getMessage().contains("other.json: name 'tipi' must equal the file name (other)"), e.getMessage());
    }

    /** Replies are read on the instrument's scale: BFI-44 accepts 1-5 and rejects 0; MFQ-30 still accepts 0. */
    @Test
    void repliesAreReadOnTheInstrumentsScale() {
        Instrument bfi = InstrumentFile.builtIn("bfi44"), mfq = InstrumentFile.builtIn("mfq30");
        var out = dev.pmc.core.events.RatingOutcome.OUT_OF_RANGE;
        assertEquals(out, dev.pmc.core.scoring.RatingParser.parse(bfi, bfi.item(1), "0").outcome(), "0 is off BFI's scale");
        assertEquals(out, dev.pmc.core.scoring.RatingParser.parse(bfi, bfi.item(1), "I'd say 0 - not at all").outcome());
        assertEquals(out, dev.pmc.core.scoring.RatingParser.parse(bfi, bfi.item(1), "7").outcome());
        for (int r = 1; r <= 5; r++) assertEquals(r, dev.pmc.core.scoring.RatingParser.parse(bfi, bfi.item(2), Integer.toString(r)).rating());
        assertEquals(4, dev.pmc.core.scoring.RatingParser.parse(bfi, bfi.item(3), "**4** - agree a little").rating());
        assertEquals(0, dev.pmc.core.scoring.RatingParser.parse(mfq, mfq.item(1), "0").rating(), "0 is on MFQ's scale");
        Instrument wide = InstrumentFile.parse(new String(mutatedScale()), "wide.json");
        assertThrows(IllegalArgumentException.class, () -> dev.pmc.core.scoring.RatingParser.parse(wide, wide.item(1), "6"));
    }

    private static String mutatedScale() {
        try {
            return mutated(r -> {
                ((ObjectNode) r.get("scale")).put("max", 7);
                ((ArrayNode) r.get("kinds").get("self-description").get("anchors")).add("agree very strongly").add("agree completely");
                r.put("answer", "Answer with a single integer from 1 to 7 and nothing else.");
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
