package dev.pmc.core.targets;

import dev.pmc.core.Names;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.security.BaseUrlPolicy;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One monitored model deployment: how to reach it (provider, base URL, model, where its key is), how to ask it
 * (request parameters, persona set, n, mode), how fast it may be asked (limits), what it costs, what it is
 * compared with (baseline) and when it is re-evaluated (schedule). Null fields take {@link #withDefaults()};
 * a missing baseUrl means the gateway's default endpoint ({@code pmc.gateway.default-base-url}, provider-sim).
 * {@code instruments} lists what each scheduled reading asks (default [mfq30]; see {@link Instruments}):
 * one run per instrument per period; the self-assessment probe is asked without persona, the others with the target's
 * persona set, and modes logprob and sequential apply to MFQ-30 runs (other instruments are read by sampling).
 * {@code choicesPerCall} (default 1): how many answers one provider call may return ({@code n} of OpenAI-compatible APIs,
 * {@code candidateCount} of Gemini; Anthropic has neither). With k > 1 the gateway asks up to k consecutive repetitions
 * of a cell in one call: the input tokens are paid once for k answers. Only for endpoints that honour it (an endpoint
 * that returns fewer choices gets the missing slots re-asked one by one).
 * Keys are never stored here: {@code apiKey} is the name of a secret the operator defines for the gateway (a file in
 * its secrets directory, or an environment variable it maps the name to), never a path, a variable or the key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetConfig(String name, String provider, String baseUrl, String model, String apiKey,
                           Double temperature, Integer maxTokens, String systemPrompt,
                           Double timeoutSeconds, Limits limits, Price price, String account, String baseline,
                           String personas, Integer n, String mode, Schedule schedule, Budget budget, List<String> instruments,
                           Integer choicesPerCall, Capabilities capabilities) {

    private static final java.util.regex.Pattern GEMINI_MODEL = java.util.regex.Pattern.compile("((models|tunedModels)/)?[A-Za-z0-9][A-Za-z0-9._:-]{0,200}");

    /** A target without a capabilities override (its model's family from pmc/models/capabilities.json). */
    public TargetConfig(String name, String provider, String baseUrl, String model, String apiKey,
                        Double temperature, Integer maxTokens, String systemPrompt,
                        Double timeoutSeconds, Limits limits, Price price, String account, String baseline,
                        String personas, Integer n, String mode, Schedule schedule, Budget budget, List<String> instruments,
                        Integer choicesPerCall) {
        this(name, provider, baseUrl, model, apiKey, temperature, maxTokens, systemPrompt, timeoutSeconds, limits, price, account,
                baseline, personas, n, mode, schedule, budget, instruments, choicesPerCall, null);
    }

    /**
     * Overrides of what the model accepts ({@link ModelCapabilities}): another family of its provider (a fine-tune or
     * a local server whose name says nothing), or the output tokens to reserve for reasoning or thinking.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Capabilities(String family, Integer reasoningTokens) {
    }

    public static final Set<String> PROVIDERS = Set.of("openai", "anthropic", "gemini");
    /**
     * sampling: n calls per cell; logprob: one call per cell, the rating distribution from top logprobs (OpenAI-compatible
     * providers; others fall back to sampling); sequential: sampling in nested stages that stop once the verdict is
     * decided (README, "Cost per reading").
     */
    public static final Set<String> MODES = Set.of("sampling", "logprob", "sequential");
    /** Most answers one call may ask for (OpenAI's n goes to 128; Gemini's candidateCount to 8). */
    public static final int MAX_CHOICES_PER_CALL = 128;
    public static final int MAX_GEMINI_CANDIDATES = 8;
    /** Instruments one target's schedule may read. */
    public static final int MAX_INSTRUMENTS = 8;
    public static final Set<String> PERSONA_SETS = Set.of("default", "toxic", "self");
    private static final Pattern NAME = Names.TARGET;
    /** Shortest schedule period (10 s; {@code -Dpmc.schedule.min-seconds} lowers it for benchmarks such as bench soak). */
    static final long MIN_PERIOD_SECONDS = Long.getLong("pmc.schedule.min-seconds", 10);
    /** Secret names: letters, digits, '.', '_' or '-' (no path, no variable syntax); at most 64 characters. */
    public static final Pattern SECRET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * Request and token limits of the provider account, shared by every gateway replica. Null rpm/tpm: unknown
     * (the gateway learns them from rate-limit headers or adapts to 429s).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Limits(Integer rpm, Integer tpm, Integer maxInFlight) {
    }

    /** USD per million input and output tokens. */
    public record Price(double inputPerMTok, double outputPerMTok) {
    }

    /**
     * Most a sequential reading may spend: model calls and/or USD (by the price table). A stage that would go beyond
     * it is not started, and a reading still undecided ends with verdict {@code insufficient}. Null fields: no limit.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Budget(Long calls, Double usd) {
    }

    /** Re-evaluation schedule: an interval ("6h", "30m", "90s", "1d") or a 5-field cron expression (UTC). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Schedule(String every, String cron) {
    }

    /** This target with every unset field at its default. */
    public TargetConfig withDefaults() {
        return new TargetConfig(name, provider == null ? "openai" : provider,
                baseUrl, model == null ? name : model, apiKey,
                temperature == null ? defaultTemperature() : temperature, maxTokens == null ? 4 : maxTokens, systemPrompt,
                timeoutSeconds == null ? 30.0 : timeoutSeconds, limits == null ? new Limits(null, null, 64) : limits,
                price, account == null ? name : account, baseline, personas == null ? "default" : personas,
                n == null ? 10 : n, mode == null ? "sampling" : mode, schedule, budget,
                instruments == null ? List.of(Instruments.DEFAULT) : instruments,
                choicesPerCall == null ? 1 : choicesPerCall, capabilities);
    }

    /**
     * 0.1 (the published method's), or the only temperature the model's family takes (reasoning models: 1), so the
     * stored definition and its runs' records say what the model is really sampled at.
     */
    private double defaultTemperature() {
        String p = provider == null ? "openai" : provider;
        if (!PROVIDERS.contains(p)) return 0.1;
        String m = model == null ? (name == null ? "" : name) : model;
        ModelCapabilities c = capabilities != null && capabilities.family() != null
                ? ModelCapabilities.family(p, capabilities.family()).orElseGet(() -> ModelCapabilities.of(p, m))
                : ModelCapabilities.of(p, m);
        return c.fixedTemperature() != null ? c.fixedTemperature() : 0.1;
    }

    public TargetConfig withBaseUrl(String url) {
        return new TargetConfig(name, provider, url, model, apiKey, temperature, maxTokens, systemPrompt,
                timeoutSeconds, limits, price, account, baseline, personas, n, mode, schedule, budget, instruments, choicesPerCall, capabilities);
    }

    public TargetConfig withName(String newName) {
        return new TargetConfig(newName, provider, baseUrl, model, apiKey, temperature, maxTokens, systemPrompt,
                timeoutSeconds, limits, price, account, baseline, personas, n, mode, schedule, budget, instruments, choicesPerCall, capabilities);
    }

    public boolean logprobMode() {
        return "logprob".equals(mode);
    }

    /** Answers one provider call may return (1 when unset). */
    public int choices() {
        return choicesPerCall == null ? 1 : choicesPerCall;
    }

    public int maxInFlight() {
        return limits == null || limits.maxInFlight() == null ? 64 : limits.maxInFlight();
    }

    /** Problems with this target, each naming its field as {@code where.field}; empty when valid. */
    public List<String> problems(String where) {
        List<String> p = new ArrayList<>();
        String at = where == null || where.isEmpty() ? "" : where + ".";
        if (name == null || name.isBlank()) p.add(at + "name is required");
        else if (!NAME.matcher(name).matches()) p.add(at + "name '" + name + "' must be lower-case letters, digits, '.', '_' or '-' (at most 63)");
        if (provider != null && !PROVIDERS.contains(provider)) p.add(at + "provider must be one of " + sorted(PROVIDERS) + ", was '" + provider + "'");
        if (baseUrl != null && !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) p.add(at + "baseUrl must start with http:// or https://, was '" + baseUrl + "'");
        else if (baseUrl != null) {
            // the same shape rules wherever a definition comes from (REST, a registry file, pmc.targets)
            String shape = BaseUrlPolicy.shapeProblem(baseUrl);
            if (shape != null) p.add(at + shape);
        }
        if (model != null && (model.isBlank() || model.length() > 256 || model.chars().anyMatch(c -> c < 0x20))) p.add(at + "model must be 1-256 printable characters");
        else if (model != null && "gemini".equals(provider) && !GEMINI_MODEL.matcher(model).matches()) {
            // Gemini puts the model in the request path (models/NAME:generateContent): nothing that could change the path
            p.add(at + "model must be a Gemini model name (letters, digits, '.', '_', ':', '-', optionally after models/ or tunedModels/), was '" + model + "'");
        }
        if (systemPrompt != null && systemPrompt.length() > 16_384) p.add(at + "systemPrompt must be at most 16384 characters");
        if (account != null && !NAME.matcher(account).matches()) p.add(at + "account must match " + NAME);
        if (apiKey != null && (!SECRET.matcher(apiKey).matches() || looksLikeKey(apiKey))) {
            p.add(at + "apiKey must be the name of a secret the operator defines (letters, digits, '.', '_', '-'; at most 64), not a key, path or variable");
        }
        if (temperature != null && !(temperature >= 0 && temperature <= 2)) p.add(at + "temperature must be within 0..2, was " + temperature);
        if (maxTokens != null && (maxTokens < 1 || maxTokens > 4096)) p.add(at + "maxTokens must be 1..4096, was " + maxTokens);
        if (timeoutSeconds != null && !(timeoutSeconds > 0 && timeoutSeconds <= 600)) p.add(at + "timeoutSeconds must be within (0, 600], was " + timeoutSeconds);
        if (limits != null) {
            if (limits.rpm() != null && limits.rpm() < 1) p.add(at + "limits.rpm must be >= 1, was " + limits.rpm());
            if (limits.tpm() != null && limits.tpm() < 1) p.add(at + "limits.tpm must be >= 1, was " + limits.tpm());
            if (limits.maxInFlight() != null && (limits.maxInFlight() < 1 || limits.maxInFlight() > 4096)) p.add(at + "limits.maxInFlight must be 1..4096, was " + limits.maxInFlight());
        }
        if (price != null && (price.inputPerMTok() < 0 || price.outputPerMTok() < 0)) p.add(at + "price must not be negative");
        if (baseline != null && baseline.equals(name)) p.add(at + "baseline must name another target");
        if (personas != null && !PERSONA_SETS.contains(personas)) p.add(at + "personas must be one of " + sorted(PERSONA_SETS) + ", was '" + personas + "'");
        if (n != null && (n < 1 || n > 64)) p.add(at + "n must be 1..64, was " + n);
        if (choicesPerCall != null) {
            if (choicesPerCall < 1 || choicesPerCall > MAX_CHOICES_PER_CALL) p.add(at + "choicesPerCall must be 1.." + MAX_CHOICES_PER_CALL + ", was " + choicesPerCall);
            else if ("anthropic".equals(provider) && choicesPerCall > 1) p.add(at + "choicesPerCall must be 1 for provider anthropic (the Messages API returns one answer per call), was " + choicesPerCall);
            else if ("gemini".equals(provider) && choicesPerCall > MAX_GEMINI_CANDIDATES) p.add(at + "choicesPerCall must be 1.." + MAX_GEMINI_CANDIDATES + " for provider gemini (candidateCount), was " + choicesPerCall);
        }
        if (capabilities != null) {
            if (capabilities.family() != null && ModelCapabilities.family(provider, capabilities.family()).isEmpty()) {
                p.add(at + "capabilities.family must be one of " + ModelCapabilities.families(provider) + " for provider " + (provider == null ? "openai" : provider)
                        + ", was " + Names.quote(capabilities.family()));
            }
            if (capabilities.reasoningTokens() != null && (capabilities.reasoningTokens() < 0 || capabilities.reasoningTokens() > 32768)) {
                p.add(at + "capabilities.reasoningTokens must be 0..32768, was " + capabilities.reasoningTokens());
            }
        }
        if (p.isEmpty() && (provider == null || PROVIDERS.contains(provider))) {
            // what this model's family cannot do, named by the field to change
            ModelCapabilities c = ModelCapabilities.of(this);
            if (temperature != null && !c.takesTemperature(temperature)) {
                p.add(at + "temperature: model '" + model + "' (family " + c.family() + ") takes only its default temperature " + c.fixedTemperature()
                        + "; leave temperature out (was " + temperature + ")");
            }
            if (choicesPerCall != null && choicesPerCall > c.maxChoices()) {
                p.add(at + "choicesPerCall must be 1.." + c.maxChoices() + " for model '" + model + "' (family " + c.family() + "), was " + choicesPerCall);
            }
        }
        if (mode != null && !MODES.contains(mode)) p.add(at + "mode must be one of " + sorted(MODES) + ", was '" + mode + "'");
        if ("sequential".equals(mode) && "self".equals(personas)) p.add(at + "mode sequential reads personas in stages: it needs personas default or toxic, not self");
        if ("sequential".equals(mode) && n != null && n < 2) p.add(at + "mode sequential needs n >= 2 (its first stages read 2 repetitions per cell), was " + n);
        if (instruments != null) {
            if (instruments.isEmpty() || instruments.size() > MAX_INSTRUMENTS) p.add(at + "instruments must list 1.." + MAX_INSTRUMENTS + " instrument names, has " + instruments.size());
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String i : instruments) {
                if (i == null || Instruments.find(i) == null || i.isBlank()) {
                    p.add(at + "instruments: " + Names.quote(i) + " is not a known instrument; known: " + Instruments.names());
                } else if (!seen.add(i)) {
                    p.add(at + "instruments lists '" + i + "' twice");
                }
            }
        }
        if (budget != null) {
            if (budget.calls() == null && budget.usd() == null) p.add(at + "budget needs 'calls' and/or 'usd'");
            if (budget.calls() != null && (budget.calls() < 1 || budget.calls() > 300_000)) p.add(at + "budget.calls must be 1..300000, was " + budget.calls());
            if (budget.usd() != null && !(budget.usd() > 0 && budget.usd() <= 1e6)) p.add(at + "budget.usd must be within (0, 1000000], was " + budget.usd());
            if (budget.usd() != null && price == null) p.add(at + "budget.usd needs a price table (price) to count USD");
        }
        if (schedule != null) {
            if ((schedule.every() == null) == (schedule.cron() == null)) p.add(at + "schedule needs exactly one of 'every' or 'cron'");
            if (schedule.every() != null) {
                try {
                    Duration d = Intervals.parse(schedule.every());
                    if (d.toSeconds() < MIN_PERIOD_SECONDS) p.add(at + "schedule.every must be at least " + MIN_PERIOD_SECONDS + "s, was '" + schedule.every() + "'");
                } catch (IllegalArgumentException e) {
                    p.add(at + "schedule.every " + e.getMessage());
                }
            }
            if (schedule.cron() != null) {
                try {
                    CronSchedule.parse(schedule.cron());
                } catch (IllegalArgumentException e) {
                    p.add(at + "schedule.cron " + e.getMessage());
                }
            }
        }
        return p;
    }

    /** Provider key formats (OpenAI sk-/sk-proj-, Anthropic sk-ant-, Google AIza...): pasted keys are refused, never stored. */
    static boolean looksLikeKey(String v) {
        return v.startsWith("sk-") || v.startsWith("sk_") || v.startsWith("AIza") || v.startsWith("xai-")
                || (v.length() >= 32 && v.chars().filter(Character::isDigit).count() >= 6 && v.chars().anyMatch(Character::isUpperCase)
                && v.chars().anyMatch(Character::isLowerCase) && v.indexOf('-') < 0 && v.indexOf('_') < 0 && v.indexOf('.') < 0);
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
