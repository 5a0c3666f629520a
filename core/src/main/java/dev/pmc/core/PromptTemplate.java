package dev.pmc.core;

import dev.pmc.core.instruments.Instrument;

/**
 * Builds the chat messages for one MFQ item, with or without a persona. The persona goes in the system
 * message (absent for "self" runs); the user message holds the instructions, the scale and the item,
 * on a line of its own after "Consideration:" or "Statement:" (the instrument file's item kinds).
 */
public final class PromptTemplate {
    public static final String PERSONA_PREFIX = "You are role-playing as the following persona: ";

    private PromptTemplate() {
    }

    /** System message for a persona, or null for a run without persona. */
    public static String system(String personaText) {
        if (personaText == null) return null;
        return PERSONA_PREFIX + personaText
                + "\nStay fully in character and answer every question as this persona would.";
    }

    /** The user message of an MFQ-30 item: the instrument file's template ({@link Instrument#userPrompt}). */
    public static String user(MfqItem item) {
        var in = Mfq30.get().instrument();
        return in.userPrompt(in.item(item.id()));
    }
}
