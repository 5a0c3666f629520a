package dev.pmc.sim;

import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.PromptTemplate;
import dev.pmc.core.io.ReferenceCsv;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.io.FileMetrics;

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
 *
 * <p>Other instruments: a file named {@code NAME_<instrument>.csv} (e.g. {@code gpt-x_temp01_bfi44.csv}; the
 * self-assessment probe also as {@code NAME_probe.csv}) next to the persona file answers that instrument's items, its
 * persona rows asked with a persona and its rows without persona_id asked without one. A persona file whose own name
 * ends so serves only that instrument. Question ids are the instrument's item ids.
 */
public final class ReplayModel implements ChatModel {
    private static final Map<String, Integer> CATALOG = new HashMap<>();

    static {
        List<String> personas = PersonaCatalog.defaultSet();
        for (int i = 0; i < personas.size(); i++) CATALOG.put(PromptTemplate.system(personas.get(i)), i);
    }

    private final String name;
    /** Per instrument: persona rows by (persona, item), and rows without persona by item. */
    private final Map<String, Map<Long, List<ReferenceCsv.Row>>> cells = new HashMap<>();
    private final Map<String, Map<Integer, List<ReferenceCsv.Row>>> self = new HashMap<>();
    private final int[] personaIds;
    private final boolean hasSelf;
    private final long latencyMs;
    private final long seed;

    public ReplayModel(String name, Path personaFile, Path selfFile, long latencyMs) throws IOException {
        this.name = name;
        this.latencyMs = latencyMs;
        this.seed = SimHash.of(20261126, name);
        java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
        String main = instrumentOf(personaFile);
        boolean mfq = Instruments.isDefault(main);
        for (ReferenceCsv.Row r : mfq ? ReferenceCsv.read(personaFile) : ReferenceCsv.readRatings(personaFile)) {
            if (r.personaId() < 0 && mfq) throw new IOException(personaFile + ": not a persona file (no persona_id)");
            add(main, r, personaFile);
            if (r.personaId() >= 0) ids.add(r.personaId());
        }
        if (cells.isEmpty() && self.isEmpty()) throw new IOException(personaFile + ": no rows");
        if (mfq) {
            for (String other : Instruments.names()) {
                if (Instruments.isDefault(other)) continue;
                Path f = FileMetrics.siblingOf(personaFile, "_" + other);
                if (f == null && Instruments.SELF_PROBE.equals(other)) f = FileMetrics.siblingOf(personaFile, "_probe");
                if (f == null) continue;
                for (ReferenceCsv.Row r : ReferenceCsv.readRatings(f)) {
                    add(other, r, f);
                    if (r.personaId() >= 0) ids.add(r.personaId());
                }
            }
        }
        personaIds = ids.stream().mapToInt(Integer::intValue).toArray();
        hasSelf = mfq && selfFile != null && Files.isRegularFile(selfFile);
        if (hasSelf) for (ReferenceCsv.Row r : ReferenceCsv.read(selfFile)) self.computeIfAbsent(main, k -> new HashMap<>()).computeIfAbsent(r.questionId(), k -> new ArrayList<>()).add(r);
    }

    private void add(String instrument, ReferenceCsv.Row r, Path file) throws IOException {
        Instrument in = Instruments.get(instrument);
        if (r.questionId() < 1 || r.questionId() > in.size()) {
            throw new IOException(file.getFileName() + ": question_id " + r.questionId() + " is not an item of " + instrument + " (1.." + in.size() + ")");
        }
        if (r.personaId() >= 0) cells.computeIfAbsent(instrument, k -> new HashMap<>()).computeIfAbsent(key(r.personaId(), r.questionId()), k -> new ArrayList<>()).add(r);
        else self.computeIfAbsent(instrument, k -> new HashMap<>()).computeIfAbsent(r.questionId(), k -> new ArrayList<>()).add(r);
    }

    /** The instrument a file answers by its name: NAME_<instrument>.csv (NAME_probe.csv: the self-assessment probe), else MFQ-30. */
    static String instrumentOf(Path file) {
        String n = file.getFileName().toString();
        if (n.endsWith("_probe.csv")) return Instruments.SELF_PROBE;
        for (String i : Instruments.names()) {
            if (!Instruments.isDefault(i) && n.endsWith("_" + i + ".csv")) return i;
        }
        return Instruments.DEFAULT;
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
        if (personaIds.length == 0) return -1;
        return personaIds[(int) Math.floorMod(SimHash.of(11, system), (long) personaIds.length)];
    }

    /** The published rows for this prompt: the persona's cell, or the self file's item without a persona. */
    List<ReferenceCsv.Row> rows(String system, String user) {
        SimulatedModel.AskedItem asked = SimulatedModel.findAsked(user);
        if (asked == null) throw new IllegalArgumentException("replay model " + name + " answers items of " + served() + " only");
        String instrument = asked.instrument().name();
        int item = asked.item().id();
        if (system == null || system.isBlank()) {
            Map<Integer, List<ReferenceCsv.Row>> rows = self.get(instrument);
            if (rows == null) {
                throw new IllegalArgumentException("replay model " + name + " has no " + (asked.mfq() ? "_self" : instrument + " rows without persona")
                        + " file: it cannot answer " + instrument + " without a persona");
            }
            return rows.getOrDefault(item, List.of());
        }
        Map<Long, List<ReferenceCsv.Row>> rows = cells.get(instrument);
        if (rows == null) throw new IllegalArgumentException("replay model " + name + " has no " + instrument + " persona rows; it answers " + served());
        return rows.getOrDefault(key(personaOf(system), item), List.of());
    }

    /** The instruments this model's files answer. */
    java.util.Set<String> served() {
        java.util.TreeSet<String> s = new java.util.TreeSet<>(cells.keySet());
        s.addAll(self.keySet());
        return s;
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
