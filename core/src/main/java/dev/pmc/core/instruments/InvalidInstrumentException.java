package dev.pmc.core.instruments;

import java.util.List;

/** An instrument file that cannot be used, with every problem found (each naming the file and field). */
public final class InvalidInstrumentException extends IllegalArgumentException {
    private final List<String> problems;

    public InvalidInstrumentException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
