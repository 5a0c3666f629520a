package dev.pmc.sim;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the simulated provider saw: calls by outcome, and admitted calls per second (so benchmarks can measure
 * achieved throughput and the busiest 60-second window at the provider, where limits are enforced).
 */
public final class SimStats {
    private final Map<String, LongAdder> byOutcome = new ConcurrentHashMap<>();
    private final Map<Long, LongAdder> admittedPerSecond = new ConcurrentHashMap<>();
    private final AtomicLong distinctRequests = new AtomicLong();

    void count(String outcome) {
        byOutcome.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    /** Seconds of admitted counts kept (the busiest-60-s window needs only the recent past; bounded state). */
    static final int KEPT_SECONDS = 3600;

    void admitted() {
        long now = System.currentTimeMillis() / 1000;
        admittedPerSecond.computeIfAbsent(now, k -> new LongAdder()).increment();
        if (admittedPerSecond.size() > KEPT_SECONDS + 60) admittedPerSecond.keySet().removeIf(sec -> sec < now - KEPT_SECONDS);
    }

    void distinct() {
        distinctRequests.incrementAndGet();
    }

    public synchronized void reset() {
        byOutcome.clear();
        admittedPerSecond.clear();
        distinctRequests.set(0);
    }

    /** Snapshot: counts by outcome, calls, admitted per second (epoch second → count) and the busiest 60 s. */
    public Map<String, Object> snapshot() {
        Map<String, Long> outcomes = new TreeMap<>();
        long calls = 0;
        for (var e : byOutcome.entrySet()) {
            outcomes.put(e.getKey(), e.getValue().sum());
            calls += e.getValue().sum();
        }
        TreeMap<Long, Long> perSecond = new TreeMap<>();
        admittedPerSecond.forEach((k, v) -> perSecond.put(k, v.sum()));
        long best = 0;
        if (!perSecond.isEmpty()) {
            for (long start = perSecond.firstKey(); start <= perSecond.lastKey(); start++) {
                long sum = 0;
                for (long v : perSecond.subMap(start, start + 60).values()) sum += v;
                best = Math.max(best, sum);
            }
        }
        Map<String, Object> out = new TreeMap<>();
        out.put("calls", calls);
        out.put("outcomes", outcomes);
        out.put("distinctRequests", distinctRequests.get());
        out.put("admittedPerSecond", perSecond);
        out.put("maxAdmittedIn60s", best);
        return out;
    }
}
