package dev.pmc.core.targets;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * A 5-field Unix cron expression (minute hour day-of-month month day-of-week, UTC), read and evaluated by cron-utils
 * (the library quarkus-scheduler uses for cron): *, lists, ranges, steps; day-of-week 0 or 7 is Sunday; when both day
 * fields are restricted either may match (Vixie cron). An expression that can never fire (31 February) is refused.
 */
public final class CronSchedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final String[] FIELDS = {"minute", "hour", "day", "month", "weekday"};

    private final String text;
    private final ExecutionTime times;

    private CronSchedule(String text, Cron cron) {
        this.text = text;
        this.times = ExecutionTime.forCron(cron);
    }

    public static CronSchedule parse(String text) {
        String[] f = text == null ? new String[0] : text.strip().split("\\s+");
        if (f.length != 5) throw new IllegalArgumentException("must have 5 fields (minute hour day month weekday), was '" + text + "'");
        CronSchedule c;
        try {
            c = new CronSchedule(text.strip(), PARSER.parse(text.strip()).validate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(fieldAtFault(f) + reason(e));
        }
        if (c.times.nextExecution(ZonedDateTime.now(ZoneOffset.UTC)).isEmpty())
            throw new IllegalArgumentException("'" + c.text + "' never matches a date");
        return c;
    }

    /** cron-utils does not say which field it refused: the first one refused on its own is named. */
    private static String fieldAtFault(String[] f) {
        for (int i = 0; i < f.length; i++) {
            String[] alone = {"*", "*", "*", "*", "*"};
            alone[i] = f[i];
            try {
                PARSER.parse(String.join(" ", alone)).validate();
            } catch (IllegalArgumentException e) {
                return FIELDS[i] + " field '" + f[i] + "': ";
            }
        }
        return "";
    }

    private static String reason(IllegalArgumentException e) {
        return String.valueOf(e.getMessage()).replace("Failed to parse cron expression. ", "");
    }

    /** The first matching minute strictly after {@code after}. */
    public ZonedDateTime next(ZonedDateTime after) {
        return times.nextExecution(after.withZoneSameInstant(ZoneOffset.UTC))
                .orElseThrow(() -> new IllegalStateException("cron '" + text + "' never matches"));
    }

    @Override
    public String toString() {
        return text;
    }
}
