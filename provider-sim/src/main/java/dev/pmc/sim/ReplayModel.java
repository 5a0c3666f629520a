package dev.pmc.sim;

import dev.pmc.core.MfqItem;
import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.io.ReferenceCsv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A published ratings file served as a model ({@code replay:NAME}): asked as persona p about item q, it answers with
 * one of the replies the real model gave as that persona to that item, drawn by the request's sampling seed
 * (deterministic per seed, uniform over the cell's rows, invalid replies included, so the scorer sees the real
 * text). Persona identity follows the authors' catalog order: the system prompt of catalog persona i is persona_id i
 * of the file; a persona outside the catalog answers as the file persona its text hashes to. Without a persona it
 * answers from the sibling {@code NAME_self.csv} (an error when there is none). The file was sampled at temperature
 * 0.1; a request's temperature does not change the draw.
 *
 * <p>Asked for logprobs it reports the cell's empirical distribution as a temperature-1 distribution: a provider's
 * top_logprobs are the model's own (T = 1) probabilities, and sampling at T draws from p ∝ p₁^{1/T}; so the served
 * p₁ ∝ p^T, and the scorer's sharpening by 1/T gives back exactly the cell's empirical distribution of valid ratings.
 * Invalid replies are reported as the token "I" with their share (mass off the rating tokens).
 */
public final class ReplayModel implements ChatModel {
    private static final Map<String, Integer> CATALOG = new HashMap<>();

    static {
        List<String> personas = PersonaCatalog.defaultSet();
        for (int i = 0; i < personas.size(); i++) CATALOG.put(PromptTemplate.system(personas.get(i)), i);
    }

    private final String name;
    private final Map<Long, List<ReferenceCsv.Row>> cells = new HashMap<>();
    private final Map<Integer, List<ReferenceCsv.Row>> self = new HashMap<>();
    private final int[] personaIds;
    private final boolean hasSelf;
    private final long latencyMs;
    private final long seed;

    public ReplayModel(String name, Path personaFile, Path selfFile, long latencyMs) throws IOException {
        this.name = name;
        this.latencyMs = latencyMs;
        this.seed = SimHash.of(20261126, name);
        java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
        for (ReferenceCsv.Row r : ReferenceCsv.read(personaFile)) {
            if (r.personaId() < 0) throw new IOException(personaFile + ": not a persona file (no persona_id)");
            cells.computeIfAbsent(key(r.personaId(), r.questionId()), k -> new ArrayList<>()).add(r);
            ids.add(r.personaId());
        }
        if (ids.isEmpty()) throw new IOException(personaFile + ": no rows");
        personaIds = ids.stream().mapToInt(Integer::intValue).toArray();
        hasSelf = selfFile != null && Files.isRegularFile(selfFile);
        if (hasSelf) for (ReferenceCsv.Row r : ReferenceCsv.read(selfFile)) self.computeIfAbsent(r.questionId(), k -> new ArrayList<>()).add(r);
    }

    private static long key(int persona, int item) {
        return ((long) persona << 16) | item;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long latencyMs() {
        return latencyMs;
    }

    public boolean hasSelf() {
        return hasSelf;
    }

    /** The file persona a system prompt stands for: the catalog index, else a stable hash onto the file's personas. */
    int personaOf(String system) {
        Integer i = CATALOG.get(system);
        if (i != null) return i;
        return personaIds[(int) Math.floorMod(SimHash.of(11, system), (long) personaIds.length)];
    }

    /** The published rows for this prompt: the persona's cell, or the self file's item without a persona. */
    List<ReferenceCsv.Row> rows(String system, String user) {
        MfqItem item = SimulatedModel.findItem(user);
        if (item == null) throw new IllegalArgumentException("replay model " + name + " answers MFQ-30 items only");
        if (system == null || system.isBlank()) {
            if (!hasSelf) throw new IllegalArgumentException("replay model " + name + " has no _self file: it cannot answer without a persona");
            return self.getOrDefault(item.id(), List.of());
        }
        return cells.getOrDefault(key(personaOf(system), item.id()), List.of());
    }

    @Override
    public String reply(String system, String user, double temperature, long samplingSeed) {
        List<ReferenceCsv.Row> rows = rows(system, user);
        if (rows.isEmpty()) return "";
        long h = SimHash.of(SimHash.of(SimHash.of(seed, samplingSeed), system == null ? "" : system), user);
        ReferenceCsv.Row r = rows.get((int) Math.min(rows.size() - 1, (long) (SimHash.uniform(h) * rows.size())));
        if (r.response() != null && !r.response().isBlank()) return r.response();
        return r.valid() ? Integer.toString(r.rating()) : "";
    }

    /**
     * The cell's temperature-1 distribution: the files were collected at temperature 0.1, so p₁ ∝ P^0.1 with P the
     * cell's empirical distribution (digits, and "I" for rows without a valid rating); sharpened back to 0.1 it gives
     * exactly the file's distribution.
     */
    @Override
    public List<SimulatedModel.TokenProb> firstTokenLogprobs(String system, String user, int top) {
        List<ReferenceCsv.Row> rows = rows(system, user);
        java.util.Map<String, Double> share = new java.util.LinkedHashMap<>();
        for (int k = 0; k <= 5; k++) share.put(Integer.toString(k), 0.0);
        share.put("I", rows.isEmpty() ? 1.0 : 0.0);
        for (ReferenceCsv.Row r : rows) share.merge(r.valid() ? Integer.toString(r.rating()) : "I", 1.0 / rows.size(), Double::sum);
        return SimulatedModel.temperedLogprobs(share, SimulatedModel.CALIBRATED_TEMPERATURE, top);
    }
}
