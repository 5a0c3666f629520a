package dev.pmc.generator;

import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.targets.CronSchedule;
import dev.pmc.core.targets.Intervals;
import dev.pmc.core.targets.TargetConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts each scheduled target's runs: targets with {@code schedule.every} run at start and then every period;
 * {@code schedule.cron} at each matching minute (UTC). A run still going when the next one is due is not
 * overlapped: the slot is skipped, counted in pmc_scheduler_overlaps_total and reported with its reason in
 * {@code GET /api/v1/schedules} and the log (the schedule cannot be met: runs take longer than the period).
 * pmc_target_last_completed_run_timestamp_seconds and pmc_target_schedule_period_seconds feed the "no
 * completed run within two periods" alert.
 */
@ApplicationScoped
public class RunScheduler {
    private static final Logger LOG = Logger.getLogger(RunScheduler.class);

    /** What GET /api/v1/schedules shows per scheduled target. */
    public record Status(String target, String every, String cron, double periodSeconds, Instant nextDueAt, String lastRunId,
                         String lastRunState, Instant lastCompletedAt, long started, long overlaps, Instant lastSkippedAt,
                         String lastSkipReason) {
    }

    private static final class Entry {
        TargetConfig.Schedule schedule;
        /** schedule.cron read once when the schedule is seen (not on every tick). */
        CronSchedule cron;
        Instant nextDue;
        String lastRunId;
        long started, overlaps;
        Instant lastSkippedAt;
        String lastSkipReason;
        volatile double lastCompletedEpochSeconds;
        volatile double periodSeconds;
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Inject
    TargetRegistry registry;
    @Inject
    RunService runs;
    @Inject
    RunStore store;
    @Inject
    MeterRegistry meters;
    @ConfigProperty(name = "pmc.scheduler.enabled")
    boolean enabled;
    @ConfigProperty(name = "pmc.scheduler.first-run-delay")
    Duration firstRunDelay;
    @Inject
    LeaderElection leader;

    /**
     * Only the leader schedules. A one-second tick over all targets rather than a quarkus-scheduler job per target: the
     * skip-on-overlap rule, the run ids shared by replicas and the hand-over between leaders need the targets side by side.
     */
    @Scheduled(identity = "run-scheduler", every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void tick() {
        if (!enabled || !leader.isLeader()) return;
        try {
            Instant now = Instant.now();
            for (TargetConfig t : registry.all()) {
                if (t.schedule() == null) {
                    entries.remove(t.name());
                    continue;
                }
                Entry e = entries.computeIfAbsent(t.name(), n -> register(n, now));
                if (!t.schedule().equals(e.schedule)) {
                    e.schedule = t.schedule();
                    e.cron = t.schedule().cron() == null ? null : CronSchedule.parse(t.schedule().cron());
                    e.nextDue = first(e, now);
                }
                e.periodSeconds = period(e, now);
                Run last = e.lastRunId == null ? null : store.get(e.lastRunId).orElse(null);
                if (last != null && last.completedAtMs() != null) e.lastCompletedEpochSeconds = Math.max(e.lastCompletedEpochSeconds, last.completedAtMs() / 1000.0);
                if (now.isBefore(e.nextDue)) continue;
                Instant due = e.nextDue;
                e.nextDue = next(e, e.nextDue, now);
                if (last == null || !last.active()) last = activeScheduledRun(t.name());
                if (last != null && last.active()) {
                    e.lastSkippedAt = now;
                    e.lastSkipReason = "run " + last.runId() + " (started " + Instant.ofEpochMilli(last.createdAtMs()) + ", " + last.settled() + "/"
                            + last.slots() + " slots settled) is still going when the next run is due: the schedule of " + t.name()
                            + " cannot be met; runs take longer than its period";
                    e.overlaps++;
                    Counter.builder("pmc_scheduler_overlaps_total").description("Scheduled runs skipped because the previous run was still going")
                            .tag("target", t.name()).register(meters).increment();
                    LOG.warnf("skipping scheduled run of %s: %s", t.name(), e.lastSkipReason);
                    continue;
                }
                try {
                    // the id is the due time and the target: two leaders at once (a partition) would make the same run
                    // one run per instrument of the target, all due at once; the first one's id is the period's
                    String periodId = scheduledRunId(due, e.periodSeconds, t.name());
                    Run r = null;
                    for (String instrument : t.instruments()) {
                        String id = Instruments.isDefault(instrument) ? periodId : periodId + "." + instrument;
                        Run started = runs.start(new RunRequest(t.name(), null, null, null, null, null, null, instrument), "schedule", id);
                        if (r == null) r = started;
                    }
                    e.lastRunId = r.runId();
                    e.started++;
                    LOG.infof("scheduled run %s of %s started (%d slots); next due %s", r.runId(), t.name(), r.slots(), e.nextDue);
                } catch (RuntimeException ex) {
                    e.lastSkippedAt = now;
                    e.lastSkipReason = "cannot start: " + ex.getMessage();
                    LOG.errorf("scheduled run of %s cannot start: %s", t.name(), ex.getMessage());
                }
            }
            entries.keySet().removeIf(name -> registry.get(name).map(TargetConfig::schedule).isEmpty());
        } catch (RuntimeException ex) {
            LOG.errorf(ex, "scheduler tick failed");
        }
    }

    /**
     * The id of the scheduled run of a target due at {@code due}: its time is the start of the schedule period the due
     * time falls in, so it is time-ordered like every run id and the same for any replica scheduling that period.
     */
    static String scheduledRunId(Instant due, double periodSeconds, String target) {
        long periodMs = Math.max(1000, (long) (periodSeconds * 1000));
        Instant slot = Instant.ofEpochMilli(Math.floorDiv(due.toEpochMilli(), periodMs) * periodMs);
        return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC).format(slot) + "-" + target;
    }

