package dev.pmc.core.security;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class RedactionTest {
    @Test
    void noKeyOrPartOfOneSurvives() {
        String key = "sk-proj-abcdefghijklmnop0123Zq7A";
        for (String echoed : new String[]{"Incorrect API key provided: sk-proj-*****************Zq7A. You can find your API key at …",
                "Incorrect API key provided: " + key, "key abc***********Zq7A refused", "API key not valid: AIzaSyA-very-secret-part",
                "invalid x-api-key sk-ant-api03-abc", "it ends in Zq7A"}) {
            String s = Redaction.scrub(echoed, key);
            assertFalse(s.contains("Zq7A") || s.contains("abcdef") || s.contains("AIza") || s.contains("sk-"), echoed + " → " + s);
        }
        assertEquals("Rate limit reached for o4-mini on tokens per min (TPM): Limit 200000",
                Redaction.scrub("Rate limit reached for o4-mini on tokens per min (TPM): Limit 200000", key), "ordinary messages unchanged");
    }
}
