package dev.pmc.core.instruments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A questionnaire as data: its items (id 1..N, wording, kind, group, reverse keying), its rating scale (min..max,
 * which is also the range the parser accepts), its groups (MFQ-30's foundations, BFI-44's domains) and one prompt
 * template per item kind. Instruments are loaded from JSON files ({@link InstrumentFile}); adding one needs no Java.
 *
 * <p>The user prompt of an item is the kind's intro, the scale's anchors one per line ("k = anchor" for
 * k = min..max), a blank line, the kind's item prefix and the item's text, a blank line, and the answer instruction.
 */
public record Instrument(String name, String title, int min, int max, String groupKind, List<Group> groups,
                         Map<String, Kind> kinds, String answer, List<Item> items) {

    /** A group of items: key (a Prometheus label value), label (for people). */
    public record Group(String key, String label) {
    }

    /** How items of a kind are asked: the intro, the anchors of min..max, the prefix before the item's text. */
    public record Kind(String intro, List<String> anchors, String itemPrefix) {
    }

    /** One item: 1-based id, kind, group key, reverse keyed (scored max + min − y for group means), text. */
    public record Item(int id, String kind, String group, boolean reverse, String text) {
    }

    public Instrument {
        groups = List.copyOf(groups);
        kinds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kinds));
        items = List.copyOf(items);
    }

    public int size() {
        return items.size();
    }

    /** @param id 1-based item id */
    public Item item(int id) {
        if (id < 1 || id > items.size()) throw new IllegalArgumentException(name + " item id must be 1.." + items.size() + ": " + id);
        return items.get(id - 1);
    }

    /** Whether a rating is on the instrument's scale (what the parser accepts as valid). */
    public boolean valid(int rating) {
        return rating >= min && rating <= max;
    }

    /** The rating as it counts toward its group's mean: reverse-keyed items are scored max + min − y. */
    public int keyed(Item item, int rating) {
        return item.reverse() ? max + min - rating : rating;
    }

    /** Item ids (1-based) of a group, in order. */
    public int[] itemsOf(String groupKey) {
        List<Integer> ids = new ArrayList<>();
        for (Item i : items) if (i.group().equals(groupKey)) ids.add(i.id());
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Every item id, 1..N. */
    public int[] allItems() {
        int[] ids = new int[items.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = i + 1;
        return ids;
    }

    /** The user message asking one item (see the class comment). */
    public String userPrompt(Item item) {
        Kind k = kinds.get(item.kind());
        StringBuilder sb = new StringBuilder(512);
        sb.append(k.intro()).append('\n');
        for (int r = min; r <= max; r++) sb.append(r).append(" = ").append(k.anchors().get(r - min)).append('\n');
        sb.append('\n').append(k.itemPrefix()).append(item.text()).append("\n\n");
        sb.append(answer);
        return sb.toString();
    }
}
