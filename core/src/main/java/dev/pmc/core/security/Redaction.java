package dev.pmc.core.security;

import java.util.regex.Pattern;

/**
 * Removes provider keys and their fragments from text that leaves the gateway (error messages in events, logs and API
 * answers). Providers echo part of a wrong key ("Incorrect API key provided: sk-proj-****…Zq7A"), so replacing the
 * exact key is not enough: a key's known prefixes with what follows, and any masked run (four or more '*' with the
 * characters around it), are cut as well.
 */
public final class Redaction {
    /** OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), Google (AIza) key shapes, with whatever follows. */
    private static final Pattern KEY_SHAPES = Pattern.compile("\\b(sk-[A-Za-z0-9_*.-]+|AIza[A-Za-z0-9_*.-]+)");
    /** A masked key: a run of asterisks with the visible head and tail around it. */
    private static final Pattern MASKED = Pattern.compile("[A-Za-z0-9_.-]*\\*{4,}[A-Za-z0-9_.-]*");
    public static final String REDACTED = "[key redacted]";

    private Redaction() {
    }

    /** {@code text} without {@code key} (may be null), key-shaped words or masked keys. */
    public static String scrub(String text, String key) {
        if (text == null) return null;
        String t = text;
        if (key != null && key.length() >= 4) t = t.replace(key, REDACTED);
        t = KEY_SHAPES.matcher(t).replaceAll(REDACTED);
        t = MASKED.matcher(t).replaceAll(REDACTED);
        // the key's own last four characters, as a provider's mask shows them, when they stand as a word of their own
        if (key != null && key.length() >= 12) {
            t = t.replaceAll("(?<![A-Za-z0-9])" + Pattern.quote(key.substring(key.length() - 4)) + "(?![A-Za-z0-9])", REDACTED);
        }
        return t;
    }
}
