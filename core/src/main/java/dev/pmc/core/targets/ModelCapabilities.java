package dev.pmc.core.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a model family accepts, as data ({@code pmc/models/capabilities.json}): the output-limit field, a fixed
 * temperature, logprobs, the most answers per call, the lowest reasoning effort or thinking budget to send, and how many
 * output tokens to reserve for reasoning on top of the answer's own budget. The gateway shapes requests with it, the
 * registry refuses what a model cannot do, and provider-sim refuses, by the same model names, what the real API refuses.
 *
 * @param fixedTemperature the only temperature the model takes (null: any; none is sent when fixed)
 * @param reasoningEffort  OpenAI reasoning_effort to send (its lowest), null: not sent
 * @param thinkingBudget   Gemini thinkingConfig.thinkingBudget to send (0: thinking off), null: not sent
 * @param reasoningTokens  output tokens reserved for reasoning or thinking, added to the answer's budget
 */
public record ModelCapabilities(String provider, String family, Pattern pattern, String tokenField, Double fixedTemperature,
                                boolean logprobs, int maxChoices, String reasoningEffort, Integer thinkingBudget, int reasoningTokens) {
    private static final List<ModelCapabilities> ALL = load();

    /** The family of a provider's model: the first whose pattern matches the name (case-insensitive). */
    public static ModelCapabilities of(String provider, String model) {
        String p = provider == null ? "openai" : provider;
        String m = model == null ? "" : model;
        for (ModelCapabilities c : ALL) if (c.provider.equals(p) && c.pattern.matcher(m).find()) return c;
        throw new IllegalStateException("no capability family for provider " + p); // every provider ends with ".*"
    }

    /** A family by name (a target's capabilities.family), if it exists for that provider. */
    public static Optional<ModelCapabilities> family(String provider, String family) {
        return ALL.stream().filter(c -> c.provider.equals(provider == null ? "openai" : provider) && c.family.equals(family)).findFirst();
    }

    /** The family names a provider has (for error messages). */
    public static List<String> families(String provider) {
        return ALL.stream().filter(c -> c.provider.equals(provider == null ? "openai" : provider)).map(ModelCapabilities::family).toList();
    }

    /** The capabilities of a target: its family override or its model's family, with its reasoning budget override. */
    public static ModelCapabilities of(TargetConfig t) {
        ModelCapabilities c = t.capabilities() != null && t.capabilities().family() != null
                ? family(t.provider(), t.capabilities().family()).orElseGet(() -> of(t.provider(), t.model()))
                : of(t.provider(), t.model());
        if (t.capabilities() != null && t.capabilities().reasoningTokens() != null) {
            c = new ModelCapabilities(c.provider, c.family, c.pattern, c.tokenField, c.fixedTemperature, c.logprobs, c.maxChoices,
                    c.reasoningEffort, c.thinkingBudget, t.capabilities().reasoningTokens());
        }
        return c;
    }

    /** Whether the model takes this temperature (a fixed-temperature model takes only its own). */
    public boolean takesTemperature(double temperature) {
        return fixedTemperature == null || Math.abs(fixedTemperature - temperature) < 1e-9;
    }

    /**
     * Why a variant's readings cannot be judged against a baseline's, or null when they can: when either model's
     * temperature is fixed by its family, both must read at the same temperature (S and R grow with temperature, so
     * a reasoning fine-tune read at 1.0 against a base read at 0.7 would look dispersed by the sampling alone).
     * Both targets with their defaults applied.
     */
    public static String incomparable(TargetConfig variant, TargetConfig baseline) {
        ModelCapabilities v = of(variant), b = of(baseline);
        if (v.fixedTemperature == null && b.fixedTemperature == null) return null;
        if (Math.abs(variant.temperature() - baseline.temperature()) < 1e-9) return null;
        return "'" + variant.name() + "' reads at temperature " + variant.temperature() + (v.fixedTemperature != null ? " (fixed by its model family " + v.family + ")" : "")
                + " but its baseline '" + baseline.name() + "' at " + baseline.temperature() + (b.fixedTemperature != null ? " (fixed by its model family " + b.family + ")" : "")
                + ": a baseline must be read at the same temperature";
    }

    /** The family's name when it fixes the temperature, else null (for run records and the live page). */
    public String temperatureFixedBy() {
        return fixedTemperature == null ? null : family;
    }

    /** The output limit to send for an answer budget of {@code answerTokens}: the answer plus the reasoning reserve. */
    public int outputLimit(int answerTokens) {
        return answerTokens + reasoningTokens;
    }

    private static List<ModelCapabilities> load() {
        try (InputStream in = ModelCapabilities.class.getResourceAsStream("/pmc/models/capabilities.json")) {
            if (in == null) throw new IllegalStateException("pmc/models/capabilities.json is missing from the class path");
            List<ModelCapabilities> out = new ArrayList<>();
            for (JsonNode f : new ObjectMapper().readTree(in).get("families")) {
                out.add(new ModelCapabilities(f.get("provider").asText(), f.get("family").asText(),
                        Pattern.compile(f.get("pattern").asText(), Pattern.CASE_INSENSITIVE), f.get("tokenField").asText(),
                        f.hasNonNull("fixedTemperature") ? f.get("fixedTemperature").asDouble() : null, f.path("logprobs").asBoolean(false),
                        f.path("maxChoices").asInt(1), f.hasNonNull("reasoningEffort") ? f.get("reasoningEffort").asText() : null,
                        f.hasNonNull("thinkingBudget") ? f.get("thinkingBudget").asInt() : null, f.path("reasoningTokens").asInt(0)));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
