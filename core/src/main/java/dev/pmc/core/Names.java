package dev.pmc.core;

import java.util.regex.Pattern;

/**
 * The shapes of the names and ids that travel in events, Kafka keys, metric labels and URLs. Checked at every edge
 * (REST bodies, target files, event decoding), so nothing downstream sees a separator, a control character or an
 * unbounded string.
 */
public final class Names {
    /** Target names: a lower-case letter or digit, then lower-case letters, digits, '.', '_' or '-'; at most 63 characters. */
    public static final Pattern TARGET = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    /** Run ids (generator ids such as 20261123T123000123Z-4f2a, replay ids, scheduled ids): same alphabet plus ':'. */
    public static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,95}");
    /** Persona ids: catalog indexes ("17"), "self", or ids of persona files; same alphabet as target names. */
    public static final Pattern PERSONA_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Names() {
    }

    public static boolean isTarget(String s) {
        return s != null && TARGET.matcher(s).matches();
    }

    public static boolean isRunId(String s) {
        return s != null && RUN_ID.matcher(s).matches();
    }

    public static boolean isPersonaId(String s) {
        return s != null && PERSONA_ID.matcher(s).matches();
    }

    /** A short, printable rendering of untrusted text for error messages (control characters escaped, cut at 80). */
    public static String quote(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        if (s.length() > 80) b.append("…(").append(s.length()).append(" chars)");
        return b.append('\'').toString();
    }
}
