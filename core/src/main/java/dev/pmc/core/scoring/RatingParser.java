package dev.pmc.core.scoring;

import dev.pmc.core.ItemType;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.instruments.Instrument;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the 0-5 rating out of a free-text reply the way a careful human coder would, and says which rule
 * decided. Rules, in order:
 * <ol>
 *   <li>{@code empty}: nothing but white space or markup.</li>
 *   <li>{@code leading_integer}: the reply starts with a number ("4", "**4**", "4. Because…", "4/5",
 *       "3 or 4" → ambiguous, "7" → out_of_range).</li>
 *   <li>A restated scale is set aside first ("on a scale of 0 to 5", "(0-5)", a listing of three or more
 *       "n = anchor" lines), so its digits are not taken for the answer.</li>
 *   <li>Explicit answers anywhere: {@code explicit_statement} ("Rating: 4", "I'd rate it a 3", "my level of
 *       agreement is: 2", "I would say 4", "4 out of 5"), {@code digit_with_anchor} ("3 - slightly agree"),
 *       {@code markdown_emphasis} ("**3**"), {@code line_digit} (a digit alone on its line). Different values
 *       → ambiguous; a number above 5 → out_of_range; "3.5", "3-4", "between 3 and 4" → ambiguous.</li>
 *   <li>{@code number_word}: "I'd rate it four", "Four." at the start.</li>
 *   <li>{@code scale_anchor}: no number, but the item type's anchor phrase ("very relevant" → 4 for relevance
 *       items, "moderately agree" → 4 for agreement items); two different anchors → ambiguous.</li>
 *   <li>{@code sole_number}: one standalone number in a short reply, or closing the reply ("Je dirais 4.").</li>
 *   <li>Otherwise {@code refusal} when the reply declines ("As an AI…", "I can't…"), else {@code no_rating}.</li>
 * </ol>
 * Pure and thread-safe; replies are read up to {@link #MAX_CHARS}.
 */
public final class RatingParser {
    /** Replies longer than this are only read up to here. */
    public static final int MAX_CHARS = 8192;

    private static final String[] RELEVANCE = {"not at all relevant", "not very relevant", "slightly relevant",
            "somewhat relevant", "very relevant", "extremely relevant"};
    private static final String[] AGREEMENT = {"strongly disagree", "moderately disagree", "slightly disagree",
            "slightly agree", "moderately agree", "strongly agree"};
    private static final String[] NUMBER_WORDS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};

    private static final String ANCHOR = "(?:not at all relevant|not very relevant|slightly relevant|somewhat relevant|"
            + "very relevant|extremely relevant|irrelevant|strongly disagree|moderately disagree|slightly disagree|"
            + "slightly agree|moderately agree|strongly agree)";
    /** "0 to 5", "0-5", "1–5", "zero to five": the scale itself, not an answer. */
    private static final Pattern SCALE_RANGE = Pattern.compile(
            "(?i)(?:\\(\\s*)?\\b(?:[01]|zero|one)\\s*(?:-|–|—|to|through|and)\\s*(?:5|five)\\b(?:\\s*\\))?");
    /** "scale of 5", "out of 5" standing alone (not preceded by an answer number). */
    private static final Pattern SCALE_WORDS = Pattern.compile("(?i)\\b(?:scale|range)\\s+(?:of|from)\\s+(?:[0-5]|zero|one|five)\\b");
    /** One line of a restated scale: "0 = not at all relevant", "5: strongly agree". */
    private static final Pattern ANCHOR_DEFINITION = Pattern.compile("(?im)^[\\s*\\-•]*([0-5])\\s*(?:=|:|-|–|—|\\))\\s*\\**" + ANCHOR + "\\**[.,;]?\\s*$");
    private static final Pattern LEADING = Pattern.compile(
            "(?i)^[\\s*_\"'`#>\\[(]*(?:(?:rating|score|answer|response|antwort|réponse|respuesta|note)\\s*[:=-]\\s*[*_\"']*)?(\\d+)(?:\\s*([.,]\\d+))?");
    private static final Pattern AMBIGUOUS_PAIR = Pattern.compile(
            "(?i)\\b([0-5])\\s*(?:or|/|-|–|to|and|oder|ou|o)\\s*([0-5])\\b(?!\\s*(?:out of|/))");
    private static final Pattern BETWEEN = Pattern.compile("(?i)\\bbetween\\s+(?:a\\s+)?([0-5])\\s+and\\s+(?:a\\s+)?([0-5])\\b");
    private static final Pattern EXPLICIT = Pattern.compile(
            "(?i)\\b(?:rating|score|answer|response|rate|rated|say|give|giving|go with|choose|pick|select|agreement|"
                    + "relevance|verdict|lean(?:ing)? towards|put it at|land on|settle on|would be|is(?=\\s*:))\\b"
                    + "[\\s:=*_\"'`(\\-–]*(?:(?:a|an|it|this|that|at|as|of|around|about|me|statement|consideration|"
                    + "item|solid|firm|strong|clear)\\b[\\s:=*_\"'`(]*){0,4}"
                    + "(\\d+(?:[.,]\\d+)?)(?:\\s*(?:/|out of)\\s*(\\d+))?(?!\\s*(?:-|–|to)\\s*\\d)");
    private static final Pattern OUT_OF_REST = Pattern.compile("^\\s*(?:/|out of)\\s*(\\d+)");
    private static final Pattern OUT_OF = Pattern.compile("(?i)(?<![\\d.])(\\d+)\\s*(?:/|out of)\\s*(\\d+)\\b");
    private static final Pattern DIGIT_WITH_ANCHOR = Pattern.compile(
            "(?i)(?<![\\d.])([0-5])\\s*(?:=|:|-|–|—|\\(|\\*\\*\\s*[-–(:]?|,)\\s*\\**\\s*(?:i\\s+)?" + ANCHOR);
    private static final Pattern MARKDOWN = Pattern.compile("(?:\\*\\*|__)\\s*(\\d+)\\s*(?:\\*\\*|__)");
    private static final Pattern LINE_DIGIT = Pattern.compile("(?m)^[\\s*_\"'`#>\\-]*(\\d+)[\\s*_\"'`.!)]*$");
    private static final Pattern NUMBER_WORD = Pattern.compile(
            "(?i)(?:^[\\s*_\"'`]*|\\b(?:rate|rated|rating|say|give|choose|answer|score|go with)\\b[\\s:=*_\"'`]*(?:(?:it|this|that|a|an|at|is|be|would be)\\s+){0,2})"
                    + "(zero|one|two|three|four|five|six|seven|eight|nine|ten)\\b");
    /** "either 1 or 2", "1... or 0" anywhere (markup removed first). */
    private static final Pattern OR_PAIR = Pattern.compile("(?i)\\b([0-5])\\b\\s*(?:\\.{2,}|…|,)?\\s*(?:or|oder|ou|o)\\s+(?:maybe\\s+|perhaps\\s+)?([0-5])\\b");
    private static final Pattern NEGATIVE = Pattern.compile("(?:^|[\\s:=(\"'*])[-−](\\d+)\\b");
    private static final Pattern INVISIBLE = Pattern.compile("[\\u200b\\u200c\\u200d\\u2060\\ufeff]");
    private static final Pattern STANDALONE_NUMBER = Pattern.compile("(?<![\\w.,/])(\\d+)(?![\\w/]|[.,]\\d)");
    private static final Pattern ENDING_NUMBER = Pattern.compile("(?:[:\\s*_\"'`(])(\\d+)[\\s*_\"'`).!]*$");
    private static final Pattern REFUSAL = Pattern.compile(
            "(?i)\\b(?:i\\s*(?:can't|cannot|can not|won't|will not|am unable|'m unable|am not able|'m not able|must decline|"
                    + "decline|refuse|(?:'d |would )?prefer not)|not comfortable|as an ai\\b|as a language model|i (?:do not|don't) have (?:personal|opinions|"
                    + "beliefs|feelings)|i'm sorry|i am sorry|i apologi[sz]e|not (?:comfortable|appropriate) (?:for me )?to|"
                    + "je ne peux pas|no puedo|ich kann (?:nicht|keine))");

    private RatingParser() {
    }

    /**
     * A reply to an item of any instrument: read as above (items of kind "relevance" as relevance, others as
     * agreement), then a rating off the instrument's scale is {@code out_of_range} (a 0 on BFI-44's 1-5). The rules
     * read answers 0-5: an instrument whose scale goes beyond 5 cannot be scored from replies yet (its files can be
     * read offline, {@code InstrumentMetrics}).
     */
    public static ParsedRating parse(Instrument instrument, Instrument.Item item, String reply) {
        if (instrument.max() > 5) throw new IllegalArgumentException(instrument.name() + ": replies on a scale beyond 5 cannot be parsed yet");
        ParsedRating r = parse("relevance".equals(item.kind()) ? ItemType.RELEVANCE : ItemType.AGREEMENT, reply);
        if (r.outcome() == RatingOutcome.VALID && !instrument.valid(r.rating())) return ParsedRating.invalid(RatingOutcome.OUT_OF_RANGE, r.rule());
        return r;
    }

    public static ParsedRating parse(ItemType type, String reply) {
        if (reply == null) return ParsedRating.invalid(RatingOutcome.EMPTY, "empty");
        String text = reply.length() > MAX_CHARS ? reply.substring(0, MAX_CHARS) : reply;
        if (text.indexOf('\u200b') >= 0 || text.indexOf('\ufeff') >= 0 || text.indexOf('\u200d') >= 0
                || text.indexOf('\u200c') >= 0 || text.indexOf('\u2060') >= 0) {
            text = INVISIBLE.matcher(text).replaceAll("");
        }
        // fast path: the common one-digit reply
        String trimmed = text.strip();
        if (trimmed.length() == 1) {
            char c = trimmed.charAt(0);
            if (c >= '0' && c <= '5') return ParsedRating.valid(c - '0', "leading_integer");
            if (c >= '6' && c <= '9') return ParsedRating.invalid(RatingOutcome.OUT_OF_RANGE, "leading_integer");
        }
        if (trimmed.replaceAll("[\\s*_\"'`#>]", "").isEmpty()) return ParsedRating.invalid(RatingOutcome.EMPTY, "empty");
        // a negative number as the answer ("-1", "Rating: -2")
        Matcher neg = NEGATIVE.matcher(trimmed);
        if (neg.find() && trimmed.length() <= 120) return ParsedRating.invalid(RatingOutcome.OUT_OF_RANGE, "negative_number");

        ParsedRating leading = leading(trimmed);
        if (leading != null) return leading;

        String body = setAsideScale(trimmed);
        String lower = body.toLowerCase(Locale.ROOT);

        ParsedRating explicit = explicit(body);
        if (explicit != null) return explicit;

        Matcher w = NUMBER_WORD.matcher(lower);
        if (w.find()) {
            int v = wordValue(w.group(1));
            return v <= 5 ? ParsedRating.valid(v, "number_word") : ParsedRating.invalid(RatingOutcome.OUT_OF_RANGE, "number_word");
        }

        ParsedRating anchor = anchor(type, lower);
        if (anchor != null) return anchor;

        ParsedRating sole = soleNumber(body);
        if (sole != null) return sole;

        if (REFUSAL.matcher(lower).find()) return ParsedRating.invalid(RatingOutcome.REFUSAL, "refusal");
        return ParsedRating.invalid(RatingOutcome.NO_RATING, "no_rating");
    }

    /** The reply starts with a number (optionally after "Rating:" and markup). */
    private static ParsedRating leading(String t) {
        Matcher m = LEADING.matcher(t);
        if (!m.find()) return null;
        // "0 to 5 …" / "1-5 scale" at the start is the scale, not an answer
        Matcher range = SCALE_RANGE.matcher(t);
        if (range.find() && range.start() <= m.start(1)) return null;
        if (m.group(2) != null) return ParsedRating.invalid(RatingOutcome.AMBIGUOUS, "leading_decimal");
        // a restated scale listing at the start ("0 = strongly disagree\n1 = …") is not the answer
        Matcher defs = DIGIT_WITH_ANCHOR.matcher(t);
        java.util.Set<String> defined = new java.util.HashSet<>();
        while (defs.find()) defined.add(defs.group(1));
        if (defined.size() >= 2) return null;
        String rest = t.substring(m.end(1));
        long v = parseLong(m.group(1));
        Matcher outOf = OUT_OF_REST.matcher(rest);
        if (outOf.find()) {
            long denom = parseLong(outOf.group(1));
            if (denom != 5 && v <= 5 && denom <= 5) return ParsedRating.invalid(RatingOutcome.AMBIGUOUS, "leading_range");
            if (denom != 5) return ParsedRating.invalid(RatingOutcome.OUT_OF_RANGE, "leading_integer");
            return v > 5 ? ParsedRating.invalid(RatingOutcome.OUT_OF_RANGE, "leading_integer")
                    : orPairOrValid(t, (int) v, "leading_integer");
        }
        Matcher pair = AMBIGUOUS_PAIR.matcher(t.substring(m.start(1)).replace("**", "").replace("__", ""));
        if (pair.lookingAt() && !pair.group(1).equals(pair.group(2))) return ParsedRating.invalid(RatingOutcome.AMBIGUOUS, "leading_range");
        if (v > 5) return ParsedRating.invalid(RatingOutcome.OUT_OF_RANGE, "leading_integer");
        return orPairOrValid(t, (int) v, "leading_integer");
    }

    /** Valid v, unless the reply also offers another value ("4 or maybe 5", "either 1 or 2"). */
    private static ParsedRating orPairOrValid(String t, int v, String rule) {
        Matcher or = OR_PAIR.matcher(t.replace("**", "").replace("__", ""));
        while (or.find()) {
            if (!or.group(1).equals(or.group(2)) || Integer.parseInt(or.group(1)) != v) {
                return ParsedRating.invalid(RatingOutcome.AMBIGUOUS, "conflicting_ratings");
            }
        }
        return ParsedRating.valid(v, rule);
    }

    /** Blanks out a restated scale so its digits are not read as the answer. */
    static String setAsideScale(String t) {
        String s = SCALE_RANGE.matcher(t).replaceAll(" ");
        s = SCALE_WORDS.matcher(s).replaceAll(" ");
        // two or more different "n = anchor" definitions restate the scale ("0 = strongly disagree … 5 = strongly agree")
        Matcher defs = DIGIT_WITH_ANCHOR.matcher(s);
        java.util.Set<String> digits = new java.util.HashSet<>();
        while (defs.find()) digits.add(defs.group(1));
        if (digits.size() >= 2) {
            s = ANCHOR_DEFINITION.matcher(s).replaceAll(" ");
            s = DIGIT_WITH_ANCHOR.matcher(s).replaceAll(" ");
        }
        return s;
    }

    private record Candidate(long value, boolean decimal, String rule, int at) {
    }

    private static ParsedRating explicit(String body) {
        Matcher between = BETWEEN.matcher(body);
        if (between.find() && !between.group(1).equals(between.group(2))) return ParsedRating.invalid(RatingOutcome.AMBIGUOUS, "between");
        Matcher or = OR_PAIR.matcher(body.replace("**", "").replace("__", ""));
        if (or.find() && !or.group(1).equals(or.group(2))) return ParsedRating.invalid(RatingOutcome.AMBIGUOUS, "conflicting_ratings");
        List<Candidate> found = new ArrayList<>(4);
        Matcher e = EXPLICIT.matcher(body);
        while (e.find()) {
            String num = e.group(1);
            boolean decimal = num.contains(".") || num.contains(",");
            if (e.group(2) != null && parseLong(e.group(2)) != 5) {
                found.add(new Candidate(Long.MAX_VALUE, false, "explicit_statement", e.start(1)));
            } else {
                found.add(new Candidate(decimal ? -1 : parseLong(num), decimal, "explicit_statement", e.start(1)));
            }
            // "I'd rate it 3 or 4"
            Matcher pair = AMBIGUOUS_PAIR.matcher(body.substring(e.start(1)));
            if (!decimal && pair.lookingAt() && !pair.group(1).equals(pair.group(2))) {
                return ParsedRating.invalid(RatingOutcome.AMBIGUOUS, "explicit_range");
            }
        }
        Matcher o = OUT_OF.matcher(body);
        while (o.find()) {
            long denom = parseLong(o.group(2));
            found.add(new Candidate(denom == 5 ? parseLong(o.group(1)) : Long.MAX_VALUE, false, "explicit_statement", o.start(1)));
        }
        Matcher a = DIGIT_WITH_ANCHOR.matcher(body);
        while (a.find()) found.add(new Candidate(parseLong(a.group(1)), false, "digit_with_anchor", a.start(1)));
        Matcher md = MARKDOWN.matcher(body);
        while (md.find()) found.add(new Candidate(parseLong(md.group(1)), false, "markdown_emphasis", md.start(1)));
        Matcher line = LINE_DIGIT.matcher(body);
        while (line.find()) found.add(new Candidate(parseLong(line.group(1)), false, "line_digit", line.start(1)));
        if (found.isEmpty()) return null;
        Candidate first = found.get(0);
        for (Candidate c : found) {
            if (c.decimal()) return ParsedRating.invalid(RatingOutcome.AMBIGUOUS, c.rule());
            if (c.value() != first.value()) return ParsedRating.invalid(RatingOutcome.AMBIGUOUS, "conflicting_ratings");
        }
        if (first.value() > 5) return ParsedRating.invalid(RatingOutcome.OUT_OF_RANGE, first.rule());
        // a self-correction closing the reply ("I'd say 4. Actually, no, 2.")
        Matcher end = ENDING_NUMBER.matcher(body);
        if (end.find() && end.start(1) > first.at() && parseLong(end.group(1)) != first.value()
                && !body.substring(0, end.start(1)).matches("(?s).*(?:out of|/)\\s*$")) {
            return ParsedRating.invalid(RatingOutcome.AMBIGUOUS, "conflicting_ratings");
        }
        return ParsedRating.valid((int) first.value(), first.rule());
    }

    private static ParsedRating anchor(ItemType type, String lower) {
        String[] anchors = type == ItemType.RELEVANCE ? RELEVANCE : AGREEMENT;
        int value = -1;
        String masked = lower;
        // longest phrases first, masking each match so "not very relevant" is not also "very relevant"
        Integer[] order = {0, 1, 2, 3, 4, 5};
        java.util.Arrays.sort(order, (x, y) -> anchors[y].length() - anchors[x].length());
        for (int i : order) {
            int at = masked.indexOf(anchors[i]);
            if (at < 0) continue;
            if (value >= 0 && value != i) return ParsedRating.invalid(RatingOutcome.AMBIGUOUS, "scale_anchor");
            value = i;
            masked = masked.replace(anchors[i], "#");
        }
        if (value < 0 && type == ItemType.RELEVANCE && masked.matches("(?s).*\\b(?:irrelevant|not relevant at all)\\b.*")) value = 0;
        return value < 0 ? null : ParsedRating.valid(value, "scale_anchor");
    }

    private static ParsedRating soleNumber(String body) {
        Matcher m = STANDALONE_NUMBER.matcher(body);
        long value = -1;
        int count = 0;
        while (m.find()) {
            count++;
            value = parseLong(m.group(1));
        }
        if (count == 0) return null;
        Matcher end = ENDING_NUMBER.matcher(body);
        boolean ending = end.find();
        if (count == 1 && (body.length() <= 120 || ending)) {
            return value <= 5 ? ParsedRating.valid((int) value, "sole_number") : ParsedRating.invalid(RatingOutcome.OUT_OF_RANGE, "sole_number");
        }
        if (ending && body.length() <= 400) {
            long v = parseLong(end.group(1));
            return v <= 5 ? ParsedRating.valid((int) v, "sole_number") : ParsedRating.invalid(RatingOutcome.OUT_OF_RANGE, "sole_number");
        }
        return null;
    }

    private static int wordValue(String w) {
        for (int i = 0; i < NUMBER_WORDS.length; i++) if (NUMBER_WORDS[i].equals(w)) return i;
        return Integer.MAX_VALUE;
    }

    private static long parseLong(String s) {
        return s.length() > 9 ? Long.MAX_VALUE : Long.parseLong(s);
    }
}
