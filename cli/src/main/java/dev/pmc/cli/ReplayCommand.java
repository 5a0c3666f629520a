package dev.pmc.cli;

import dev.pmc.core.events.KafkaClients;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.core.Foundation;
import dev.pmc.core.Topics;
import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.ResponseEvent;
import dev.pmc.core.events.SlotId;
import dev.pmc.core.io.FileMetrics;
import dev.pmc.core.io.ReferenceCsv;
import dev.pmc.core.metrics.Comparison;
import dev.pmc.core.metrics.DistributionSignals;
import dev.pmc.core.metrics.Estimate;
import dev.pmc.core.Names;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pmc replay [--target NAME] [--baseline NAME] FILE...}: publishes every row's raw {@code response} of
 * reference-format CSVs as a response event (slot from persona_id, question_id, run_index) into the running
 * stack, so the response-scorer parses it and the aggregator counts it exactly as live traffic; waits until
 * every row is settled and the bootstrap SEs cover all of them; prints the aggregator's metrics in the
 * {@code pmc metrics} CSV format, then self profiles and verdicts when there are any.
 */
@Command(name = "replay",
        description = {"Publish the raw replies of rating files into the running stack and print what it counted.",
                "Waits until every row is counted, then prints the aggregator's metrics (and verdicts against --baseline)."})
final class ReplayCommand extends Main.PmcCommand {
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'");

