package dev.pmc.core;

import dev.pmc.core.instruments.Instrument;
import dev.pmc.core.instruments.InstrumentFile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The MFQ-30 instrument as used by the reference protocol: 30 items (15 relevance, 15 agreement; the two
 * catch items dropped), foundations cycling Harm, Fairness, Loyalty, Authority, Purity, and the 0-5 anchors.
 * Its data is the instrument file {@code pmc/instruments/mfq30.json} ({@link Instrument}); this class checks that the
 * file is the MFQ-30 the rest of the code assumes (30 items, kinds relevance and agreement, item q in foundation
 * (q-1) mod 5) and gives it typed access.
 */
public final class Mfq30 {
    public static final int ITEMS = 30;
    public static final int MIN_RATING = 0;
    public static final int MAX_RATING = 5;

    private static final Mfq30 INSTANCE = load();

    private final Instrument instrument;
    private final List<MfqItem> items;
    private final Map<ItemType, List<String>> anchors;

    private Mfq30(Instrument instrument, List<MfqItem> items, Map<ItemType, List<String>> anchors) {
        this.instrument = instrument;
        this.items = List.copyOf(items);
        this.anchors = anchors;
    }

    public static Mfq30 get() {
        return INSTANCE;
    }

    /** The instrument file behind it. */
    public Instrument instrument() {
        return instrument;
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

    static Mfq30 of(Instrument in) {
        if (in.size() != ITEMS) throw new IllegalStateException(in.name() + ": MFQ-30 needs 30 items, has " + in.size());
        if (in.min() != MIN_RATING || in.max() != MAX_RATING) throw new IllegalStateException(in.name() + ": MFQ-30's scale is 0..5");
        Map<ItemType, List<String>> anchors = new EnumMap<>(ItemType.class);
        for (ItemType t : ItemType.values()) {
            Instrument.Kind k = in.kinds().get(t.name().toLowerCase(java.util.Locale.ROOT));
            if (k == null) throw new IllegalStateException(in.name() + ": MFQ-30 needs item kind " + t.name().toLowerCase(java.util.Locale.ROOT));
            anchors.put(t, Collections.unmodifiableList(new ArrayList<>(k.anchors())));
        }
        List<MfqItem> items = new ArrayList<>();
        for (Instrument.Item i : in.items()) {
            Foundation f = Foundation.ofItem(i.id());
            if (!f.key.equals(i.group())) throw new IllegalStateException(in.name() + ": item " + i.id() + " must be in foundation " + f.key + ", is in " + i.group());
            items.add(new MfqItem(i.id(), ItemType.parse(i.kind()), f, i.text()));
        }
        return new Mfq30(in, items, anchors);
    }

    private static Mfq30 load() {
        return of(InstrumentFile.builtIn("mfq30"));
    }
}
