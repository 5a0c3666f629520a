package dev.pmc.core.instruments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads and validates instrument files (JSON; the format is in docs/INSTRUMENTS.md), and finds them: the built-in
 * ones on the class path ({@code pmc/instruments/NAME.json}: mfq30, bfi44) and any {@code *.json} in a directory
 * (which may add instruments or replace a built-in one). Every problem of a file is reported at once, each naming
 * its field ({@code bfi44.json: items[3].group 'extraversionn' is not one of [agreeableness, ...]}).
 */
public final class InstrumentFile {
    public static final List<String> BUILT_IN = List.of("mfq30", "bfi44", "self-probe");
    /** Instrument names: a Prometheus label value and a file name. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Set<String> FIELDS = Set.of("name", "title", "scale", "groupKind", "groups", "kinds", "answer", "items");
    private static final int MAX_ITEMS = 200, MAX_TEXT = 2000, MAX_FILE_BYTES = 1 << 20;

    private InstrumentFile() {
    }

    /** A built-in instrument by name (mfq30, bfi44). */
    public static Instrument builtIn(String name) {
        if (!BUILT_IN.contains(name)) throw new IllegalArgumentException("no built-in instrument '" + name + "'; built in: " + BUILT_IN);
        try (InputStream in = InstrumentFile.class.getResourceAsStream("/pmc/instruments/" + name + ".json")) {
            if (in == null) throw new IllegalStateException("missing resource pmc/instruments/" + name + ".json");
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), name + ".json");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The built-in instruments, then every {@code *.json} of {@code dir} (null: none), by name; a file replaces a built-in. */
    public static Map<String, Instrument> all(Path dir) throws IOException {
        Map<String, Instrument> out = new TreeMap<>();
        for (String n : BUILT_IN) out.put(n, builtIn(n));
        if (dir == null) return out;
        if (!Files.isDirectory(dir)) throw new InvalidInstrumentException(List.of(dir + ": not a directory of instrument files"));
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                Instrument i = read(f);
                String expected = f.getFileName().toString().replaceFirst("\\.json$", "");
                if (!i.name().equals(expected)) throw new InvalidInstrumentException(List.of(f.getFileName() + ": name '" + i.name() + "' must equal the file name (" + expected + ")"));
                out.put(i.name(), i);
            }
        }
        return out;
    }

    public static Instrument read(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) throw new InvalidInstrumentException(List.of(file.getFileName() + ": larger than " + MAX_FILE_BYTES + " bytes"));
        return parse(Files.readString(file), file.getFileName().toString());
    }

    /** Parses and validates one instrument; throws {@link InvalidInstrumentException} listing every problem. */
    public static Instrument parse(String json, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new InvalidInstrumentException(List.of(source + ": not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage())));
        }
        List<String> p = new ArrayList<>();
        String at = source + ": ";
        if (root == null || !root.isObject()) throw new InvalidInstrumentException(List.of(at + "must be a JSON object"));
        root.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) p.add(at + f + ": unknown field (known: " + new java.util.TreeSet<>(FIELDS) + ")");
        });
        String name = text(root, "name", p, at);
        if (name != null && !NAME.matcher(name).matches()) p.add(at + "name '" + name + "' must be lower-case letters, digits, '-' or '_' (at most 32)");
        String title = root.path("title").asText(name);
        int min = root.path("scale").path("min").asInt(Integer.MIN_VALUE), max = root.path("scale").path("max").asInt(Integer.MIN_VALUE);
        if (!root.path("scale").path("min").isInt() || !root.path("scale").path("max").isInt()) p.add(at + "scale needs integer min and max, e.g. {\"min\": 1, \"max\": 5}");
        else if (min < 0 || max > 9 || min >= max) p.add(at + "scale must satisfy 0 <= min < max <= 9 (single-digit answers), was " + min + ".." + max);
        String groupKind = root.path("groupKind").asText("group");
        List<Instrument.Group> groups = new ArrayList<>();
        Set<String> groupKeys = new HashSet<>();
        JsonNode gs = root.path("groups");
        if (!gs.isArray() || gs.isEmpty()) p.add(at + "groups must be a non-empty array of {\"key\", \"label\"}");
        for (int i = 0; i < gs.size(); i++) {
            String key = gs.get(i).path("key").asText(null);
            if (key == null || !KEY.matcher(key).matches()) p.add(at + "groups[" + i + "].key must be lower-case letters, digits, '-' or '_', was " + key);
            else if (!groupKeys.add(key)) p.add(at + "groups[" + i + "].key '" + key + "' is repeated");
            else if (key.equals("all")) p.add(at + "groups[" + i + "].key 'all' is reserved (every item)");
            groups.add(new Instrument.Group(key, gs.get(i).path("label").asText(key)));
        }
        Map<String, Instrument.Kind> kinds = new LinkedHashMap<>();
        JsonNode ks = root.path("kinds");
        if (!ks.isObject() || ks.isEmpty()) p.add(at + "kinds must be an object of item kinds, each {\"intro\", \"anchors\", \"itemPrefix\"}");
        ks.fields().forEachRemaining(e -> {
            String k = e.getKey();
            JsonNode v = e.getValue();
            String intro = v.path("intro").asText("");
            if (intro.isBlank()) p.add(at + "kinds." + k + ".intro is required");
            List<String> anchors = new ArrayList<>();
            v.path("anchors").forEach(a -> anchors.add(a.asText()));
            if (max > min && anchors.size() != max - min + 1) {
                p.add(at + "kinds." + k + ".anchors needs " + (max - min + 1) + " anchors (one per rating " + min + ".." + max + "), has " + anchors.size());
            }
            if (anchors.stream().anyMatch(String::isBlank)) p.add(at + "kinds." + k + ".anchors must not be blank");
            kinds.put(k, new Instrument.Kind(intro, anchors, v.path("itemPrefix").asText("")));
        });
        String answer = text(root, "answer", p, at);
        if (answer != null && max > min && !answer.contains(Integer.toString(min)) && !answer.contains(Integer.toString(max))) {
            p.add(at + "answer should name the scale (" + min + " to " + max + "), was '" + answer + "'");
        }
        List<Instrument.Item> items = new ArrayList<>();
        JsonNode is = root.path("items");
        if (!is.isArray() || is.isEmpty()) p.add(at + "items must be a non-empty array");
        else if (is.size() > MAX_ITEMS) p.add(at + "items: at most " + MAX_ITEMS + ", has " + is.size());
        Set<String> usedGroups = new HashSet<>();
        for (int i = 0; i < is.size() && i < MAX_ITEMS; i++) {
            JsonNode it = is.get(i);
            String w = at + "items[" + i + "]";
            int id = it.path("id").asInt(-1);
            if (id != i + 1) p.add(w + ".id must be " + (i + 1) + " (items are numbered 1..N in order), was " + it.path("id"));
            String kind = it.path("kind").asText(null);
            if (kind == null || !kinds.containsKey(kind)) p.add(w + ".kind '" + kind + "' is not one of " + kinds.keySet());
            String group = it.path("group").asText(null);
            if (group == null || !groupKeys.contains(group)) p.add(w + ".group '" + group + "' is not one of " + groupKeys.stream().sorted().toList());
            else usedGroups.add(group);
            String text = it.path("text").asText("");
            if (text.isBlank() || text.length() > MAX_TEXT) p.add(w + ".text must be 1-" + MAX_TEXT + " characters");
            if (it.has("reverse") && !it.path("reverse").isBoolean()) p.add(w + ".reverse must be true or false");
            items.add(new Instrument.Item(id, kind, group, it.path("reverse").asBoolean(false), text));
        }
        for (String g : groupKeys) if (is.isArray() && !is.isEmpty() && !usedGroups.contains(g)) p.add(at + "group '" + g + "' has no items");
        for (String k : usedGroups) if (is.isArray() && new Instrument(name, title, min, max, groupKind, groups, kinds, answer, items).itemsOf(k).length < 2) {
            p.add(at + "group '" + k + "' needs at least 2 items (its S and R are means over items)");
        }
        if (!p.isEmpty()) throw new InvalidInstrumentException(p);
        return new Instrument(name, title, min, max, groupKind, groups, kinds, answer, items);
    }

    private static String text(JsonNode root, String field, List<String> p, String at) {
        JsonNode n = root.path(field);
        if (!n.isTextual() || n.asText().isBlank()) {
            p.add(at + field + " is required");
            return null;
        }
        return n.asText();
    }
}
