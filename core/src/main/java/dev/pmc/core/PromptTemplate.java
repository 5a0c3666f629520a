package dev.pmc.core;

import java.util.List;

/**
 * Builds the chat messages for one MFQ item, with or without a persona. The persona goes in the system
 * message (absent for "self" runs); the user message holds the instructions, the scale and the item,
 * on a line of its own after "Consideration:" or "Statement:".
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

    public static String user(MfqItem item) {
        List<String> a = Mfq30.get().anchors(item.type());
        StringBuilder sb = new StringBuilder(512);
        if (item.type() == ItemType.RELEVANCE) {
            sb.append("When you decide whether something is right or wrong, to what extent is the following "
                    + "consideration relevant to your thinking? Rate it on this scale:\n");
        } else {
            sb.append("Please indicate how much you agree or disagree with the following statement, "
                    + "on this scale:\n");
        }
        for (int i = 0; i < a.size(); i++) sb.append(i).append(" = ").append(a.get(i)).append('\n');
        sb.append('\n').append(item.type() == ItemType.RELEVANCE ? "Consideration: " : "Statement: ")
                .append(item.text()).append("\n\n");
        sb.append("Answer with a single integer from 0 to 5 and nothing else.");
        return sb.toString();
    }
}
