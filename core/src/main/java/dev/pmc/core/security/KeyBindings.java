package dev.pmc.core.security;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which base URLs a provider key may be sent to, so that a stolen admin token or a typo cannot send a real key to
 * another host (issue #26). The built-in secret names are bound to their providers' API hosts; any other secret needs
 * an explicit binding next to it: a file {@code NAME.base-urls} beside the secret file (one base URL prefix per line,
 * '#' comments), or {@code pmc.gateway.secret-base-urls.NAME} for a secret mapped from the environment. A binding
 * adds to a built-in name's hosts (an OpenAI-compatible proxy the operator runs).
 */
public final class KeyBindings {
    /** The built-in secret names and their providers' API hosts. */
    public static final Map<String, List<String>> BUILT_IN = Map.of(
            "openai", List.of("https://api.openai.com/"),
            "anthropic", List.of("https://api.anthropic.com/"),
            "gemini", List.of("https://generativelanguage.googleapis.com/"));
    /** The suffix of a binding file beside a secret file. */
    public static final String FILE_SUFFIX = ".base-urls";

    private KeyBindings() {
    }

    /** The prefixes {@code secret} may be sent to: its built-in hosts, then the operator's binding. */
    public static List<String> prefixes(String secret, List<String> explicit) {
        List<String> out = new ArrayList<>(BUILT_IN.getOrDefault(secret, List.of()));
        if (explicit != null) explicit.stream().map(String::strip).filter(s -> !s.isEmpty() && !s.startsWith("#")).forEach(out::add);
        return out;
    }

    /**
     * Why {@code secret} may not be sent to {@code baseUrl} (null: it may). {@code explicit} is the operator's
     * binding (null or empty: none). The message names both the key's name and the URL, never a key.
     */
    public static String problem(String secret, String baseUrl, List<String> explicit) {
        if (secret == null) return null;
        if (secret.endsWith(FILE_SUFFIX)) return "apiKey '" + secret + "' names a binding file, not a key";
        List<String> prefixes = prefixes(secret, explicit);
        if (prefixes.isEmpty()) {
            return "apiKey '" + secret + "' is bound to no base URL: list the base URLs it may be sent to in " + secret + FILE_SUFFIX
                    + " beside the secret (or pmc.gateway.secret-base-urls." + secret + ")";
        }
        if (baseUrl == null) return "apiKey '" + secret + "' needs a baseUrl under " + String.join(" or ", prefixes) + " (the default endpoint is not one)";
        URI u;
        try {
            u = new URI(baseUrl).normalize();
        } catch (Exception e) {
            return "baseUrl is not a URI";
        }
        for (String p : prefixes) if (BaseUrlPolicy.within(u, p)) return null;
        return "apiKey '" + secret + "' may be sent only to " + String.join(", ", prefixes) + ", not to baseUrl " + baseUrl;
    }
}