    @Option(names = "--target", paramLabel = "NAME", description = "the target the file's ratings count for (one persona file)")
    String target;
    @Option(names = "--baseline", paramLabel = "NAME", description = "the target the others are compared with")
    String baseline;
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "reference-format CSV files (NAME_self.csv: self ratings)")
    List<String> paths = new ArrayList<>();

    record Replayed(Path file, String target, String runId, boolean self, long rows) {
    }

    @Override
    int run() throws Exception {
        JsonNode d = RunCommand.descriptor();
        return replay(d.path("kafka").asText(), d.path("urls").path("prompt-generator").asText(), d.path("urls").path("metrics-aggregator").asText());
    }

    /** For tests with a stack of their own: the arguments read as bin/pmc reads them, then the replay into that stack. */
    static int replay(List<String> args, String bootstrap, String generatorUrl, String aggregatorUrl, PrintStream out, PrintStream err) throws Exception {
        ReplayCommand c = new ReplayCommand();
        new CommandLine(c).parseArgs(args.toArray(String[]::new));
        c.streams(System.in, out, err);
        return c.replay(bootstrap, generatorUrl, aggregatorUrl);
    }

    int replay(String bootstrap, String generatorUrl, String aggregatorUrl) throws Exception {
        List<Path> files = new ArrayList<>();
        for (String a : paths) {
            if (!Files.isRegularFile(Path.of(a))) throw new Main.UsageException("no such file: " + a);
            files.add(Path.of(a));
        }
        if (files.isEmpty()) throw new Main.UsageException("give one or more reference-format CSV files");
        long personaFiles = files.stream().filter(f -> !isSelf(f)).count();
        if (target != null && personaFiles > 1) throw new Main.UsageException("--target names one target: give one persona file (and its _self file)");

        // the stages keep meters and state for registered targets only: register the replayed ones (as simulated targets)
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        if (baseline != null) names.add(baseline);
        for (Path f : files) names.add(target != null ? target : ReferenceCsv.modelName(f).replaceFirst("_self$", ""));
        for (String name : names) register(generatorUrl, aggregatorUrl, name, err);
        List<Replayed> replayed = new ArrayList<>();
        try (var producer = new KafkaProducer<String, String>(KafkaClients.config(bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.BATCH_SIZE_CONFIG, 131072), new StringSerializer(), new StringSerializer())) {
            int k = 0;
            for (Path f : files) {
                boolean self = isSelf(f);
                String t = target != null ? target : ReferenceCsv.modelName(f).replaceFirst("_self$", "");
                String runId = ZonedDateTime.now(ZoneOffset.UTC).format(RUN_TIME) + "-replay" + (k++);
                List<ReferenceCsv.Row> rows = ReferenceCsv.read(f);
                for (ReferenceCsv.Row r : rows) {
                    SlotId slot = new SlotId(runId, t, self ? "self" : Integer.toString(r.personaId()), r.questionId(), r.runIndex());
                    ResponseEvent e = new ResponseEvent(ResponseEvent.VERSION, slot, r.failures() + 1, t, r.response(), null, 0,
                            System.currentTimeMillis(), null);
                    producer.send(new ProducerRecord<>(Topics.RESPONSES, slot.kafkaKey(), EventCodec.encode(e)));
                }
                producer.flush();
                err.printf("replayed %s: %d rows as %s run %s of target %s%n", f.getFileName(), rows.size(), self ? "self" : "persona", runId, t);
                replayed.add(new Replayed(f, t, runId, self, rows.size()));
                Thread.sleep(2); // distinct, ordered run ids
            }
        }
        if (baseline != null) {
            for (Replayed r : replayed) {
                if (r.self() || r.target().equals(baseline)) continue;
                Http.Reply reply = Http.putJson(aggregatorUrl + "/api/v1/targets/" + r.target() + "/baseline",
                        "{\"baseline\":" + EventCodec.encode(baseline) + "}");
                if (reply.status() != 200) throw new IllegalStateException("setting the baseline failed: " + reply.body());
            }
        }
        Map<String, JsonNode> finalMetrics = awaitCounted(aggregatorUrl, replayed, err);
        out.println(FileMetrics.HEADER);
        Comparison.Thresholds band = Comparison.Thresholds.DEFAULT;
        for (Replayed r : replayed) {
            if (r.self()) continue;
            JsonNode m = finalMetrics.get(r.target());
            Estimate e = new Estimate(dbl(m, "susceptibility"), dbl(m, "robustness"), dbl(m, "withinSd"),
                    dbl(m, "susceptibilitySe"), dbl(m, "robustnessSe"), dbl(m, "withinSdSe"));
            // the metrics format's verdict is the band's, whatever baseline the target has (like the offline command)
            String bandVerdict = Comparison.bandVerdict(m.path("personas").asInt(), e.susceptibility(), e.robustness(), band).wire();
            out.println(FileMetrics.csvLine(r.file().getFileName().toString(), r.target(), m.path("personas").asInt(),
                    m.path("questions").asInt(), e, signals(m.path("signals")), bandVerdict));
        }
        if (replayed.stream().anyMatch(Replayed::self)) {
            out.println(FileMetrics.SELF_HEADER);
            for (Replayed r : replayed) {
                if (!r.self()) continue;
                JsonNode s = finalMetrics.get(r.target()).path("self");
                Map<Foundation, Double> means = new java.util.EnumMap<>(Foundation.class), ses = new java.util.EnumMap<>(Foundation.class);
                for (Foundation f : Foundation.values()) {
                    means.put(f, dbl(s.path("foundationMean"), f.key));
                    ses.put(f, dbl(s.path("foundationMeanSe"), f.key));
                }
                out.println(FileMetrics.selfCsvLine(r.file().getFileName().toString(), r.target(), s.path("ratings").asLong(),
                        dbl(s, "ceilingShare"), means, ses, signals(s.path("signals"))));
            }
        }
        if (baseline != null) {
            out.println(VERDICT_HEADER);
            for (Replayed r : replayed) {
                if (r.self() || r.target().equals(baseline)) continue;
                JsonNode v = finalMetrics.get(r.target()).path("comparison");
                out.println(String.join(",", r.target(), v.path("baseline").asText(), num(v, "deltaSusceptibilityPercent"),
                        num(v, "deltaRobustnessPercent"), num(v, "deltaInverseRobustnessPercent"), num(v, "zSusceptibility"),
                        num(v, "zRobustness"), v.path("outsideBand").asText(), v.path("verdict").asText(),
                        v.path("kind").isTextual() ? v.path("kind").asText() : "", num(v, "collapseScore"), num(v, "dispersionScore"),
                        num(v, "saturationScore"), num(v, "deltaEntropyBits"), num(v, "zEntropy"), num(v, "divergenceBits"),
                        num(v, "divergenceBitsSe"), num(v, "personaFidelity"), num(v, "personaFidelitySe")));
            }
        }
        return 0;
    }

    /** The verdict lines' columns; names as in {@code pmc compare}. */
    static final String VERDICT_HEADER = "target,baseline,delta_s_pct,delta_r_pct,delta_inv_r_pct,z_s,z_r,s_outside_band,verdict,kind,"
            + "collapse_score,dispersion_score,saturation_score,delta_entropy_bits,z_entropy,divergence_bits,divergence_bits_se,"
            + "persona_fidelity,persona_fidelity_se";

    private static DistributionSignals signals(JsonNode s) {
        return new DistributionSignals(dbl(s, "ceilingShare"), dbl(s, "ceilingShareSe"), dbl(s, "floorShare"), dbl(s, "floorShareSe"),
                dbl(s, "entropyBits"), dbl(s, "entropyBitsSe"), dbl(s, "modeShare"), dbl(s, "modeShareSe"));
    }

    /** A number from JSON, where NaN arrives as the string "NaN" (or is missing). */
    private static double dbl(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (v.isNumber()) return v.asDouble();
        if (v.isTextual()) {
            try {
                return Double.parseDouble(v.asText());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** Defines the target in the registry unless it exists, then waits until the aggregator knows it. */
    static void register(String generatorUrl, String aggregatorUrl, String name, PrintStream err) throws Exception {
        if (!Names.isTarget(name)) throw new Main.UsageException("'" + name + "' is not a valid target name (" + Names.TARGET + ")");
        if (Http.get(generatorUrl + "/api/v1/targets/" + name).status() == 404) {
            Http.Reply r = Http.putJson(generatorUrl + "/api/v1/targets/" + name, "{\"model\":" + EventCodec.encode(name) + "}");
            if (r.status() != 200) throw new IllegalStateException("registering target " + name + " failed: " + r.body());
            err.printf("registered target %s%n", name);
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (Http.get(aggregatorUrl + "/api/v1/targets/" + name + "/metrics").status() != 200) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("the aggregator did not learn target " + name + " within 30 s");
            Thread.sleep(200);
        }
    }

    private static boolean isSelf(Path f) {
        return f.getFileName().toString().endsWith("_self.csv");
    }

    private static String num(JsonNode n, String field) {
        return FileMetrics.num(dbl(n, field));
    }

    /** Waits until the aggregator settled every row of every replayed run and computed SEs from all of them. */
    static Map<String, JsonNode> awaitCounted(String aggregatorUrl, List<Replayed> replayed, PrintStream err) throws Exception {
        long deadline = System.currentTimeMillis() + 600_000;
        long lastReport = 0;
        boolean seenDone = false;
        while (true) {
            Map<String, JsonNode> byTarget = new LinkedHashMap<>();
            boolean done = true;
            long settledAll = 0, rowsAll = 0;
            for (Replayed r : replayed) {
                rowsAll += r.rows();
                JsonNode m = byTarget.get(r.target());
                if (m == null) {
                    try {
                        Http.Reply reply = Http.get(aggregatorUrl + "/api/v1/targets/" + r.target() + "/metrics");
                        m = reply.status() == 200 ? reply.json() : null;
                    } catch (IOException e) {
                        m = null;
                    }
                    if (m != null) byTarget.put(r.target(), m);
                }
                long settled = 0;
                if (m != null) {
                    for (JsonNode run : m.path("runs")) if (run.path("runId").asText().equals(r.runId())) settled = run.path("settledSlots").asLong();
                }
                settledAll += settled;
                boolean ok = m != null && settled >= r.rows();
                if (ok && !r.self()) {
                    ok = r.runId().equals(m.path("runId").asText()) && m.path("seRatings").asLong() == m.path("ratingsCounted").asLong()
                            && (m.path("comparison").isMissingNode() || m.path("comparison").isNull() || comparisonSettled(m, byTarget));
                }
                if (ok && r.self()) ok = r.runId().equals(m.path("self").path("runId").asText());
                done &= ok;
            }
            // verdicts combine two targets' readings: take them from a refresh after everything settled
            if (done && seenDone) return byTarget;
            if (done) {
                seenDone = true;
                Thread.sleep(1500);
                continue;
            }
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("replay not counted after 10 minutes (" + settledAll + "/" + rowsAll + ")");
            if (System.currentTimeMillis() - lastReport > 5000) {
                err.printf("waiting for the aggregator: %d/%d rows settled%n", settledAll, rowsAll);
                lastReport = System.currentTimeMillis();
            }
            Thread.sleep(300);
        }
    }

    /** The verdict was computed against the baseline's settled reading (its SEs cover all its ratings). */
    private static boolean comparisonSettled(JsonNode m, Map<String, JsonNode> byTarget) {
        String base = m.path("comparison").path("baseline").asText(null);
        if (base == null || base.equals("null")) return true;
        JsonNode b = byTarget.get(base);
        return b == null || (b.path("seRatings").asLong() == b.path("ratingsCounted").asLong()
                && b.path("runId").asText().equals(m.path("comparison").path("baselineRunId").asText()));
    }
}
