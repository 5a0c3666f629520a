package dev.pmc.cli;

import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.instruments.Instruments;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Follows submitted runs through the aggregator's REST view and renders one progress line per run. */
final class RunWatch {
    /** A submitted run. scored = slots the aggregator has settled (valid, or failed at the last attempt). */
    static final class Tracked {
        final String target, runId;
        /** The run's slots; a sequential run that stops at a stage shrinks to that stage's. */
        long slots;
        /** A sequential run's latest stage decision, as text (null otherwise). */
        String sequential;
        long scored, valid;
        int personas;
        double s = Double.NaN, r = Double.NaN, u = Double.NaN;
        boolean self;
        double ceiling = Double.NaN;
        double seconds = Double.NaN;
        /** Another instrument's reading of this run (null until the aggregator has it): its "all" group, or the probe's claim. */
        String instrument;
        double claim = Double.NaN, claimSe = Double.NaN;
        String selfReport;
        boolean instrumentRead;

        Tracked(String target, String runId, long slots, boolean self) {
            this.target = target;
            this.runId = runId;
            this.slots = slots;
            this.self = self;
        }

        /** The generator's state of the run (queued, running, completed, failed, cancelled). */
        String state = "queued";

        boolean done() {
            return scored >= slots || "cancelled".equals(state);
        }
    }

    /** How long the stack may not answer before a watch gives up (the stack is gone, or was stopped). */
    static final long UNREACHABLE_MS = 15_000;
    private long unreachableSince;

    private final String aggregatorUrl;
    private String generatorUrl;
    private final List<Tracked> runs = new ArrayList<>();
    private int linesDrawn;

    RunWatch(String aggregatorUrl) {
        this.aggregatorUrl = aggregatorUrl;
    }

    /** Submits a run to the prompt-generator and starts tracking it. */
    Tracked submit(String generatorUrl, String requestJson) throws IOException {
        this.generatorUrl = generatorUrl;
        Http.Reply reply = Http.postJson(generatorUrl + "/api/v1/runs", requestJson);
        if (reply.status() != 202) throw new IllegalStateException("run refused (HTTP " + reply.status() + "): " + reply.body());
        JsonNode j = reply.json();
        Tracked t = new Tracked(j.get("target").asText(), j.get("runId").asText(), j.get("slots").asLong(),
                "self".equals(j.get("personaSet").asText()));
        t.instrument = j.path("instrument").asText(null);
        runs.add(t);
        return t;
    }

    /** Starts tracking every run the prompt-generator knows that is not tracked yet (e.g. scheduled ones). */
    void adopt(String generatorUrl) {
        this.generatorUrl = generatorUrl;
        try {
            Http.Reply r = Http.get(generatorUrl + "/api/v1/runs?limit=100");
            if (r.status() != 200) return;
            List<JsonNode> found = new ArrayList<>();
            r.json().path("runs").forEach(found::add);
            java.util.Collections.reverse(found); // oldest first
            for (JsonNode j : found) {
                String id = j.get("runId").asText();
                String state = j.path("state").asText();
                if (runs.stream().anyMatch(t -> t.runId.equals(id)) || "failed".equals(state) || "cancelled".equals(state)) continue;
                Tracked t = new Tracked(j.get("target").asText(), id, j.get("slots").asLong(), "self".equals(j.path("personaSet").asText()));
                t.instrument = j.path("instrument").asText(null);
                runs.add(t);
            }
        } catch (IOException e) {
            // generator busy: next time
        }
    }

    List<Tracked> runs() {
        return runs;
    }

    boolean allDone() {
        return runs.stream().allMatch(Tracked::done);
    }

