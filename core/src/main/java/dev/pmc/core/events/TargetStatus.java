package dev.pmc.core.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A target's call status as the gateway replica that saw it change reports it (topic pmc.target-status, key the
 * target): {@code paused} is why its calls wait (today only "quota exhausted: …"), null once they go again;
 * {@code sinceMs} when that state began. Each replica writes only its own transitions, so the latest record is the
 * latest change anywhere (a replica still paused re-checks on its own and writes again when it resumes).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetStatus(String target, String paused, long sinceMs) {
    /** Longest reason kept (a provider's message is cut, never echoed in full). */
    public static final int MAX_REASON = 300;

    public TargetStatus {
        if (paused != null && paused.length() > MAX_REASON) paused = paused.substring(0, MAX_REASON) + "…";
    }

    /** Reads a record value; null for a tombstone or an unreadable value (a follower skips it). */
    public static TargetStatus decode(String value) {
        if (value == null) return null;
        try {
            TargetStatus s = EventCodec.mapper().readValue(value, TargetStatus.class);
            return s == null || s.target() == null ? null : s;
        } catch (Exception e) {
            return null;
        }
    }
}
