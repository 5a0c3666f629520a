package dev.pmc.core.instruments;

import dev.pmc.core.events.EventCodec;
import dev.pmc.core.events.InvalidEventException;
import dev.pmc.core.events.PromptEvent;
import dev.pmc.core.events.RatingEvent;
import dev.pmc.core.events.RatingOutcome;
import dev.pmc.core.events.SlotId;
import dev.pmc.core.metrics.PersonaStats;
import dev.pmc.core.targets.TargetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The instrument as a dimension of events, persona statistics and targets: what decodes, what is refused and why. */
class InstrumentEventsTest {
    static final String RUN = "20261126T070000000Z-abcd";

    static String rating(String instrument, int item, Integer rating) {
        String slot = "{\"runId\":\"" + RUN + "\",\"target\":\"t\",\"personaId\":\"3\",\"itemId\":" + item + ",\"repetition\":1"
                + (instrument == null ? "" : ",\"instrument\":\"" + instrument + "\"") + "}";
        return "{\"v\":1,\"slot\":" + slot + ",\"attempt\":1,\"outcome\":\"" + (rating == null ? "refusal" : "valid") + "\",\"rating\":" + rating
                + ",\"rule\":\"r\",\"createdAtMs\":1}";
    }

    @Test
    void registryKnowsTheBuiltInsAndTreatsAMissingNameAsMfq() {
        assertTrue(Instruments.names().containsAll(List.of("mfq30", "bfi44", "self-probe")));
        assertEquals("mfq30", Instruments.get(null).name());
        assertEquals(44, Instruments.get("bfi44").size());
        assertNull(Instruments.find("mfq31"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Instruments.get("mfq31"));
        assertTrue(e.getMessage().contains("bfi44"), e.getMessage());
    }

    @Test
    void aDirectoryAddsInstrumentsButCannotReplaceMfq(@TempDir Path dir) throws Exception {
        String bfi = new String(Instruments.class.getResourceAsStream("/pmc/instruments/bfi44.json").readAllBytes());
        Files.writeString(dir.resolve("bfi10.json"), bfi.replace("\"name\": \"bfi44\"", "\"name\": \"bfi10\"").replace("\"name\":\"bfi44\"", "\"name\":\"bfi10\""));
        assertTrue(Instruments.load(dir).containsKey("bfi10"), "a file adds an instrument");
        String mfq = new String(Instruments.class.getResourceAsStream("/pmc/instruments/mfq30.json").readAllBytes());
        Files.writeString(dir.resolve("mfq30.json"), mfq.replaceFirst("Whether or not", "If"));
        InvalidInstrumentException e = assertThrows(InvalidInstrumentException.class, () -> Instruments.load(dir));
        assertTrue(e.getMessage().contains("cannot be replaced"), e.getMessage());
    }

    @Test
    void eventsWithoutInstrumentAreMfqAndEncodeAsBefore() {
        RatingEvent e = EventCodec.decodeRating(rating(null, 30, 4));
        assertNull(e.slot().instrument());
        assertEquals("mfq30", e.slot().instrumentName());
        assertFalse(EventCodec.encode(new SlotId(RUN, "t", "3", 1, 1)).contains("instrument"), "an MFQ slot without instrument encodes as before");
        assertTrue(EventCodec.encode(new SlotId(RUN, "t", "3", 1, 1, "bfi44")).contains("\"instrument\":\"bfi44\""));
    }

    @Test
    void itemIdsAndRatingsAreCheckedAgainstTheSlotsInstrument() {
        assertEquals(44, EventCodec.decodeRating(rating("bfi44", 44, 5)).slot().itemId());
        assertRefused(rating("bfi44", 45, 3), "slot itemId must be 1..44, is 45");
        assertRefused(rating("mfq30", 31, 3), "slot itemId must be 1..30, is 31");
        assertRefused(rating(null, 31, 3), "slot itemId must be 1..30, is 31");
        assertRefused(rating("bfi44", 3, 0), "valid rating event needs a rating 1-5, has 0");
        assertEquals(0, EventCodec.decodeRating(rating("mfq30", 3, 0)).rating(), "0 is on MFQ-30's scale");
        assertRefused(rating("mfq99", 3, 3), "slot instrument 'mfq99' is not known here");
        assertRefused(rating("x".repeat(20_000), 3, 3), "slot instrument of 20000 chars exceeds 256");
        assertRefused(rating("", 3, 3).replace("\"instrument\":\"\"", "\"instrument\":17"), "is not known here");
        // a prompt of a BFI item beyond 44 is refused at the gateway's edge too
        String prompt = EventCodec.encode(new PromptEvent(1, new SlotId(RUN, "t", "3", 44, 1, "bfi44"), 1, null, "q", 0.1, 4, 1));
        assertEquals("bfi44", EventCodec.decodePrompt(prompt).slot().instrument());
        assertThrows(InvalidEventException.class, () -> EventCodec.decodePrompt(prompt.replace("\"itemId\":44", "\"itemId\":45")));
    }

    private static void assertRefused(String json, String reason) {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> EventCodec.decodeRating(json));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void personaStatisticsHaveOneCellPerItemOfTheirInstrument() throws Exception {
        PersonaStats bfi = new PersonaStats("t", RUN, "3", "bfi44");
        assertEquals(44, bfi.items());
        assertTrue(bfi.accept(EventCodec.decodeRating(rating("bfi44", 44, 2))));
        assertEquals(1, bfi.values(44).length);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> bfi.accept(EventCodec.decodeRating(rating(null, 3, 2))));
        assertTrue(wrong.getMessage().contains("mfq30 rating cannot enter bfi44"), wrong.getMessage());
        String json = EventCodec.mapper().writeValueAsString(bfi);
        PersonaStats back = EventCodec.mapper().readValue(json, PersonaStats.class);
        assertEquals("bfi44", back.getInstrument());
        assertEquals(44, back.items());
        assertEquals(2, back.values(44)[0]);
        PersonaStats mfq = new PersonaStats("t", RUN, "3", "mfq30");
        assertNull(mfq.getInstrument(), "MFQ statistics keep their JSON as before instruments");
        assertFalse(EventCodec.mapper().writeValueAsString(mfq).contains("instrument"));
        assertEquals(30, mfq.items());
    }

    @Test
    void targetsListKnownInstrumentsOnce() {
        TargetConfig ok = new TargetConfig("t", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                List.of("mfq30", "bfi44", "self-probe"), null);
        assertEquals(List.of(), ok.problems("targets[0]"));
        assertEquals(List.of("mfq30"), new TargetConfig("t", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null).withDefaults().instruments());
        List<String> p = new TargetConfig("t", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                java.util.Arrays.asList("bfi44", "bfi44", "mfq31", null), null).problems("targets[0]");
        assertTrue(p.stream().anyMatch(s -> s.equals("targets[0].instruments lists 'bfi44' twice")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("targets[0].instruments: 'mfq31' is not a known instrument")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("targets[0].instruments: null is not a known instrument")), p.toString());
        assertTrue(new TargetConfig("t", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, List.of(), null)
                .problems("t").get(0).contains("instruments must list 1..8"));
    }
}
