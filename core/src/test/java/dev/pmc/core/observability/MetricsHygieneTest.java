package dev.pmc.core.observability;

import io.micrometer.core.instrument.Meter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in meters promtool rejects are dropped, by name and type; counters and PMC's own meters stay. */
class MetricsHygieneTest {
    @Test
    void kafkaStreamsMetersThatBreakPrometheusNamingAreDropped() {
        // the three quarkus-kafka-streams binds that promtool check metrics flagged in EndToEndIT
        assertTrue(MetricsHygiene.dropped("kafka.stream.state.oldest.iterator.open.since.ms", Meter.Type.GAUGE));
        assertTrue(MetricsHygiene.dropped("kafka.stream.task.active.buffer.count", Meter.Type.GAUGE));
        assertTrue(MetricsHygiene.dropped("kafka.stream.task.cache.size.bytes.total", Meter.Type.GAUGE));
        // the client meters dropped before keep being dropped
        assertTrue(MetricsHygiene.dropped("kafka.consumer.connection.count", Meter.Type.GAUGE));
        assertTrue(MetricsHygiene.dropped("kafka.app.info.start.time.ms", Meter.Type.GAUGE));
        assertTrue(MetricsHygiene.dropped("process.cpu.time", Meter.Type.COUNTER));
    }

    @Test
    void countersNamedTotalAndPmcMetersStay() {
        assertFalse(MetricsHygiene.dropped("kafka.consumer.fetch.manager.records.consumed.total", Meter.Type.COUNTER));
        assertFalse(MetricsHygiene.dropped("kafka.stream.task.process.total", Meter.Type.COUNTER));
        assertFalse(MetricsHygiene.dropped("kafka.consumer.fetch.manager.records.lag", Meter.Type.GAUGE));
        assertFalse(MetricsHygiene.dropped("pmc_gateway_requests_total", Meter.Type.COUNTER));
        assertFalse(MetricsHygiene.dropped("pmc_rating_share", Meter.Type.GAUGE));
    }
}
