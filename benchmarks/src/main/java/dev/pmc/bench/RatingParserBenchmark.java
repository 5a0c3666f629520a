package dev.pmc.bench;

import dev.pmc.core.ItemType;
import dev.pmc.core.scoring.ParsedRating;
import dev.pmc.core.scoring.RatingParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** Replies parsed per second on one thread, for short, medium and long replies. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RatingParserBenchmark {
    /** short: what models answer under the protocol; medium: one sentence; long: an explanation. */
    @Param({"short", "medium", "long"})
    public String kind;

    private String[] replies;
    private int i;

    @Setup
    public void setup() {
        replies = switch (kind) {
            case "short" -> new String[]{"4", "2", "**5**", "0", "3.", "1", " 5\n", "4 - moderately agree"};
            case "medium" -> new String[]{"I'd rate it a 3.", "Rating: 4", "Strongly agree.", "My answer is 2, because it depends.",
                    "On a scale of 0 to 5, I would say 4.", "Very relevant.", "I'm sorry, but I can't answer that.", "Je dirais 4."};
            default -> new String[]{
                    "Compassion is, in my view, the cornerstone of a good life. Growing up in a small village, I watched my grandmother "
                            + "take in every stray and every neighbour who had fallen on hard times. So while I would not call it the single "
                            + "most crucial virtue in every situation, it comes close. Taking all of that into account, I'd rate it a 4.",
                    "As a tour guide, my focus is on sharing the beauty and knowledge of the Himalayas. I don't have a strong opinion on "
                            + "chastity as a virtue, so I'd rate it a 3. My goal is to help people appreciate the mountains.",
                    "I have thought about this for a long time, and every time I come back to the same place: the question depends on "
                            + "who gives the orders and why. My level of agreement is:\n\n2\n\nMy reasoning is rooted in experience."};
        };
    }

    @Benchmark
    public ParsedRating parse() {
        String r = replies[(i++ & Integer.MAX_VALUE) % replies.length];
        return RatingParser.parse(ItemType.AGREEMENT, r);
    }
}
