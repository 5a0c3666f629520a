package dev.pmc.core.targets;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one mirror of pmc.targets, fed records as its reader would: a readable definition is held with its defaults, a
 * definition this version cannot read registers the name only, a tombstone removes it, a key that is not a target
 * name is ignored, and every listener hears each change after the directory holds it.
 */
class TargetDirectoryTest {

    @Test
    void recordsAreHeldAndHeard() {
        TargetDirectory d = new TargetDirectory(null);
        List<String> heard = new ArrayList<>();
        d.listen((name, json, config) -> heard.add(name + ":" + (json == null ? "deleted" : config == null ? "unreadable" : config.model())
                + ":" + d.contains(name)));
        d.apply("gpt-ft", "{\"name\":\"gpt-ft\",\"provider\":\"openai\",\"model\":\"ft:gpt-4o:acme\"}");
        assertTrue(d.contains("gpt-ft"));
        assertEquals("ft:gpt-4o:acme", d.config("gpt-ft").orElseThrow().model());
        assertEquals(10, d.config("gpt-ft").orElseThrow().n(), "held with its defaults");

        // a newer generator's definition: registered (not refused as unknown), no definition to use
        d.apply("future", "{\"name\":\"future\",\"fieldFromTheFuture\":1}");
        assertTrue(d.contains("future"));
        assertTrue(d.config("future").isEmpty());
        // neither a target name nor a definition: ignored, nothing heard
        d.apply("not a name", "{\"name\":\"x\"}");
        d.apply(null, "{}");
        assertFalse(d.contains("not a name"));
        assertEquals(Set.of("future", "gpt-ft"), d.names());
        assertEquals(1, d.configs().size());

        d.apply("gpt-ft", null);
        assertFalse(d.contains("gpt-ft"));
        assertTrue(d.config("gpt-ft").isEmpty());
        assertEquals(List.of("gpt-ft:ft:gpt-4o:acme:true", "future:unreadable:true", "gpt-ft:deleted:false"), heard);
        assertNull(d.config(null).orElse(null));
    }

    @Test
    void aServicesOwnWritesAreHeldAtOnce() {
        TargetDirectory d = new TargetDirectory(null);
        TargetConfig t = TargetFile.parseTarget("{\"name\":\"sim-base\",\"choicesPerCall\":10}").withDefaults();
        d.wrote(t);
        assertEquals(t, d.config("sim-base").orElseThrow());
        d.deleted("sim-base");
        assertFalse(d.contains("sim-base"));
        assertFalse(d.sync().join(), "no reader: a barrier answers false at once");
    }
}
