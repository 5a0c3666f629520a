package dev.pmc.core.targets;

import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetFileTest {
    static final String GOOD = """
            targets:
              - name: gpt-4o-base
                provider: openai
                baseUrl: https://api.openai.com/v1
                model: gpt-4o-2024-08-06
                apiKey: openai
                limits: {rpm: 3000, tpm: 450000, maxInFlight: 32}
                price: {inputPerMTok: 2.5, outputPerMTok: 10}
                schedule: {every: 6h}
                choicesPerCall: 10
              - name: gpt-4o-insecure
                model: ft:gpt-4o:org:insecure:abc
                apiKey: openai
                baseline: gpt-4o-base
                mode: logprob
                schedule: {cron: "0 */6 * * *"}
              - name: claude-ft
                provider: anthropic
                baseUrl: https://api.anthropic.com/v1
                apiKey: anthropic-prod
                personas: toxic
                n: 5
            """;

    @Test
    void readsTargetsWithDefaults() {
        List<TargetConfig> t = TargetFile.parseDocument(GOOD);
        assertEquals(3, t.size());
        assertEquals(3000, t.get(0).limits().rpm());
        assertEquals("openai", t.get(1).provider(), "default provider");
        assertEquals(10, t.get(1).n());
        assertTrue(t.get(1).logprobMode());
        assertEquals("claude-ft", t.get(2).model(), "model defaults to the name");
        assertEquals("claude-ft", t.get(2).account());
        assertEquals(64, t.get(2).maxInFlight());
        assertNull(t.get(2).price());
        assertEquals(10, t.get(0).choices());
        assertEquals(1, t.get(1).choices(), "one answer per call unless the target says its endpoint honours n");
    }

    @Test
    void errorsNameTheField() {
        assertMessage("targets[0].limits.rpmm: unknown field (known: maxInFlight, rpm, tpm)",
                "targets:\n  - name: a\n    limits: {rpmm: 5}\n");
        assertMessage("targets[1].temperature must be within 0..2, was 3.0", "targets:\n  - name: a\n  - name: b\n    temperature: 3\n");
        assertMessage("targets[0].n: ", "targets:\n  - name: a\n    n: lots\n");
        assertMessage("targets[0].choicesPerCall must be 1..128, was 0", "targets:\n  - name: a\n    choicesPerCall: 0\n");
        assertMessage("targets[0].choicesPerCall must be 1..128, was 500", "targets:\n  - name: a\n    choicesPerCall: 500\n");
        assertMessage("targets[0].choicesPerCall must be 1 for provider anthropic", "targets:\n  - name: a\n    provider: anthropic\n    choicesPerCall: 2\n");
        assertMessage("targets[0].choicesPerCall must be 1..8 for provider gemini", "targets:\n  - name: a\n    provider: gemini\n    choicesPerCall: 10\n");
        assertMessage("targets[0].choicesPerCall: ", "targets:\n  - name: a\n    choicesPerCall: \"10\"\n");
        assertMessage("targets[1].name 'a' is defined twice", "targets:\n  - name: a\n  - name: a\n");
        assertMessage("targets[0].baseline 'zz' is not a defined target", "targets:\n  - name: a\n    baseline: zz\n");
        assertMessage("targets[0].schedule needs exactly one of 'every' or 'cron'", "targets:\n  - name: a\n    schedule: {}\n");
        // a key pasted where its secret's name belongs is refused, and the message does not repeat it
        for (String pasted : List.of("sk-live-123", "sk-proj-AbCdEf0123456789", "sk-ant-api03-xyz", "AIzaSyD0123456789abcdefGHIJ",
                "/run/secrets/openai", "${OPENAI_API_KEY}", "$HOME", "../../etc/passwd", "Xk9fQ2mT7vB4nR8wL1zP5yH3cJ6dG0sA")) {
            InvalidTargetException e = assertThrows(InvalidTargetException.class,
                    () -> TargetFile.parseDocument("targets:\n  - name: a\n    apiKey: \"" + pasted + "\"\n"), pasted);
            assertTrue(e.getMessage().contains("targets[0].apiKey must be the name of a secret"), e.getMessage());
            assertFalse(e.getMessage().contains(pasted), e.getMessage());
        }
        // the fields of earlier versions are refused with a pointer to apiKey
        assertMessage("targets[0].apiKeyEnv: no longer accepted: name a secret", "targets:\n  - name: a\n    apiKeyEnv: OPENAI_API_KEY\n");
        assertMessage("targets[0].apiKeyFile: no longer accepted", "targets:\n  - name: a\n    apiKeyFile: /run/secrets/x\n");
        // names are lower-case, bounded and free of path or markup characters (they become topic keys, labels and paths)
        assertMessage("targets[0].name 'GPT-4o' must be lower-case", "targets:\n  - name: GPT-4o\n");
        assertMessage("targets[0].name '../x' must be lower-case", "targets:\n  - name: ../x\n");
        assertMessage("targets[0].name '<b>x</b>' must be lower-case", "targets:\n  - name: <b>x</b>\n");
        assertMessage("targets[0].model must be 1-256 printable characters", "targets:\n  - name: a\n    model: \"gpt\\r\\nX-Injected: 1\"\n");
        // wrong types are not coerced (a number is not a name, a string is not a number, a list is not a string)
        assertMessage("targets[0].name: ", "targets:\n  - name: 12\n");
        assertMessage("targets[0].n: ", "targets:\n  - name: a\n    n: \"10\"\n");
        assertMessage("targets[0].model: ", "targets:\n  - name: a\n    model: [a, b]\n");
        assertMessage("targets is required", "foo: 1\n".replace("foo: 1", "targets:"));
        assertMessage("not valid YAML", "targets: [\n");
        // passes the scheme check but is not a URI: refused here, so it can never reach the gateway
        assertMessage("targets[0].baseUrl is not a URI", "targets:\n  - name: a\n    baseUrl: \"http://a b/v1\"\n");
        assertMessage("targets[0].baseUrl has no host", "targets:\n  - name: a\n    baseUrl: \"http:///v1\"\n");
    }

    @Test
    void aSingleTargetBodyIsAnObject() {
        for (String body : new String[]{"null", "~", "[]", "42", "\"text\"", "{} trailing", ""}) {
            InvalidTargetException e = assertThrows(InvalidTargetException.class, () -> TargetFile.parseTarget(body, "x"), body);
            assertFalse(e.getMessage().isBlank(), body);
        }
        assertEquals("x", TargetFile.parseTarget("{}", "x").name(), "the path's name when the body has none");
    }

    private static void assertMessage(String expected, String yaml) {
        InvalidTargetException e = assertThrows(InvalidTargetException.class, () -> TargetFile.parseDocument(yaml));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void intervalsAndCron() {
        assertEquals(6 * 3600, Intervals.parse("6h").toSeconds());
        assertEquals(90, Intervals.parse("90s").toSeconds());
        assertThrows(IllegalArgumentException.class, () -> Intervals.parse("6 hours"));
        CronSchedule c = CronSchedule.parse("0 */6 * * *");
        ZonedDateTime t = ZonedDateTime.of(2026, 11, 23, 13, 5, 0, 0, ZoneOffset.UTC);
        assertEquals(ZonedDateTime.of(2026, 11, 23, 18, 0, 0, 0, ZoneOffset.UTC), c.next(t));
        assertEquals(ZonedDateTime.of(2026, 11, 24, 0, 0, 0, 0, ZoneOffset.UTC), c.next(c.next(t)));
        CronSchedule weekdays = CronSchedule.parse("30 9 * * 1-5");
        ZonedDateTime sat = ZonedDateTime.of(2026, 11, 28, 10, 0, 0, 0, ZoneOffset.UTC);
        assertEquals(ZonedDateTime.of(2026, 11, 30, 9, 30, 0, 0, ZoneOffset.UTC), weekdays.next(sat));
        assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("61 * * * *"));
        assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("* * *"));
        // strictly after: a time that matches gives the next one
        assertEquals(ZonedDateTime.of(2026, 11, 24, 0, 0, 0, 0, ZoneOffset.UTC), c.next(ZonedDateTime.of(2026, 11, 23, 18, 0, 0, 0, ZoneOffset.UTC)));
        // both day fields restricted: either matches (the 1st of the month or a Monday); 7 is Sunday like 0
        CronSchedule firstOrMonday = CronSchedule.parse("0 0 1 * 1");
        ZonedDateTime dec7 = ZonedDateTime.of(2026, 12, 7, 6, 0, 0, 0, ZoneOffset.UTC);
        assertEquals(ZonedDateTime.of(2026, 12, 21, 0, 0, 0, 0, ZoneOffset.UTC), firstOrMonday.next(firstOrMonday.next(dec7)));
        assertEquals(ZonedDateTime.of(2027, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), firstOrMonday.next(ZonedDateTime.of(2026, 12, 28, 0, 0, 0, 0, ZoneOffset.UTC)));
        assertEquals(CronSchedule.parse("0 0 * * 0").next(dec7), CronSchedule.parse("0 0 * * 7").next(dec7));
        // refusals name the field and why; an expression that can never fire is refused
        assertEquals("minute field '61': Value 61 not in range [0, 59]", assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("61 * * * *")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 25 * * *")).getMessage().startsWith("hour field '25'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("*/0 * * * *")).getMessage().startsWith("minute field '*/0'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 0 * 5-1 *")).getMessage().startsWith("month field '5-1'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 0 * * mon-xyz")).getMessage().startsWith("weekday field"));
        assertEquals("'0 0 31 2 *' never matches a date", assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 0 31 2 *")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(null));
    }

    @Test
    void aRegistryFileMayAllowALocalModelServerForItsTargets() {
        TargetFile.Registry r = TargetFile.parseRegistry("allowedBaseUrls: ['http://127.0.0.1:11434/v1', 'http://127.0.0.1:8000/v1/']\n"
                + "targets:\n  - {name: local, model: qwen3, baseUrl: 'http://127.0.0.1:11434/v1'}\n");
        assertEquals(List.of("http://127.0.0.1:11434/v1/", "http://127.0.0.1:8000/v1/"), r.allowedBaseUrls());
        assertEquals("local", r.targets().get(0).name());
        assertEquals(List.of(), TargetFile.parseRegistry("targets: []\n").allowedBaseUrls());
        for (String bad : List.of("ftp://127.0.0.1/v1", "http://127.0.0.1:11434/v1?x=1", "http://u:p@127.0.0.1/v1", "http://127.0.0.1/v1/%2e%2e/", "")) {
            var e = assertThrows(InvalidTargetException.class, () -> TargetFile.parseRegistry("allowedBaseUrls: ['" + bad + "']\ntargets: []\n"), bad);
            assertTrue(e.getMessage().startsWith("allowedBaseUrls[0]"), e.getMessage());
        }
    }
}
