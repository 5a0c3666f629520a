package dev.pmc.gateway;

import dev.pmc.core.events.PromptEvent;
import dev.pmc.core.events.ResponseEvent;
import dev.pmc.core.events.SlotId;
import dev.pmc.core.targets.TargetConfig;
import dev.pmc.gateway.provider.ProviderReply;
import dev.pmc.gateway.provider.RateLimitInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How one call's reply becomes the response events of the prompts that shared it. */
class GroupResponsesTest {
    private static List<PromptEvent> cell(int k) {
        List<PromptEvent> out = new ArrayList<>();
        for (int rep = 1; rep <= k; rep++) {
            out.add(new PromptEvent(PromptEvent.VERSION, new SlotId("run", "t", "7", 12, rep), 1, "persona", "item", 0.1, 4, 0L));
        }
        return out;
    }

    private static final TargetConfig.Price PRICE = new TargetConfig.Price(2.5, 10);

    @Test
    void choiceIAnswersPromptIAndTheCostIsShared() {
        var reply = new ProviderReply(List.of("1", "4", "3"), null, 140, 3, RateLimitInfo.NONE);
        List<ResponseEvent> r = GatewayProcessor.responses(cell(3), "m", new ProviderCaller.Outcome(reply, null, 1), PRICE, 12, 99);
        assertEquals(List.of("1", "4", "3"), r.stream().map(ResponseEvent::reply).toList());
        for (int i = 0; i < 3; i++) {
            assertEquals(i + 1, r.get(i).slot().repetition());
            assertNull(r.get(i).error());
            assertEquals(r.get(i).slot(), r.get(i).prompt().slot(), "each event carries its own prompt, so the scorer can re-ask it");
        }
        double call = (140 * 2.5 + 3 * 10) / 1e6;
        assertEquals(call, r.stream().mapToDouble(ResponseEvent::costUsd).sum(), 1e-15, "the call's cost once, split over its answers");
        assertEquals(call / 3, r.get(2).costUsd(), 1e-15);
    }

    @Test
    void promptsWithoutAChoiceGetAnErrorTheScorerReAsks() {
        // an endpoint that ignores n answers once
        var reply = new ProviderReply(List.of("2"), null, 140, 1, RateLimitInfo.NONE);
        List<ResponseEvent> r = GatewayProcessor.responses(cell(4), "m", new ProviderCaller.Outcome(reply, null, 1), PRICE, 5, 5);
        assertEquals("2", r.get(0).reply());
        assertNull(r.get(0).error());
        for (int i = 1; i < 4; i++) {
            assertNull(r.get(i).reply());
            assertEquals("the provider returned 1 of 4 choices asked for (n)", r.get(i).error());
        }
        // more choices than asked (a misbehaving endpoint): the extra ones are dropped
        var extra = new ProviderReply(List.of("1", "2", "3"), null, 10, 3, RateLimitInfo.NONE);
        assertEquals(2, GatewayProcessor.responses(cell(2), "m", new ProviderCaller.Outcome(extra, null, 1), PRICE, 1, 1).size());
    }

    @Test
    void aFailedCallGivesEveryPromptItsErrorAndNoCost() {
        List<ResponseEvent> r = GatewayProcessor.responses(cell(5), "m", new ProviderCaller.Outcome(null, "HTTP 503", 3), PRICE, 5, 5);
        assertEquals(5, r.size());
        assertTrue(r.stream().allMatch(e -> "HTTP 503".equals(e.error()) && e.reply() == null && e.costUsd() == null));
    }

    @Test
    void aPromptTheProviderBlockedIsARefusalForEveryPromptOfTheCallAndItsInputIsStillPaid() {
        var reply = new ProviderReply(List.of(), null, 140, 0, RateLimitInfo.NONE, "prompt blocked (SAFETY)");
        List<ResponseEvent> r = GatewayProcessor.responses(cell(3), "m", new ProviderCaller.Outcome(reply, null, 1), PRICE, 5, 5);
        assertEquals(3, r.size());
        for (ResponseEvent e : r) {
            assertNull(e.reply());
            assertEquals(ResponseEvent.PROVIDER_REFUSAL + "prompt blocked (SAFETY)", e.error());
            assertTrue(e.costUsd() > 0);
        }
    }
}