    /**
     * A scheduled run of the target still going (any of its instruments; a new leader finds the previous leader's runs
     * in the store): only the schedule's own runs hold the next period back (a manual run, such as the self run
     * bin/pmc up submits at start, must not cost the schedule its first period).
     */
    private Run activeScheduledRun(String target) {
        return store.all().stream().filter(r -> r.target().equals(target) && "schedule".equals(r.trigger()) && r.active()).findFirst().orElse(null);
    }

    private Entry register(String name, Instant now) {
        Entry e = new Entry();
        // until a first run completes, the alert's clock starts when the schedule is registered
        e.lastCompletedEpochSeconds = now.getEpochSecond();
        Gauge.builder("pmc_target_last_completed_run_timestamp_seconds", e, x -> x.lastCompletedEpochSeconds)
                .description("When the target's last scheduled run completed (schedule registration time before the first)")
                .tag("target", name).register(meters);
        Gauge.builder("pmc_target_schedule_period_seconds", e, x -> x.periodSeconds)
                .description("The target's schedule period (for cron: the gap between its next two times)").tag("target", name).register(meters);
        return e;
    }

    private Instant first(Entry e, Instant now) {
        return e.cron == null ? now.plus(firstRunDelay) : e.cron.next(ZonedDateTime.ofInstant(now, ZoneOffset.UTC)).toInstant();
    }

    private static Instant next(Entry e, Instant due, Instant now) {
        if (e.cron != null) return e.cron.next(ZonedDateTime.ofInstant(now, ZoneOffset.UTC)).toInstant();
        Duration p = Intervals.parse(e.schedule.every());
        Instant n = due.plus(p);
        while (!n.isAfter(now)) n = n.plus(p); // missed periods are not made up
        return n;
    }

    private static double period(Entry e, Instant now) {
        if (e.cron == null) return Intervals.parse(e.schedule.every()).toMillis() / 1000.0;
        ZonedDateTime a = e.cron.next(ZonedDateTime.ofInstant(now, ZoneOffset.UTC));
        return Duration.between(a, e.cron.next(a)).toMillis() / 1000.0;
    }

    /** Synchronized with {@link #tick()}, so a status never shows an overlap without its reason. */
    public synchronized List<Status> status() {
        List<Status> out = new ArrayList<>();
        new TreeMap<>(entries).forEach((name, e) -> {
            Run last = e.lastRunId == null ? null : store.get(e.lastRunId).orElse(null);
            out.add(new Status(name, e.schedule == null ? null : e.schedule.every(), e.schedule == null ? null : e.schedule.cron(),
                    e.periodSeconds, e.nextDue, e.lastRunId, last == null ? null : last.state(),
                    e.lastCompletedEpochSeconds > 0 && last != null && last.completedAtMs() != null ? Instant.ofEpochMilli(last.completedAtMs()) : null,
                    e.started, e.overlaps, e.lastSkippedAt, e.lastSkipReason));
        });
        return out;
    }
}
