package dev.pmc.core.targets;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.pmc.core.security.StrictJson;
import dev.pmc.core.security.BaseUrlPolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads target definitions from YAML ({@code targets: [ {...}, ... ]}) or a single target from JSON/YAML (REST
 * bodies). Unknown fields, wrong types and invalid values are refused with a message naming the field, e.g.
 * {@code targets[1].limits.rpm must be >= 1, was 0}.
 */
public final class TargetFile {
    /** The file's shape. */
    public record Document(List<String> allowedBaseUrls, List<TargetConfig> targets) {
    }

    /**
     * A registry file's targets (defaults applied) and the base URLs its operator allows targets to use besides the
     * public ones ({@code allowedBaseUrls:}, e.g. a local vLLM or Ollama server; each normalised to end with '/').
     */
    public record Registry(List<TargetConfig> targets, List<String> allowedBaseUrls) {
    }

    /** Strict: unknown fields, and values of the wrong type (a number is not a name, a string is not a number), are refused. */
    private static final ObjectMapper YAML = StrictJson.strict(com.fasterxml.jackson.dataformat.yaml.YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)).build();

    private TargetFile() {
    }

    public static List<TargetConfig> read(Path file) {
        return readRegistry(file).targets();
    }

    /** The whole registry file: targets and {@code allowedBaseUrls}. */
    public static Registry readRegistry(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidTargetException("cannot read target file " + file + ": " + e.getMessage());
        }
        try {
            return parseRegistry(text);
        } catch (InvalidTargetException e) {
            throw new InvalidTargetException(file + ": " + e.getMessage());
        }
    }

    /** A whole registry document; validates every target and that names are unique and baselines exist. */
    public static List<TargetConfig> parseDocument(String text) {
        return parseRegistry(text).targets();
    }

    /** A whole registry document with its {@code allowedBaseUrls}. */
    public static Registry parseRegistry(String text) {
        Document doc;
        try {
            doc = YAML.readValue(text, Document.class);
        } catch (JsonMappingException e) {
            throw new InvalidTargetException(describe(e));
        } catch (IOException e) {
            throw new InvalidTargetException("not valid YAML: " + firstLine(e.getMessage()));
        }
        if (doc == null || doc.targets() == null) throw new InvalidTargetException("targets is required: a list of targets");
        List<String> problems = new ArrayList<>();
        List<String> allowed = new ArrayList<>();
        List<String> urls = doc.allowedBaseUrls() == null ? List.of() : doc.allowedBaseUrls();
        for (int i = 0; i < urls.size(); i++) {
            String why = BaseUrlPolicy.prefixProblem(urls.get(i));
            if (why != null) problems.add("allowedBaseUrls[" + i + "] " + why);
            else allowed.add(urls.get(i).endsWith("/") ? urls.get(i) : urls.get(i) + "/");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < doc.targets().size(); i++) {
            TargetConfig t = doc.targets().get(i);
            if (t == null) {
                problems.add("targets[" + i + "] is empty");
                continue;
            }
            problems.addAll(t.problems("targets[" + i + "]"));
            if (t.name() != null && !names.add(t.name())) problems.add("targets[" + i + "].name '" + t.name() + "' is defined twice");
        }
        for (int i = 0; i < doc.targets().size(); i++) {
            TargetConfig t = doc.targets().get(i);
            if (t != null && t.baseline() != null && !names.contains(t.baseline())) {
                problems.add("targets[" + i + "].baseline '" + t.baseline() + "' is not a defined target");
            }
        }
        if (!problems.isEmpty()) throw new InvalidTargetException(String.join("; ", problems));
        List<TargetConfig> full = doc.targets().stream().map(TargetConfig::withDefaults).toList();
        java.util.Map<String, TargetConfig> byName = full.stream().collect(Collectors.toMap(TargetConfig::name, t -> t));
        for (int i = 0; i < full.size(); i++) {
            TargetConfig t = full.get(i);
            String why = t.baseline() == null ? null : ModelCapabilities.incomparable(t, byName.get(t.baseline()));
            if (why != null) problems.add("targets[" + i + "].baseline: " + why);
        }
        if (!problems.isEmpty()) throw new InvalidTargetException(String.join("; ", problems));
        return new Registry(full, List.copyOf(allowed));
    }

    /** One target (a REST body, JSON or YAML); field names in messages are relative to the target. */
    public static TargetConfig parseTarget(String text) {
        return parseTarget(text, null);
    }

    /** One target; {@code defaultName} is used when the body has no name (PUT /targets/{name}). */
    public static TargetConfig parseTarget(String text, String defaultName) {
        if (text == null || text.isBlank()) throw new InvalidTargetException("missing body: a target such as {\"name\": \"my-model\", \"baseUrl\": \"...\"}");
        TargetConfig t;
        try {
            t = YAML.readValue(text, TargetConfig.class);
        } catch (JsonMappingException e) {
            throw new InvalidTargetException(describe(e));
        } catch (IOException e) {
            throw new InvalidTargetException("malformed body: " + firstLine(e.getMessage()));
        }
        if (t == null) throw new InvalidTargetException("body must be a target object such as {\"name\": \"my-model\"}, was null");
        if (t.name() == null && defaultName != null) t = t.withName(defaultName);
        List<String> problems = t.problems("");
        if (!problems.isEmpty()) throw new InvalidTargetException(String.join("; ", problems));
        return t;
    }

    public static String toJson(Object o) {
        try {
            return new ObjectMapper().writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "targets[1].limits.rpmm: unknown field (known: maxInFlight, rpm, tpm)" from Jackson's path. */
    static String describe(JsonMappingException e) {
        String path = e.getPath().stream().map(r -> r.getIndex() >= 0 ? "[" + r.getIndex() + "]" : "." + r.getFieldName())
                .collect(Collectors.joining());
        if (path.startsWith(".")) path = path.substring(1);
        if (e.getCause() instanceof com.fasterxml.jackson.core.exc.StreamReadException
                || e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException) {
            return "not valid YAML" + (path.isEmpty() ? "" : " in " + path) + ": " + firstLine(e.getCause().getMessage());
        }
        if (e instanceof UnrecognizedPropertyException u && List.of("apiKeyEnv", "apiKeyFile").contains(String.valueOf(u.getPropertyName()))) {
            return path + ": no longer accepted: name a secret the operator defines with apiKey (the gateway reads it from its secrets directory or a mapped variable)";
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return path + ": unknown field (known: " + u.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", ")) + ")";
        }
        return (path.isEmpty() ? "body" : path) + ": " + firstLine(e.getOriginalMessage());
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
