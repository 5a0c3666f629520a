package dev.pmc.core.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;

import java.util.Map;

/**
 * Keeps every service's /q/metrics clean for {@code promtool check metrics}: built-in meters without help text
 * get one (a known text, else their name), and built-ins that break Prometheus naming rules (non-base units such as *_time_ns_total, gauges named
 * *_count or *_total, names in ms) are dropped; PMC does not use them (process_cpu_usage, kafka_*_lag and the latency
 * histograms stay). Kafka Streams' own meters (kafka_stream_*, bound by quarkus-kafka-streams) are filtered by the same rules.
 */
public final class MetricsHygiene {
    private static final Map<String, String> HELP = Map.of(
            "http.server.active.requests", "HTTP requests being served");

    private MetricsHygiene() {
    }

    public static MeterFilter filter() {
        return new MeterFilter() {
            @Override
            public io.micrometer.core.instrument.config.MeterFilterReply accept(Meter.Id id) {
                return dropped(id.getName(), id.getType()) ? io.micrometer.core.instrument.config.MeterFilterReply.DENY
                        : io.micrometer.core.instrument.config.MeterFilterReply.NEUTRAL;
            }

            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getDescription() != null && !id.getDescription().isBlank()) return id;
                // built-ins without a description (e.g. Kafka's per-node client metrics) get one from their name
                String help = HELP.getOrDefault(id.getName(), id.getName().replace('.', ' ') + " (built-in)");
                return new Meter.Id(id.getName(), io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), help, id.getType());
            }
        };
    }

    /** Built-ins whose exposition promtool rejects. */
    static boolean dropped(String name, Meter.Type type) {
        return name.startsWith("netty.")                           // allocator/executor gauges without help text
                || name.equals("system.cpu.count")                 // a gauge with a _count suffix
                || name.equals("http.server.connections")          // a long task timer whose samples get no help text
                || name.equals("process.cpu.time")                 // nanoseconds, not seconds
                || name.matches("kafka\\..*(-|\\.)ns(-|\\.).*|kafka\\..*time.ns.*")   // kafka client *-time-ns-* meters
                || name.matches("kafka\\..*\\.count") && type != Meter.Type.COUNTER   // gauges with a _count suffix
                || name.matches("kafka\\..*\\.total") && type == Meter.Type.GAUGE     // gauges with a _total suffix
                || name.matches("kafka\\..*\\.ms");                                  // abbreviated unit (start.time.ms,
                                                                                  // Streams' oldest.iterator.open.since.ms)
    }
}
