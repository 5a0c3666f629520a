package dev.pmc.generator;

import dev.pmc.core.PersonaCatalog;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Validates a run request against the configured targets and resolves its persona list. */
final class RunPlanner {
    static final int MAX_N = 64;
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'");

    /** topLogprobs is set in logprob mode (one call per cell, max_tokens 1). */
    record Plan(String target, String personaSet, List<String> personas, int n, double temperature, int maxTokens,
                Integer topLogprobs) {
        boolean self() {
            return personas == null;
        }

        String mode() {
            return topLogprobs == null ? "sampling" : "logprob";
        }
    }

    /** Top log-probabilities asked for in logprob mode (the reference protocol uses 20). */
    static final int TOP_LOGPROBS = 20;

    private RunPlanner() {
    }

    /** A run of a registered target; fields the request leaves out come from the target's definition. */
    static Plan plan(RunRequest r, TargetRegistry registry) {
        if (r == null) throw new BadRequestException("missing JSON body: {\"target\": \"...\", \"personas\": \"default\", \"n\": 10}");
        if (r.target() == null || r.target().isBlank()) throw new BadRequestException("field 'target' is required; known targets: " + registry.names());
        dev.pmc.core.targets.TargetConfig target = registry.get(r.target()).orElseThrow(
                () -> new BadRequestException("unknown target '" + r.target() + "'; known targets: " + registry.names()));
        String mode = r.mode() == null ? target.mode() : r.mode();
        if (!dev.pmc.core.targets.TargetConfig.MODES.contains(mode)) throw new BadRequestException("field 'mode' must be sampling or logprob, was '" + mode + "'");
        if ("logprob".equals(mode) && !"openai".equals(target.provider())) {
            throw new BadRequestException("field 'mode': logprob needs an openai-compatible target; " + target.name() + " is " + target.provider());
        }
        boolean logprob = "logprob".equals(mode);
        int n = r.n() == null ? (logprob ? 1 : target.n()) : r.n();
        if (n < 1 || n > MAX_N) throw new BadRequestException("field 'n' must be 1.." + MAX_N + ", was " + n);
        if (logprob && n != 1) throw new BadRequestException("field 'n' must be 1 in logprob mode (the distribution replaces samples), was " + n);
        double t = r.temperature() == null ? target.temperature() : r.temperature();
        if (!(t >= 0 && t <= 2)) throw new BadRequestException("field 'temperature' must be within 0..2, was " + t);
        String set = r.personas() == null ? target.personas() : r.personas();
        List<String> personas = switch (set) {
            case "default" -> PersonaCatalog.defaultSet();
            case "toxic" -> PersonaCatalog.toxicSet();
            case "self" -> null;
            case "file" -> fromFile(r);
            default -> throw new BadRequestException("field 'personas' must be one of default, toxic, self, file; was '" + set + "'");
        };
        return new Plan(r.target(), set, personas, n, t, logprob ? 1 : target.maxTokens(), logprob ? TOP_LOGPROBS : null);
    }

    private static List<String> fromFile(RunRequest r) {
        try {
            if (r.personaTexts() != null) return PersonaCatalog.fromJson(dev.pmc.core.events.EventCodec.encode(r.personaTexts()));
            if (r.personaFile() == null || r.personaFile().isBlank()) {
                throw new BadRequestException("personas 'file' needs 'personaFile' (a JSON array of strings) or 'personaTexts'");
            }
            return PersonaCatalog.fromFile(Path.of(r.personaFile()));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
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
