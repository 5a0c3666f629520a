package dev.pmc.generator;

import dev.pmc.core.PersonaCatalog;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Validates a run request against the configured targets and resolves its persona list. */
final class RunPlanner {
    static final int MAX_N = 64;
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'");

    record Plan(String target, String personaSet, List<String> personas, int n, double temperature) {
        boolean self() {
            return personas == null;
        }
    }

    private RunPlanner() {
    }

    static Plan plan(RunRequest r, Set<String> targets, int defaultN, double defaultTemperature) {
        if (r == null) throw new BadRequestException("missing JSON body: {\"target\": \"...\", \"personas\": \"default\", \"n\": 10}");
        if (r.target() == null || r.target().isBlank()) throw new BadRequestException("field 'target' is required; known targets: " + targets);
        if (!targets.contains(r.target())) throw new BadRequestException("unknown target '" + r.target() + "'; known targets: " + targets);
        int n = r.n() == null ? defaultN : r.n();
        if (n < 1 || n > MAX_N) throw new BadRequestException("field 'n' must be 1.." + MAX_N + ", was " + n);
        double t = r.temperature() == null ? defaultTemperature : r.temperature();
        if (!(t >= 0 && t <= 2)) throw new BadRequestException("field 'temperature' must be within 0..2, was " + t);
        String set = r.personas() == null ? "default" : r.personas();
        List<String> personas = switch (set) {
            case "default" -> PersonaCatalog.defaultSet();
            case "toxic" -> PersonaCatalog.toxicSet();
            case "self" -> null;
            case "file" -> fromFile(r);
            default -> throw new BadRequestException("field 'personas' must be one of default, toxic, self, file; was '" + set + "'");
        };
        return new Plan(r.target(), set, personas, n, t);
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

    static Set<String> parseTargets(String csv) {
        return Set.copyOf(Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }
}
