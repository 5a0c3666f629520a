package dev.pmc.core.io;

import dev.pmc.core.metrics.PersonaStats;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader of the published rating CSV format (see shared/reference-data/README.md):
 * {@code persona_id,question_id,run_index,rating,failures,response,collected_at}; self files lack persona_id.
 * Fields follow RFC 4180 (quoted fields may hold commas, quotes and newlines).
 */
public final class ReferenceCsv {
    /** One row; personaId is -1 in self files; rating -1 (or an empty field) means no valid rating. */
    public record Row(int personaId, int questionId, int runIndex, int rating, int failures, String response,
                      String collectedAt) {
        public boolean valid() {
            return rating >= 0 && rating <= 5;
        }
    }

    private ReferenceCsv() {
    }

    /** Model name of a reference file: the file name without {@code _tempNN.csv} (or {@code .csv}). */
    public static String modelName(Path file) {
        String name = file.getFileName().toString();
        return name.replaceFirst("_temp\\d+(_self)?\\.csv$", "$1").replaceFirst("\\.csv$", "");
    }

    public static List<Row> read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, file.toString());
        }
    }

    /**
     * Every column, RFC 4180 (quoted fields may hold commas, quotes and newlines), by commons-csv: 4× faster than the
     * tokenizer PMC had here (9.5 ms against 40 ms for the GPT-4o file, best of 15, 2026-12-07) and kept by a library.
     */
    public static List<Row> read(Reader reader, String source) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
        try (CSVParser parser = CSVParser.parse(reader, format)) {
            var records = parser.iterator();
            if (!records.hasNext()) throw new IOException(source + ": empty file");
            List<String> header = records.next().toList();
            Map<String, Integer> col = new HashMap<>();
            for (int i = 0; i < header.size(); i++) col.put(header.get(i).trim(), i);
            for (String need : List.of("question_id", "run_index", "rating")) {
                if (!col.containsKey(need)) throw new IOException(source + ": missing column " + need + " in header " + header);
            }
            Integer persona = col.get("persona_id");
            int q = col.get("question_id"), run = col.get("run_index"), rating = col.get("rating");
            Integer failures = col.get("failures"), response = col.get("response"), at = col.get("collected_at");
            List<Row> rows = new ArrayList<>(32768);
            long line = 1;
            while (true) {
                CSVRecord rec;
                try {
                    if (!records.hasNext()) break;
                    rec = records.next();
                } catch (java.io.UncheckedIOException e) {
                    throw new IOException(source + ": record " + (line + 1) + ": " + e.getCause().getMessage(), e.getCause());
                }
                line++;
                if (rec.size() < header.size()) throw new IOException(source + ": record " + line + " has " + rec.size() + " fields, header has " + header.size());
                try {
                    rows.add(new Row(persona == null ? -1 : whole(rec.get(persona), "persona_id"),
                            whole(rec.get(q), "question_id"), whole(rec.get(run), "run_index"),
                            parseRating(rec.get(rating)), failures == null || rec.get(failures).isBlank() ? 0 : whole(rec.get(failures), "failures"),
                            response == null ? null : rec.get(response), at == null ? null : rec.get(at)));
                } catch (NumberFormatException e) {
                    throw new IOException(source + ": record " + line + ": " + e.getMessage(), e);
                }
            }
            return rows;
        }
    }

    /**
     * Reads only the numeric columns (persona_id, question_id, run_index, rating, failures) straight from the
     * bytes, skipping the text columns: what the metrics need, several times faster than {@link #read(Path)}.
     * Rows carry null response and collected_at.
     */
    public static List<Row> readRatings(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int pos = 0, len = b.length;
        // header
        List<String> header = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        while (pos < len && b[pos] != '\n') {
            if (b[pos] == ',') {
                header.add(sb.toString().trim());
                sb.setLength(0);
            } else if (b[pos] != '\r') {
                sb.append((char) b[pos]);
            }
            pos++;
        }
        header.add(sb.toString().trim());
        pos++;
        int cols = header.size();
        int persona = header.indexOf("persona_id"), q = header.indexOf("question_id"), run = header.indexOf("run_index");
        int rating = header.indexOf("rating"), failures = header.indexOf("failures");
        if (q < 0 || run < 0 || rating < 0) throw new IOException(file + ": missing question_id, run_index or rating in header " + header);
        List<Row> rows = new ArrayList<>(32768);
        long[] num = new long[cols];
        boolean[] empty = new boolean[cols];
        // after a decimal point (fraction), and whether a fraction digit was not 0 ("4.5": not a whole rating)
        boolean[] fraction = new boolean[cols], fractional = new boolean[cols];
        // the columns read as numbers; the others (response text, timestamps: most of a file's bytes) are skipped
        boolean[] numberColumn = new boolean[cols];
        int[] ids = {persona, q, run, failures};
        for (int c : new int[]{persona, q, run, rating, failures}) if (c >= 0) numberColumn[c] = true;
        long line = 1;
        while (pos < len) {
            line++;
            int col = 0;
            java.util.Arrays.fill(empty, true);
            java.util.Arrays.fill(num, 0);
            java.util.Arrays.fill(fraction, false);
            java.util.Arrays.fill(fractional, false);
            boolean negative = false, bad = false;
            int overflow = -1;
            while (pos < len) {
                byte c = b[pos];
                if (c == '"') {
                    // quoted text: skip to the closing quote ("" is an escaped quote)
                    pos++;
                    while (pos < len) {
                        if (b[pos] == '"') {
                            if (pos + 1 < len && b[pos + 1] == '"') pos += 2;
                            else break;
                        } else {
                            pos++;
                        }
                    }
                    pos++;
                    bad |= col == q || col == run || col == rating || col == persona;
                    continue;
                }
                if (c == ',' || c == '\n' || c == '\r') {
                    if (negative && col < cols) num[col] = -num[col];
                    negative = false;
                    if (c == ',') {
                        col++;
                        pos++;
                        continue;
                    }
                    if (c == '\r' && pos + 1 < len && b[pos + 1] == '\n') pos++;
                    pos++;
                    break;
                }
                if (col > 0 && (col >= cols || !numberColumn[col])) {
                    // nothing of this field is read: on to its end (a quote is handled above, like everywhere)
                    while (pos < len && (c = b[pos]) != ',' && c != '\n' && c != '\r' && c != '"') pos++;
                    continue;
                }
                if (col < cols) {
                    if (c >= '0' && c <= '9') {
                        if (fraction[col]) {
                            // pandas writes whole ratings as "3.0" when a column has a gap: 3.0 is 3, 4.5 is no rating
                            if (c != '0') fractional[col] = true;
                        } else {
                            num[col] = num[col] * 10 + (c - '0');
                            boolean numeric = col == q || col == run || col == rating || col == persona || col == failures;
                            if (numeric && num[col] > Integer.MAX_VALUE && overflow < 0) overflow = col;
                            if (num[col] > Integer.MAX_VALUE) num[col] = Integer.MAX_VALUE + 1L;
                        }
                        empty[col] = false;
                    } else if (c == '-' && empty[col]) {
                        negative = true;
                    } else if (c == '.' && (col == rating || col == q || col == run || col == persona || col == failures) && !fraction[col] && !empty[col]) {
                        fraction[col] = true;
                    } else if (col == q || col == run || col == persona || col == failures || col == rating) {
                        if (c != ' ') bad = true;
                    }
                }
                pos++;
            }
            if (pos >= len && negative && col < cols) num[col] = -num[col];
            if (col == 0 && empty[0]) continue; // blank line
            if (col + 1 < cols) throw new IOException(file + ": record " + line + " has " + (col + 1) + " fields, the header has " + cols);
            if (bad) throw new IOException(file + ": record " + line + " is not a rating row: a number column holds text");
            if (overflow >= 0) throw new IOException(file + ": record " + line + ": " + header.get(overflow) + " is out of range (more than " + Integer.MAX_VALUE + ")");
            for (int idCol : ids) {
                if (idCol >= 0 && fractional[idCol]) throw new IOException(file + ": record " + line + ": " + header.get(idCol) + " is not a whole number");
            }
            rows.add(new Row(persona < 0 ? -1 : (int) num[persona], (int) num[q], (int) num[run],
                    empty[rating] || fractional[rating] ? -1 : (int) num[rating], failures < 0 || empty[failures] ? 0 : (int) num[failures], null, null));
        }
        return rows;
    }

    /**
     * Groups persona rows into per-persona streaming statistics, exactly as the aggregator would receive
     * them as valid rating events; invalid rows only count as attempts. Keys are persona ids in file order.
     */
    public static Map<Integer, PersonaStats> toPersonaStats(List<Row> rows, String target) {
        Map<Integer, PersonaStats> out = new LinkedHashMap<>();
        for (Row row : rows) {
            PersonaStats ps = out.computeIfAbsent(row.personaId(),
                    id -> new PersonaStats(target, "file", id < 0 ? "self" : Integer.toString(id)));
            if (row.valid()) ps.addValid(row.questionId(), row.runIndex(), row.rating());
        }
        return out;
    }

    private static int parseRating(String s) {
        String t = s.trim();
        if (t.isEmpty()) return -1;
        // ratings are written as integers, or as "4.0" by pandas when the column has a gap; "4.5" is no rating
        double v = Double.parseDouble(t);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) return -1;
        return (int) v;
    }

    /** A whole number that fits an int ("3" or pandas' "3.0"); anything else names the column. */
    private static int whole(String s, String column) {
        String t = s.trim();
        if (!t.matches("-?\\d{1,10}(\\.0*)?")) throw new NumberFormatException(column + " '" + t + "' is not a whole number");
        long v = Long.parseLong(t.contains(".") ? t.substring(0, t.indexOf('.')) : t);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) throw new NumberFormatException(column + " " + t + " is out of range");
        return (int) v;
    }
}
