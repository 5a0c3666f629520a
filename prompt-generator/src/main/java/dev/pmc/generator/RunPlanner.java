package dev.pmc.generator;

import dev.pmc.core.PersonaCatalog;
import dev.pmc.core.Names;
import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.metrics.SequentialDesign;
import dev.pmc.core.targets.ModelCapabilities;
import dev.pmc.core.targets.TargetConfig;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Validates a run request against the configured targets and resolves its persona list. */
final class RunPlanner {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RunPlanner.class);

    static final int MAX_N = 64;
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'");

    /** topLogprobs is set in logprob mode (one call per cell, max_tokens 1). */
    record Plan(String target, String personaSet, List<String> personas, int n, double temperature, int maxTokens,
                Integer topLogprobs, boolean sequential, Instrument instrument) {
        boolean self() {
            return personas == null;
        }

        String mode() {
            return sequential ? "sequential" : topLogprobs == null ? "sampling" : "logprob";
        }
    }

    /** Top log-probabilities asked for in logprob mode (the reference protocol uses 20). */
    static final int TOP_LOGPROBS = 20;

    private RunPlanner() {
    }

    /** A run of a registered target; fields the request leaves out come from the target's definition. */
    /** Largest run: personas × 30 × n slots (a paper-scale run is 30,000). */
    static final long MAX_SLOTS = 300_000;
    /** Persona texts per run, and characters per text. */
    static final int MAX_PERSONAS = 1000, MAX_PERSONA_CHARS = 4096;

    static Plan plan(RunRequest r, TargetRegistry registry) {
        return plan(r, registry, null);
    }

    /** @param personasDir the operator's directory of persona files (null: persona files by name are off) */
    static Plan plan(RunRequest r, TargetRegistry registry, java.nio.file.Path personasDir) {
        if (r == null) throw new BadRequestException("missing JSON body: {\"target\": \"...\", \"personas\": \"default\", \"n\": 10}");
        if (r.target() == null || r.target().isBlank()) throw new BadRequestException("field 'target' is required; known targets: " + registry.names());
        if (!Names.isTarget(r.target())) throw new BadRequestException("field 'target' must match " + Names.TARGET + ", was " + Names.quote(r.target()));
        TargetConfig target = registry.get(r.target()).orElseThrow(
                () -> new BadRequestException("unknown target '" + r.target() + "'; known targets: " + registry.names()));
        if (r.instrument() != null && Instruments.find(r.instrument()) == null) {
            throw new BadRequestException("field 'instrument': " + Names.quote(r.instrument()) + " is not a known instrument; known: "
                    + Instruments.names());
        }
        Instrument instrument = Instruments.get(r.instrument());
        boolean mfq = Instruments.isDefault(instrument.name());
        String mode = r.mode() == null ? (mfq ? target.mode() : "sampling") : r.mode();
        if (!TargetConfig.MODES.contains(mode)) throw new BadRequestException("field 'mode' must be sampling, logprob or sequential, was '" + mode + "'");
        if (!mfq && !"sampling".equals(mode)) {
            throw new BadRequestException("field 'mode': " + instrument.name() + " is read by sampling; logprob and sequential readings are MFQ-30's, was '" + mode + "'");
        }
        boolean probe = Instruments.SELF_PROBE.equals(instrument.name());
        if (probe && r.personas() != null && !"self".equals(r.personas())) {
            throw new BadRequestException("field 'personas': the self-assessment probe asks the model about itself, without persona (personas 'self'), was '" + r.personas() + "'");
        }
        // only models that return top_logprobs (OpenAI-compatible chat families, pmc/models/capabilities.json) are read
        // from them: other providers and reasoning models read by sampling instead
        var caps = ModelCapabilities.of(target);
        if (r.temperature() != null && !caps.takesTemperature(r.temperature())) {
            throw new BadRequestException("field 'temperature': " + target.name() + " (family " + caps.family() + ") takes only its default temperature "
                    + caps.fixedTemperature() + "; leave temperature out (was " + r.temperature() + ")");
        }
        boolean fallback = "logprob".equals(mode) && !caps.logprobs();
        if (fallback) {
            if (r.n() != null && r.n() == 1) throw new BadRequestException("field 'mode': " + target.name() + " (" + target.provider()
                    + ", family " + caps.family() + ") has no logprobs, so this run falls back to sampling; n = 1 cannot measure R: leave n out (the target's "
                    + target.n() + ") or give n >= 2");
            mode = "sampling";
        }
        boolean logprob = "logprob".equals(mode);
        int n = r.n() == null ? (logprob ? 1 : target.n()) : r.n();
        if (n < 1 || n > MAX_N) throw new BadRequestException("field 'n' must be 1.." + MAX_N + ", was " + n);
        if (logprob && n != 1) throw new BadRequestException("field 'n' must be 1 in logprob mode (the distribution replaces samples), was " + n);
        double t = r.temperature() == null ? target.temperature() : r.temperature();
        if (!(t >= 0 && t <= 2)) throw new BadRequestException("field 'temperature' must be within 0..2, was " + t);
        String set = probe ? "self" : r.personas() == null ? target.personas() : r.personas();
        List<String> personas = switch (set) {
            case "default" -> PersonaCatalog.defaultSet();
            case "toxic" -> PersonaCatalog.toxicSet();
            case "self" -> null;
            case "file" -> fromFile(r, personasDir);
            default -> throw new BadRequestException("field 'personas' must be one of default, toxic, self, file; was '" + set + "'");
        };
        long slots = (long) (personas == null ? 1 : personas.size()) * instrument.size() * n;
        if (slots > MAX_SLOTS) throw new BadRequestException("a run of " + slots + " slots is larger than " + MAX_SLOTS + " (personas × "
                + instrument.size() + " " + instrument.name() + " items × n)");
        boolean sequential = "sequential".equals(mode);
        if (sequential && (personas == null || !SequentialDesign.supports(personas.size(), n))) {
            throw new BadRequestException("field 'mode': a sequential run reads personas in stages of 2, 4 and n repetitions: it needs"
                    + " at least 4 personas (not self) and n >= 2, was " + (personas == null ? "self" : personas.size() + " personas") + " and n = " + n);
        }
        if (sequential && target.budget() != null && target.budget().calls() != null) {
            long first = SequentialDesign.ladder(personas.size(), n).get(0).calls();
            if (target.budget().calls() < first) throw new BadRequestException("target " + target.name() + ": budget.calls " + target.budget().calls()
                    + " is below the first stage's " + first + " calls: a sequential reading could not start");
        }
        if (fallback) LOG.infof("run of %s: provider %s has no logprobs, reading by sampling (n = %d)", target.name(), target.provider(), n);
        return new Plan(r.target(), set, personas, n, t, logprob ? 1 : target.maxTokens(), logprob ? TOP_LOGPROBS : null, sequential, instrument);
    }

    private static final java.util.regex.Pattern FILE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\.json");

    /** The regular file {@code name} in {@code dir}, its links followed only within it; null otherwise. */
    static Path realFileInside(Path dir, String name) {
        try {
            Path realDir = dir.toRealPath();
            Path file = realDir.resolve(name).normalize();
            if (!file.startsWith(realDir) || !java.nio.file.Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return null;
            Path real = file.toRealPath();
            return real.startsWith(realDir) && java.nio.file.Files.isRegularFile(real) ? real : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * Persona texts given inline ({@code personaTexts}), or a file by name ({@code personaFile}) in the operator's
     * {@code pmc.personas-dir}: never a path, so a request cannot read the server's files.
     */
    private static List<String> fromFile(RunRequest r, Path personasDir) {
        List<String> texts;
        if (r.personaTexts() != null) {
            texts = r.personaTexts();
        } else if (r.personaFile() == null || r.personaFile().isBlank()) {
            throw new BadRequestException("personas 'file' needs 'personaTexts' (a JSON array of strings) or 'personaFile' (a file name in the operator's persona directory)");
        } else if (personasDir == null) {
            throw new BadRequestException("field 'personaFile': persona files are not enabled on this server (pmc.personas-dir); send 'personaTexts'");
        } else if (!FILE_NAME.matcher(r.personaFile()).matches()) {
            throw new BadRequestException("field 'personaFile' must be a file name such as my-personas.json (no path), was " + Names.quote(r.personaFile()));
        } else {
            Path file = realFileInside(personasDir, r.personaFile());
            if (file == null) {
                throw new BadRequestException("field 'personaFile': no persona file " + Names.quote(r.personaFile()) + " in the persona directory");
            }
            try {
                if (java.nio.file.Files.size(file) > (long) MAX_PERSONAS * MAX_PERSONA_CHARS) throw new BadRequestException("field 'personaFile': the file is too large");
                texts = PersonaCatalog.fromFile(file);
            } catch (IllegalArgumentException | java.io.IOException e) {
                // the parser's message may quote the file: say only that it is not a persona list
                throw new BadRequestException("field 'personaFile': not a JSON array of persona texts");
            }
        }
        if (texts.isEmpty() || texts.size() > MAX_PERSONAS) throw new BadRequestException("persona texts: 1.." + MAX_PERSONAS + " needed, got " + texts.size());
        for (String p : texts) {
            if (p == null || p.isBlank() || p.length() > MAX_PERSONA_CHARS) {
                throw new BadRequestException("persona texts must be non-blank and at most " + MAX_PERSONA_CHARS + " characters each");
            }
        }
        return texts;
    }

    /** Time-ordered, unique run id such as 20261123T123000123Z-4f2a. */
    static String newRunId() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(RUN_TIME) + "-"
                + Integer.toHexString(0x10000 + ThreadLocalRandom.current().nextInt(0x10000)).substring(1);
    }

    static java.util.Set<String> parseTargets(String csv) {
        return java.util.Set.copyOf(Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }
}
