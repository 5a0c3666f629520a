package dev.pmc.core.events;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pmc.target-status records that decode but are wrong are skipped by the followers; a huge reason is cut. */
class TargetStatusTest {
    @Test
    void wrongRecordsAreSkippedAndReasonsBounded() {
        for (String bad : new String[]{null, "", "not json", "[1,2]", "{\"paused\":\"x\"}", "{\"target\":null}", "{\"target\":7,\"sinceMs\":\"soon\"}",
                "{\"target\":\"t\",\"sinceMs\":1e400}", "{\"target\":\"t\",\"unknown\":true}"}) {
            assertNull(TargetStatus.decode(bad), String.valueOf(bad));
        }
        TargetStatus huge = TargetStatus.decode("{\"target\":\"t\",\"paused\":\"" + "q".repeat(100_000) + "\",\"sinceMs\":5}");
        assertEquals(TargetStatus.MAX_REASON + 1, huge.paused().length(), "cut to the bound, with an ellipsis");
        TargetStatus resumed = TargetStatus.decode("{\"target\":\"t\",\"sinceMs\":5}");
        assertEquals("t", resumed.target());
        assertNull(resumed.paused());
        assertTrue(EventCodec.encode(new TargetStatus("t", "quota exhausted: x", 1)).contains("\"paused\":\"quota exhausted: x\""));
    }
}
