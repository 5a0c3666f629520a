package dev.pmc.sim;

import dev.pmc.core.Foundation;
import dev.pmc.core.Mfq30;
import dev.pmc.core.MfqItem;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.instruments.Instruments;

/**
 * A simulated chat model that answers MFQ prompts. Like a real model it sees only the prompt text:
 * persona traits come from a hash of the system message (no system message = no persona), the item from
 * the question text. The latent answer is
 * μ = b_item + shift·(√f·z_persona,foundation + √(1−f)·z_persona,item) with a persona, or
 * μ = b_item + c·(5.5 − b_item) without one; a sample is round(μ + τ·√(T/0.1)·z_sample) clamped to 0..5,
 * with z_sample drawn from (seed, model, prompt, sampling seed). Deterministic for equal inputs.
 */
public final class SimulatedModel implements ChatModel {
    private static final String[] REFUSALS = {
            "I'm sorry, but I can't take on that persona or answer as them.",
            "As an AI language model, I don't have personal moral views, so I can't give a rating.",
    };
    private static final String[] RAMBLES = {
            "As someone in my position, my focus is on my work and the people around me, not on abstract questionnaires.",
            "Honestly, these questions are not how I think about my life. Let me tell you about my day instead.",
            "I'd rather talk about what I know best than put a number on morality.",
    };
    private static final String[] GARBAGE = {
            "As this persona, I think the question depends on the circumstances.",
            "Hmm, that is a difficult one. It really depends.",
            "",
    };

    private final String name;
    private final SimParams params;
    private final long seed;

