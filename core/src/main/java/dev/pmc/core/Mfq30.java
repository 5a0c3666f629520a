package dev.pmc.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The MFQ-30 instrument as used by the reference protocol: 30 items (15 relevance, 15 agreement; the two
 * catch items dropped), foundations cycling Harm, Fairness, Loyalty, Authority, Purity, and the 0-5 anchors.
 * Loaded once from {@code pmc/mfq30.json}.
 */
public final class Mfq30 {
    public static final int ITEMS = 30;
    public static final int MIN_RATING = 0;
    public static final int MAX_RATING = 5;

    private static final Mfq30 INSTANCE = load();

    private final List<MfqItem> items;
    private final Map<ItemType, List<String>> anchors;

    private Mfq30(List<MfqItem> items, Map<ItemType, List<String>> anchors) {
        this.items = List.copyOf(items);
        this.anchors = anchors;
    }

    public static Mfq30 get() {
        return INSTANCE;
    }

    public List<MfqItem> items() {
        return items;
    }

    /** @param id 1-based item id */
    public MfqItem item(int id) {
        if (id < 1 || id > items.size()) {
            throw new IllegalArgumentException("MFQ item id must be 1.." + items.size() + ": " + id);
        }
        return items.get(id - 1);
    }

    /** The six anchors (index = rating) for an item type, e.g. relevance 4 = "very relevant". */
    public List<String> anchors(ItemType type) {
        return anchors.get(type);
    }

    private static Mfq30 load() {
        try (InputStream in = Mfq30.class.getResourceAsStream("/pmc/mfq30.json")) {
            if (in == null) throw new IllegalStateException("missing resource pmc/mfq30.json");
            JsonNode root = new ObjectMapper().readTree(in);
            Map<ItemType, List<String>> anchors = new EnumMap<>(ItemType.class);
            for (ItemType t : ItemType.values()) {
                List<String> a = new ArrayList<>();
                root.path("scales").path(t.name().toLowerCase()).forEach(n -> a.add(n.asText()));
                if (a.size() != 6) throw new IllegalStateException("scale " + t + " needs 6 anchors, has " + a.size());
                anchors.put(t, Collections.unmodifiableList(a));
            }
            List<MfqItem> items = new ArrayList<>();
            for (JsonNode n : root.path("items")) {
                int id = n.path("id").asInt();
                if (id != items.size() + 1) throw new IllegalStateException("items must be numbered 1..30 in order; got " + id);
                items.add(new MfqItem(id, ItemType.parse(n.path("type").asText()), Foundation.ofItem(id), n.path("text").asText()));
            }
            if (items.size() != ITEMS) throw new IllegalStateException("expected 30 MFQ items, found " + items.size());
            return new Mfq30(items, anchors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
