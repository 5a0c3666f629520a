package dev.pmc.core.events;

import dev.pmc.core.targets.InvalidTargetException;
import dev.pmc.core.targets.TargetFile;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Sequential-mode inputs that parse but are wrong: decisions on pmc.run-decisions, budgets and modes in targets. */
class SequentialInputsTest {
    private static final String OK = "{\"runId\":\"r1\",\"target\":\"t\",\"stage\":0,\"stages\":4,\"design\":\"50x2\",\"action\":\"continue\",\"calls\":3000,\"decidedAtMs\":1}";

    @Test
    void decisionsThatAreNotOnesAreDroppedNotThrown() {
        assertNotNull(RunDecision.decode(OK));
        assertNull(RunDecision.decode(null));
        assertNull(RunDecision.decode("not json"));
        assertNull(RunDecision.decode("[1,2]"));
        assertNull(RunDecision.decode(OK.replace("\"stage\":0", "\"stage\":4")), "stage beyond the ladder");
        assertNull(RunDecision.decode(OK.replace("\"stage\":0", "\"stage\":-1")));
        assertNull(RunDecision.decode(OK.replace("\"stages\":4", "\"stages\":0")));
        assertNull(RunDecision.decode(OK.replace("continue", "restart")), "unknown action");
        assertNull(RunDecision.decode(OK.replace("\"calls\":3000", "\"calls\":-5")));
        assertNull(RunDecision.decode(OK.replace("\"runId\":\"r1\",", "")), "no run id");
        assertNull(RunDecision.decode(OK.replace("\"design\":\"50x2\"", "\"design\":\"" + "x".repeat(20_000) + "\"")), "huge");
        assertEquals("stop", RunDecision.decode(OK.replace("continue", "stop")).action());
    }

    private static String refused(String yaml) {
        return assertThrows(InvalidTargetException.class, () -> TargetFile.parseTarget(yaml)).getMessage();
    }

    @Test
    void budgetsAndSequentialModesThatCannotWorkAreRefusedNamingTheField() {
        assertEquals(12000L, TargetFile.parseTarget("{name: t, mode: sequential, budget: {calls: 12000}}").budget().calls());
        assertTrue(refused("{name: t, budget: {calls: 0}}").contains("budget.calls must be 1..300000, was 0"));
        assertTrue(refused("{name: t, budget: {calls: 99999999}}").contains("budget.calls must be 1..300000"));
        assertTrue(refused("{name: t, price: {inputPerMTok: 1, outputPerMTok: 1}, budget: {usd: -1}}").contains("budget.usd must be within (0, 1000000]"));
        assertTrue(refused("{name: t, budget: {usd: 5}}").contains("budget.usd needs a price table"));
        assertTrue(refused("{name: t, budget: {}}").contains("budget needs 'calls' and/or 'usd'"));
        assertTrue(refused("{name: t, mode: sequential, personas: self}").contains("mode sequential reads personas in stages"));
        assertTrue(refused("{name: t, mode: sequential, n: 1}").contains("mode sequential needs n >= 2"));
        assertTrue(refused("{name: t, mode: stagewise}").contains("mode must be one of [logprob, sampling, sequential]"));
    }
}
