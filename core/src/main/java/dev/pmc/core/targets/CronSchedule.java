package dev.pmc.core.targets;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;

/**
 * A 5-field cron expression (minute hour day-of-month month day-of-week, UTC) with *, lists, ranges and
 * steps; day-of-week 0 or 7 is Sunday. When both day fields are restricted, either may match (Vixie cron).
 */
public final class CronSchedule {
    private final BitSet minutes, hours, days, months, weekdays;
    private final boolean dayStar, weekdayStar;
    private final String text;

    private CronSchedule(String text, BitSet mi, BitSet h, BitSet d, BitSet mo, BitSet w, boolean dayStar, boolean weekdayStar) {
        this.text = text;
        this.minutes = mi;
        this.hours = h;
        this.days = d;
        this.months = mo;
        this.weekdays = w;
        this.dayStar = dayStar;
        this.weekdayStar = weekdayStar;
    }

    public static CronSchedule parse(String text) {
        String[] f = text == null ? new String[0] : text.strip().split("\\s+");
        if (f.length != 5) throw new IllegalArgumentException("must have 5 fields (minute hour day month weekday), was '" + text + "'");
        BitSet w = field(f[4], 0, 7, "weekday");
        if (w.get(7)) w.set(0);
        return new CronSchedule(text.strip(), field(f[0], 0, 59, "minute"), field(f[1], 0, 23, "hour"), field(f[2], 1, 31, "day"),
                field(f[3], 1, 12, "month"), w, f[2].equals("*"), f[4].equals("*"));
    }

    private static BitSet field(String f, int lo, int hi, String what) {
        BitSet out = new BitSet(hi + 1);
        for (String part : f.split(",")) {
            try {
                int step = 1;
                String range = part;
                int slash = part.indexOf('/');
                if (slash >= 0) {
                    step = Integer.parseInt(part.substring(slash + 1));
                    range = part.substring(0, slash);
                    if (step < 1) throw new NumberFormatException();
                }
                int a, b;
                if (range.equals("*")) {
                    a = lo;
                    b = hi;
                } else if (range.contains("-")) {
                    a = Integer.parseInt(range.substring(0, range.indexOf('-')));
                    b = Integer.parseInt(range.substring(range.indexOf('-') + 1));
                } else {
                    a = Integer.parseInt(range);
                    b = slash >= 0 ? hi : a;
                }
                if (a < lo || b > hi || a > b) throw new IllegalArgumentException(what + " field '" + part + "' is outside " + lo + ".." + hi);
                for (int v = a; v <= b; v += step) out.set(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " field '" + part + "' is not a number, range, list or step");
            }
        }
        return out;
    }

    /** The first matching minute strictly after {@code after}. */
    public ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime t = after.withZoneSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        for (int i = 0; i < 366 * 24 * 60 * 5; i++) {
            if (matches(t)) return t;
            t = t.plusMinutes(1);
        }
        throw new IllegalStateException("cron '" + text + "' never matches");
    }

    private boolean matches(ZonedDateTime t) {
        if (!minutes.get(t.getMinute()) || !hours.get(t.getHour()) || !months.get(t.getMonthValue())) return false;
        boolean d = days.get(t.getDayOfMonth());
        boolean w = weekdays.get(t.getDayOfWeek().getValue() % 7);
        if (dayStar || weekdayStar) return d && w;
        return d || w;
    }

    @Override
    public String toString() {
        return text;
    }
}