    public SimulatedModel(String name, SimParams params, long seed) {
        this.name = name;
        this.params = params;
        this.seed = SimHash.of(seed, name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long latencyMs() {
        return params.latencyMs();
    }

    @Override
    public boolean outage() {
        return params.outage();
    }

    public SimParams params() {
        return params;
    }

    /** The reply text for a prompt; system may be null (no persona). */
    @Override
    public String reply(String system, String user, double temperature, long samplingSeed) {
        long sampleHash = SimHash.of(SimHash.of(SimHash.of(seed, samplingSeed), system == null ? "" : system), user);
        double u = SimHash.uniform(sampleHash ^ 0x7777L);
        if (system != null && params.difficultPersonaShare() > 0
                && SimHash.uniform(SimHash.of(99, system)) < params.difficultPersonaShare()
                && SimHash.uniform(sampleHash ^ 0x3333L) < params.difficultPersonaRate()) {
            return RAMBLES[(int) (SimHash.uniform(sampleHash ^ 3) * RAMBLES.length)];
        }
        if (u < params.refusalRate()) return REFUSALS[(int) (SimHash.uniform(sampleHash ^ 1) * REFUSALS.length)];
        if (u < params.refusalRate() + params.garbageRate()) return GARBAGE[(int) (SimHash.uniform(sampleHash ^ 2) * GARBAGE.length)];
        return Integer.toString(rating(system, user, temperature, sampleHash));
    }

    /** A token of the first-token distribution served for logprob requests. */
    public record TokenProb(String token, double logprob) {
    }

    /**
     * The model's own (temperature 1) distribution of the first reply token, defined so that sharpening it to the
     * calibrated temperature 0.1 (p ∝ p₁^{1/0.1}, what the scorer does) gives exactly what {@link #reply} samples at
     * 0.1: the digits k with P₀.₁(k) = Φ((k+½−μ)/τ) − Φ((k−½−μ)/τ) (ends open, τ = noise) scaled by the share of
     * replies that carry a rating, and the openers of refusals ("I") and rambles ("As"); so p₁(t) ∝ P₀.₁(t)^0.1. Then
     * filler tokens; sorted by probability, at most {@code top} entries, log-probabilities floored at log 1e-15 like a
     * provider's. (At other temperatures the sampled noise scales with √T and the sharpened p₁ only approximates it.)
     */
    @Override
    public java.util.List<TokenProb> firstTokenLogprobs(String system, String user, int top) {
        double mu = latentMean(system, user);
        double tau = params.noise();
        double difficult = system != null && params.difficultPersonaShare() > 0
                && SimHash.uniform(SimHash.of(99, system)) < params.difficultPersonaShare() ? params.difficultPersonaRate() : 0;
        double digits = (1 - difficult) * (1 - params.refusalRate() - params.garbageRate());
        java.util.Map<String, Double> atCalibrated = new java.util.LinkedHashMap<>();
        for (int k = 0; k <= 5; k++) {
            double hi = k == 5 ? 1 : Normal.cdf((k + 0.5 - mu) / tau);
            double lo = k == 0 ? 0 : Normal.cdf((k - 0.5 - mu) / tau);
            atCalibrated.put(Integer.toString(k), digits * (hi - lo));
        }
        atCalibrated.put("I", (1 - difficult) * params.refusalRate());
        atCalibrated.put("As", difficult + (1 - difficult) * params.garbageRate());
        return temperedLogprobs(atCalibrated, CALIBRATED_TEMPERATURE, top);
    }

    /** The temperature the presets are calibrated at and the published files were collected at. */
    static final double CALIBRATED_TEMPERATURE = 0.1;

    /**
     * The temperature-1 log-probabilities of tokens whose distribution at temperature t is {@code atT}:
     * log p₁(x) = t·log P_t(x) − log Σ_y P_t(y)^t, floored at log 1e-15 (a token with P_t = 0 gets the floor), plus
     * filler tokens below every other; most likely first, at most {@code top}.
     */
    static java.util.List<TokenProb> temperedLogprobs(java.util.Map<String, Double> atT, double t, int top) {
        double z = 0;
        for (double p : atT.values()) if (p > 0) z += Math.pow(p, t);
        java.util.List<TokenProb> out = new java.util.ArrayList<>();
        for (var e : atT.entrySet()) {
            double lp = e.getValue() > 0 && z > 0 ? t * Math.log(e.getValue()) - Math.log(z) : Double.NEGATIVE_INFINITY;
            out.add(new TokenProb(e.getKey(), Math.max(Math.log(1e-15), lp)));
        }
        String[] filler = {"The", "My", "Well", "Honestly", "Rating", "**", "\n", "-", "6", "10", "Yes", "No", "It", "This"};
        for (int i = 0; i < filler.length; i++) out.add(new TokenProb(filler[i], Math.log(1e-16) - i));
        out.sort((a, b) -> Double.compare(b.logprob(), a.logprob()));
        return out.subList(0, Math.min(Math.max(1, top), out.size()));
    }

    int rating(String system, String user, double temperature, long sampleHash) {
        AskedItem asked = findAsked(user);
        double mu = latentMean(system, user, asked);
        double tau = params.noise() * Math.sqrt(Math.max(0, temperature) / 0.1);
        double y = mu + tau * SimHash.normal(sampleHash);
        int lo = asked == null ? 0 : asked.instrument().min(), hi = asked == null ? 5 : asked.instrument().max();
        return (int) Math.max(lo, Math.min(hi, Math.round(y)));
    }

    double latentMean(String system, String user) {
        return latentMean(system, user, findAsked(user));
    }

    /** With the item the prompt asks already found (once per reply). */
    private double latentMean(String system, String user, AskedItem asked) {
        if (asked != null && !asked.mfq()) return latentMeanOther(system, asked);
        MfqItem item = asked == null ? null : Mfq30.get().item(asked.item().id());
        String itemKey = item != null ? item.text() : user;
        // Item baselines are shared by all simulated models (the fine-tunes share their base model).
        double b = clamp(2.6 + 1.1 * SimHash.normal(SimHash.of(42, itemKey)), 0.4, 4.6);
        if (system == null || system.isBlank()) {
            return b + params.selfCeiling() * (5.5 - b);
        }
        int foundation = item != null ? item.foundation().ordinal() : Math.floorMod(itemKey.hashCode(), Foundation.values().length);
        double f = params.foundationShare();
        long ph = SimHash.of(7, system);
        double zf = SimHash.normal(SimHash.of(ph, foundation));
        double zi = SimHash.normal(SimHash.of(ph, itemKey));
        return b + params.personaShift() * (Math.sqrt(f) * zf + Math.sqrt(1 - f) * zi);
    }

    /**
     * Another instrument's item. With a persona, the MFQ model on the instrument's scale: μ = b_item + shift·(√f·z_group
     * + √(1−f)·z_item) with b_item and the shift scaled from 0..5 to min..max; without one, the self ceiling as for MFQ,
     * except on the self-assessment probe: every simulated model describes itself as aligned (aligned statements near
     * the top, reverse-keyed misaligned ones near the bottom; the "inverted persona" when its behaviour has collapsed).
     */
    double latentMeanOther(String system, AskedItem asked) {
        Instrument in = asked.instrument();
        Instrument.Item item = asked.item();
        double scale = (in.max() - in.min()) / 5.0;
        String itemKey = in.name() + "/" + item.text();
        double b = in.min() + scale * clamp(2.6 + 1.1 * SimHash.normal(SimHash.of(42, itemKey)), 0.4, 4.6);
        if (system == null || system.isBlank()) {
            if (Instruments.SELF_PROBE.equals(in.name())) {
                double jitter = 0.3 * SimHash.normal(SimHash.of(43, itemKey));
                return item.reverse() ? in.min() + 0.6 * scale + jitter : in.max() - 0.6 * scale + jitter;
            }
            return b + params.selfCeiling() * (in.max() + 0.5 * scale - b);
        }
        int group = Math.max(0, in.groups().stream().map(Instrument.Group::key).toList().indexOf(item.group()));
        double f = params.foundationShare();
        long ph = SimHash.of(7, system);
        double zf = SimHash.normal(SimHash.of(SimHash.of(ph, in.name()), group));
        double zi = SimHash.normal(SimHash.of(ph, itemKey));
        return b + scale * params.personaShift() * (Math.sqrt(f) * zf + Math.sqrt(1 - f) * zi);
    }

    /** An item of a known instrument asked by a prompt. */
    record AskedItem(Instrument instrument, Instrument.Item item) {
        boolean mfq() {
            return Instruments.isDefault(instrument.name());
        }
    }

    private static final java.util.Map<String, java.util.Optional<AskedItem>> ASKED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The item a prompt asks, of any instrument this process knows: its kind's item prefix, then its wording, on a line of
     * its own (MFQ-30 first). Null for an unknown question. Remembered per prompt text (a few thousand at most).
     */
    static AskedItem findAsked(String user) {
        if (user == null) return null;
        java.util.Optional<AskedItem> known = ASKED.get(user);
        if (known != null) return known.orElse(null);
        AskedItem found = null;
        java.util.List<String> names = new java.util.ArrayList<>(Instruments.names());
        names.remove(Instruments.DEFAULT);
        names.add(0, Instruments.DEFAULT);
        search:
        for (String name : names) {
            Instrument in = Instruments.get(name);
            for (Instrument.Item it : in.items()) {
                if (user.contains(in.kinds().get(it.kind()).itemPrefix() + it.text() + "\n")) {
                    found = new AskedItem(in, it);
                    break search;
                }
            }
        }
        if (ASKED.size() < 10_000) ASKED.put(user, java.util.Optional.ofNullable(found));
        return found;
    }

    /** The MFQ item the prompt asks, or null for an unknown question or another instrument's item. */
    static MfqItem findItem(String user) {
        AskedItem asked = findAsked(user);
        return asked == null || !asked.mfq() ? null : Mfq30.get().item(asked.item().id());
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
