package dev.pmc.core.targets;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCapabilitiesTest {
    @Test
    void modelNamesFindTheirFamilyIncludingFineTunesAndTunedModels() {
        Map<String, String> openai = Map.of(
                "o4-mini", "openai-reasoning-o", "o1", "openai-reasoning-o", "o3-2025-04-16", "openai-reasoning-o",
                "ft:o4-mini-2025-04-16:acme::AbC123", "openai-reasoning-o", "gpt-5-mini", "openai-reasoning-gpt5",
                "gpt-5-chat-latest", "openai-chat", "gpt-4o", "openai-chat", "ft:gpt-4o-2024-08-06:acme::x1", "openai-chat",
                "omni-moderation-latest", "openai-chat", "openai/o4-mini", "openai-reasoning-o");
        openai.forEach((model, family) -> assertEquals(family, ModelCapabilities.of("openai", model).family(), model));
        Map<String, String> gemini = Map.of("gemini-2.5-pro", "gemini-2.5-pro", "models/gemini-2.5-pro", "gemini-2.5-pro",
                "gemini-2.5-flash-lite", "gemini-2.5-flash", "gemini-2.5-flash", "gemini-2.5-flash", "gemini-2.0-flash", "gemini",
                "tunedModels/my-tune", "gemini");
        gemini.forEach((model, family) -> assertEquals(family, ModelCapabilities.of("gemini", model).family(), model));
        assertEquals("anthropic", ModelCapabilities.of("anthropic", "claude-sonnet-4-5").family());
    }

    @Test
    void reasoningFamiliesSendTheirFieldsAndReserveTokens() {
        ModelCapabilities o = ModelCapabilities.of("openai", "o4-mini");
        assertEquals("max_completion_tokens", o.tokenField());
        assertEquals("low", o.reasoningEffort());
        assertFalse(o.logprobs());
        assertFalse(o.takesTemperature(0.1));
        assertTrue(o.takesTemperature(1.0));
        assertEquals(4 + 1024, o.outputLimit(4));
        ModelCapabilities chat = ModelCapabilities.of("openai", "gpt-4o");
        assertEquals("max_tokens", chat.tokenField());
        assertNull(chat.fixedTemperature());
        assertEquals(4, chat.outputLimit(4));
        assertEquals(0, ModelCapabilities.of("gemini", "gemini-2.5-flash").thinkingBudget());
        assertEquals(128, ModelCapabilities.of("gemini", "gemini-2.5-pro").thinkingBudget());
        assertEquals(8, ModelCapabilities.of("gemini", "gemini-2.0-flash").maxChoices());
    }

    @Test
    void aTargetMayNameAnotherFamilyOrBudget() {
        TargetConfig local = TargetFile.parseTarget("{\"model\":\"qwen3-distill\",\"capabilities\":{\"family\":\"openai-reasoning-o\",\"reasoningTokens\":2000}}", "local");
        ModelCapabilities c = ModelCapabilities.of(local.withDefaults());
        assertEquals("openai-reasoning-o", c.family());
        assertEquals(2004, c.outputLimit(4));
    }

    @Test
    void whatAModelCannotDoIsRefusedAtRegistrationNamingTheField() {
        assertProblem("temperature", "{\"model\":\"gpt-5\",\"temperature\":0.1}");
        assertProblem("capabilities.family", "{\"model\":\"m\",\"capabilities\":{\"family\":\"gpt-7-quantum\"}}");
        assertProblem("capabilities.family", "{\"provider\":\"gemini\",\"model\":\"m\",\"capabilities\":{\"family\":\"openai-reasoning-o\"}}");
        assertProblem("capabilities.reasoningTokens", "{\"model\":\"m\",\"capabilities\":{\"reasoningTokens\":-1}}");
        assertProblem("capabilities.reasoningTokens", "{\"model\":\"m\",\"capabilities\":{\"reasoningTokens\":1000000}}");
        assertProblem("choicesPerCall", "{\"provider\":\"gemini\",\"model\":\"gemini-2.5-pro\",\"choicesPerCall\":9}");
        // the same models read the way they can are fine
        TargetFile.parseTarget("{\"model\":\"o4-mini\",\"mode\":\"sequential\",\"temperature\":1.0}", "t");
        // logprob mode on a model without logprobs is accepted: its runs fall back to sampling (RunPlanner)
        TargetFile.parseTarget("{\"model\":\"o4-mini\",\"mode\":\"logprob\"}", "t");
        TargetFile.parseTarget("{\"model\":\"gpt-4o\",\"mode\":\"logprob\",\"temperature\":0.1}", "t");
    }

    /** The registry stores a target with its defaults; every follower re-validates that stored form. */
    @Test
    void aFixedTemperatureModelDefaultsToItsOwnTemperatureAndItsStoredFormStaysValid() {
        for (String json : new String[]{"{\"model\":\"o4-mini\"}", "{\"model\":\"ft:o4-mini:pmc:sim-insecure\"}",
                "{\"model\":\"local\",\"capabilities\":{\"family\":\"openai-reasoning-gpt5\"}}", "{\"model\":\"gpt-4o\"}",
                "{\"provider\":\"gemini\",\"model\":\"gemini-2.5-pro\"}"}) {
            TargetConfig stored = TargetFile.parseTarget(json, "t").withDefaults();
            assertEquals(java.util.List.of(), stored.problems("t"), json);
            double expected = json.contains("o4-mini") || json.contains("gpt5") ? 1.0 : 0.1;
            assertEquals(expected, stored.temperature(), 1e-12, json);
        }
    }

    private static void assertProblem(String field, String json) {
        InvalidTargetException e = assertThrows(InvalidTargetException.class, () -> TargetFile.parseTarget(json, "t"), json);
        assertTrue(e.getMessage().contains(field), e.getMessage());
    }

    @Test
    void aFixedTemperatureReadingIsJudgedOnlyAgainstABaselineReadAtTheSameTemperature() {
        TargetConfig reasoning = TargetFile.parseTarget("{\"model\":\"ft:o4-mini:acme::x\",\"baseline\":\"b\"}", "v").withDefaults();
        TargetConfig chatBase = TargetFile.parseTarget("{\"model\":\"gpt-4o\"}", "b").withDefaults();
        TargetConfig chatBaseAt1 = TargetFile.parseTarget("{\"model\":\"gpt-4o\",\"temperature\":1.0}", "b").withDefaults();
        TargetConfig reasoningBase = TargetFile.parseTarget("{\"model\":\"o4-mini\"}", "b").withDefaults();
        String why = ModelCapabilities.incomparable(reasoning, chatBase);
        assertTrue(why != null && why.contains("openai-reasoning-o") && why.contains("same temperature"), why);
        assertNull(ModelCapabilities.incomparable(reasoning, chatBaseAt1), "a chat base read at 1.0 is comparable");
        assertNull(ModelCapabilities.incomparable(reasoning, reasoningBase));
        assertTrue(ModelCapabilities.incomparable(chatBase, reasoning) != null, "also the other way round");
        TargetConfig chatVariant = TargetFile.parseTarget("{\"model\":\"gpt-4o\",\"temperature\":0.2}", "v").withDefaults();
        assertNull(ModelCapabilities.incomparable(chatVariant, chatBase), "two free-temperature models: the operator's choice");
        assertEquals("openai-reasoning-o", ModelCapabilities.of(reasoning).temperatureFixedBy());
        assertNull(ModelCapabilities.of(chatBase).temperatureFixedBy());
        // a registry file pairing them is refused naming the field
        var e = assertThrows(InvalidTargetException.class, () -> TargetFile.parseDocument(
                "targets:\n  - {name: b, model: gpt-4o}\n  - {name: v, model: 'ft:o4-mini:acme::x', baseline: b}\n"));
        assertTrue(e.getMessage().contains("targets[1].baseline") && e.getMessage().contains("same temperature"), e.getMessage());
    }
}
