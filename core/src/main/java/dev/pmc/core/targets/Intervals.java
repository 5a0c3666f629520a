package dev.pmc.core.targets;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses intervals written as a number and a unit: 90s, 30m, 6h, 1d. */
public final class Intervals {
    private static final Pattern P = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    private Intervals() {
    }

    public static Duration parse(String text) {
        Matcher m = P.matcher(text == null ? "" : text.strip());
        if (!m.matches()) throw new IllegalArgumentException("must be a number with unit ms, s, m, h or d (e.g. 6h), was '" + text + "'");
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(v);
            case "s" -> Duration.ofSeconds(v);
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            default -> Duration.ofDays(v);
        };
    }
}