    /**
     * Refreshes every run; throws when the prompt-generator reports that a run failed, or when the stack has not
     * answered for {@link #UNREACHABLE_MS} (instead of waiting forever for a stack that is gone).
     */
    void poll() {
        boolean answered = false, asked = false;
        for (Tracked t : runs) {
            try {
                if (!t.done() && generatorUrl != null) {
                    asked = true;
                    JsonNode g = Http.get(generatorUrl + "/api/v1/runs/" + t.runId).json();
                    t.state = g.path("state").asText(t.state);
                    t.slots = g.path("slots").asLong(t.slots);
                    if (g.path("sequential").isObject()) t.sequential = stageLine(g.path("sequential"));
                    if ("failed".equals(t.state)) {
                        throw new IllegalStateException("run " + t.runId + " of " + t.target + " failed in the prompt-generator: "
                                + g.path("error").asText());
                    }
                }
                asked = true;
                Http.Reply reply = Http.get(aggregatorUrl + "/api/v1/targets/" + t.target + "/metrics");
                answered = true;
                if (reply.status() != 200) continue;
                JsonNode j = reply.json();
                for (JsonNode run : j.path("runs")) {
                    if (!t.runId.equals(run.path("runId").asText())) continue;
                    t.scored = run.path("settledSlots").asLong();
                    t.valid = run.path("validRatings").asLong();
                    t.personas = run.path("personasCounted").asInt();
                    // the run's own reading (a sequential run's is its stopping stage's), even when a later run is the target's latest
                    if (run.path("susceptibility").isNumber()) t.s = run.path("susceptibility").asDouble();
                    if (run.path("robustness").isNumber()) t.r = run.path("robustness").asDouble();
                    JsonNode d = run.path("sequential");
                    if (d.isObject() && "stop".equals(d.path("action").asText()) && d.path("susceptibility").isNumber()) {
                        t.s = d.path("susceptibility").asDouble();
                        t.r = d.path("robustness").asDouble(t.r);
                    }
                }
                if (t.runId.equals(j.path("runId").asText())) {
                    t.s = j.path("susceptibility").asDouble(Double.NaN);
                    t.r = j.path("robustness").asDouble(Double.NaN);
                    t.u = j.path("withinSd").asDouble(Double.NaN);
                }
                for (JsonNode in : j.path("instruments")) {
                    if (!t.runId.equals(in.path("runId").asText())) continue;
                    t.instrument = in.path("instrument").asText();
                    t.instrumentRead = true;
                    t.personas = in.path("personas").asInt(t.personas);
                    for (JsonNode g : in.path("groups")) {
                        if (!"all".equals(g.path("group").asText())) continue;
                        t.s = g.path("susceptibility").asDouble(Double.NaN);
                        t.r = g.path("robustness").asDouble(Double.NaN);
                        t.u = g.path("withinSd").asDouble(Double.NaN);
                    }
                    t.claim = in.path("claim").asDouble(Double.NaN);
                    t.claimSe = in.path("claimSe").asDouble(Double.NaN);
                    t.selfReport = in.path("selfReport").asText(null);
                }
                if (j.path("self").path("runId").asText().equals(t.runId)) t.ceiling = j.path("self").path("ceilingShare").asDouble(Double.NaN);
            } catch (IOException e) {
                // a service restarting: keep the last reading, unless the stack stays silent
            }
        }
        if (!asked || answered) {
            unreachableSince = 0;
        } else if (unreachableSince == 0) {
            unreachableSince = System.currentTimeMillis();
        } else if (System.currentTimeMillis() - unreachableSince > UNREACHABLE_MS) {
            throw new IllegalStateException("the stack does not answer (" + aggregatorUrl + " and " + generatorUrl + " unreachable for "
                    + UNREACHABLE_MS / 1000 + " s): is it down? bin/pmc status tells");
        }
    }

    /** A sequential run's progress: stage read, calls and USD spent, S and R with SEs, the score intervals, the decision. */
    static String stageLine(JsonNode d) {
        String decision = "stop".equals(d.path("action").asText())
                ? "-> " + d.path("verdict").asText() + (d.hasNonNull("kind") ? "/" + d.path("kind").asText() : "")
                : "-> next stage";
        if (!d.hasNonNull("susceptibility")) return String.format(Locale.ROOT, "stage %s: %d calls, no baseline in this design %s",
                d.path("design").asText(), d.path("calls").asLong(), decision);
        return String.format(Locale.ROOT, "stage %s: %d calls $%.2f S=%.3f±%.3f R=%.2f±%.2f dispersion [%.2f, %.2f] saturation [%.2f, %.2f] %s",
                d.path("design").asText(), d.path("calls").asLong(), d.path("costUsd").asDouble(0), d.path("susceptibility").asDouble(Double.NaN),
                d.path("susceptibilitySe").asDouble(Double.NaN), d.path("robustness").asDouble(Double.NaN), d.path("robustnessSe").asDouble(Double.NaN),
                d.path("dispersionLow").asDouble(Double.NaN), d.path("dispersionHigh").asDouble(Double.NaN),
                d.path("saturationLow").asDouble(Double.NaN), d.path("saturationHigh").asDouble(Double.NaN), decision);
    }

