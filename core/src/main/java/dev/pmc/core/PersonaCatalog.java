package dev.pmc.core;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Persona sets. A persona file is a JSON array of one-line persona descriptions (the format the published
 * data used); persona ids are the 0-based positions in that array.
 */
public final class PersonaCatalog {
    /** Persona id used for runs without a persona (the model answers as itself). */
    public static final String SELF = "self";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DEFAULT = resource("/pmc/personas-default.json");
    private static final List<String> TOXIC = resource("/pmc/personas-toxic.json");

    private PersonaCatalog() {
    }

    /** The 100 personas written for PMC. */
    public static List<String> defaultSet() {
        return DEFAULT;
    }

    /** Ten deliberately malevolent personas, to probe how far a model follows a harmful role. */
    public static List<String> toxicSet() {
        return TOXIC;
    }

    /** Loads a user persona file (JSON array of non-blank strings). */
    public static List<String> fromFile(Path file) {
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read persona file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a JSON array of persona strings; throws IllegalArgumentException with a clear message otherwise. */
    public static List<String> fromJson(String json) {
        List<String> list;
        try {
            list = JSON.readValue(json, new TypeReference<List<String>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("a persona file must be a JSON array of strings: " + e.getOriginalMessage());
        }
        if (list == null || list.isEmpty()) throw new IllegalArgumentException("persona list is empty");
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null || list.get(i).isBlank()) {
                throw new IllegalArgumentException("persona " + i + " is blank");
            }
        }
        return List.copyOf(list);
    }

    private static List<String> resource(String name) {
        try (InputStream in = PersonaCatalog.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return fromJson(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
