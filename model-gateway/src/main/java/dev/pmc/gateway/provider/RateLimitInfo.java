package dev.pmc.gateway.provider;

import java.util.Optional;
import java.util.function.Function;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a provider said about its rate limits in response headers (null = not said). Limits are per minute.
 * retryAfterMs comes from retry-after-ms, Retry-After (seconds or HTTP date) or a body's retryDelay.
 */
public record RateLimitInfo(Long limitRequests, Long remainingRequests, Long resetRequestsMs, Long limitTokens,
                            Long remainingTokens, Long resetTokensMs, Long retryAfterMs) {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    public static final RateLimitInfo NONE = new RateLimitInfo(null, null, null, null, null, null, null);

    /** OpenAI-style x-ratelimit-* and Anthropic-style anthropic-ratelimit-* headers, plus retry-after(-ms). */
    public static RateLimitInfo from(Function<String, String> h) {
        Long limitReq = num(h, "x-ratelimit-limit-requests"), remReq = num(h, "x-ratelimit-remaining-requests");
        Long resetReq = duration(h, "x-ratelimit-reset-requests");
        Long limitTok = num(h, "x-ratelimit-limit-tokens"), remTok = num(h, "x-ratelimit-remaining-tokens");
        Long resetTok = duration(h, "x-ratelimit-reset-tokens");
        if (limitReq == null) {
            limitReq = num(h, "anthropic-ratelimit-requests-limit");
            remReq = num(h, "anthropic-ratelimit-requests-remaining");
            resetReq = instant(h, "anthropic-ratelimit-requests-reset");
        }
        if (limitTok == null) {
            limitTok = num(h, "anthropic-ratelimit-tokens-limit");
            remTok = num(h, "anthropic-ratelimit-tokens-remaining");
            resetTok = instant(h, "anthropic-ratelimit-tokens-reset");
        }
        return new RateLimitInfo(limitReq, remReq, resetReq, limitTok, remTok, resetTok, retryAfter(h));
    }

    public RateLimitInfo withRetryAfter(Long ms) {
        return new RateLimitInfo(limitRequests, remainingRequests, resetRequestsMs, limitTokens, remainingTokens, resetTokensMs, ms);
    }

    static Long retryAfter(Function<String, String> h) {
        Long ms = num(h, "retry-after-ms");
        if (ms != null) return ms;
        var ra = first(h, "retry-after");
        if (ra.isEmpty()) return null;
        String v = ra.get().strip();
        try {
            return (long) Math.ceil(Double.parseDouble(v) * 1000);
        } catch (NumberFormatException e) {
            try {
                var date = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(Instant.now(), date.toInstant()).toMillis());
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static Long num(Function<String, String> h, String name) {
        var v = first(h, name);
        if (v.isEmpty()) return null;
        try {
            return (long) Math.floor(Double.parseDouble(v.get().strip()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** OpenAI durations such as "6m0s", "1s", "120ms", "0.5s". */
    static Long duration(Function<String, String> h, String name) {
        var v = first(h, name);
        return v.isEmpty() ? null : parseDuration(v.get());
    }

    public static Long parseDuration(String text) {
        Matcher m = DURATION_PART.matcher(text.strip());
        double ms = 0;
        boolean any = false;
        while (m.find()) {
            any = true;
            double v = Double.parseDouble(m.group(1));
            ms += switch (m.group(2)) {
                case "ms" -> v;
                case "s" -> v * 1000;
                case "m" -> v * 60_000;
                default -> v * 3_600_000;
            };
        }
        return any ? (long) Math.ceil(ms) : null;
    }

    private static Long instant(Function<String, String> h, String name) {
        var v = first(h, name);
        if (v.isEmpty()) return null;
        try {
            return Math.max(0, Duration.between(Instant.now(), Instant.parse(v.get().strip())).toMillis());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Optional<String> first(Function<String, String> h, String name) {
        return Optional.ofNullable(h.apply(name));
    }

    public OptionalLong retryAfter() {
        return retryAfterMs == null ? OptionalLong.empty() : OptionalLong.of(retryAfterMs);
    }
}