    static String line(Tracked t) {
        int width = 24;
        int filled = (int) Math.min(width, t.slots == 0 ? width : t.scored * width / t.slots);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        boolean other = t.instrument != null && !Instruments.isDefault(t.instrument);
        String tail = other && t.self
                ? String.format(Locale.ROOT, "%s: claim=%.2f", t.instrument, t.claim)
                : t.self ? String.format(Locale.ROOT, "self: share of 5s=%.2f", t.ceiling)
                : String.format(Locale.ROOT, "S=%.3f R=%.2f personas=%d", t.s, t.r, t.personas) + (other ? " (" + t.instrument + ")" : "");
        return String.format(Locale.ROOT, "%-14s %s [%s] %6d/%-6d %3d%%  %s", t.target, t.self ? "self   " : "persona", bar,
                t.scored, t.slots, t.slots == 0 ? 100 : t.scored * 100 / t.slots, tail) + (t.sequential == null ? "" : "\n    " + t.sequential);
    }

    /** Redraws the block in place on a terminal; elsewhere prints it when {@code force}. */
    void render(PrintStream out, boolean tty, boolean force) {
        if (tty) {
            if (linesDrawn > 0) out.print("\033[" + linesDrawn + "A");
            int lines = 0;
            for (Tracked t : runs) {
                String l = line(t);
                out.print("\r\033[2K" + l.replace("\n", "\n\033[2K") + "\n");
                lines += 1 + (int) l.chars().filter(c -> c == '\n').count();
            }
            linesDrawn = lines;
            out.flush();
        } else if (force) {
            for (Tracked t : runs) out.println(line(t));
            out.flush();
        }
    }

    /**
     * Polls every {@code intervalMs} until every run is complete, redrawing the progress block on a terminal
     * (elsewhere printing it every 10 s) and calling {@code check} each round (it may throw to stop).
     */
    void follow(PrintStream out, boolean tty, long intervalMs, Runnable check) throws InterruptedException {
        long lastPrint = 0;
        while (!allDone()) {
            Thread.sleep(intervalMs);
            poll();
            boolean force = System.currentTimeMillis() - lastPrint > 10_000;
            if (force) lastPrint = System.currentTimeMillis();
            render(out, tty, force);
            check.run();
        }
        poll();
        render(out, tty, true);
    }

    static String runRequest(String target, String personas, int n, Double temperature) {
        return runRequest(target, personas, Integer.valueOf(n), temperature, null);
    }

    /** A run request; null fields are left out, so the target's definition supplies them. */
    static String runRequest(String target, String personas, Integer n, Double temperature, String mode) {
        return runRequest(target, personas, n, temperature, mode, null);
    }

    /** A run request of an instrument (null: the target's MFQ-30 reading). */
    static String runRequest(String target, String personas, Integer n, Double temperature, String mode, String instrument) {
        StringBuilder sb = new StringBuilder("{\"target\":").append(json(target));
        if (n != null) sb.append(",\"n\":").append(n);
        if (personas != null && personas.endsWith(".json")) {
            // read here and sent inline: the server never reads a path a client names
            List<String> texts = PersonaCatalog.fromFile(java.nio.file.Path.of(personas));
            sb.append(",\"personas\":\"file\",\"personaTexts\":").append(EventCodec.encode(texts));
        } else if (personas != null) {
            sb.append(",\"personas\":").append(json(personas));
        }
        if (temperature != null) sb.append(",\"temperature\":").append(temperature);
        if (mode != null) sb.append(",\"mode\":").append(json(mode));
        if (instrument != null) sb.append(",\"instrument\":").append(json(instrument));
        return sb.append('}').toString();
    }

    private static String json(String s) {
        return EventCodec.encode(s);
    }
}
