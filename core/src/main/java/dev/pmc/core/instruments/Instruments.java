package dev.pmc.core.instruments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The instruments every stage of this process knows: the built-ins (mfq30, bfi44, self-probe) and the files of the
 * operator's instrument directory, named by {@code -Dpmc.instruments.dir} or the environment variable
 * {@code PMC_INSTRUMENTS_DIR} (every service of a deployment must see the same directory: an event naming an
 * instrument its consumer does not know is dead-lettered with that reason). A file may add instruments, or replace a
 * built-in other than mfq30 (whose output must stay the published method's). An event or run without instrument is
 * an MFQ-30 one ({@link #DEFAULT}), so events written before instruments existed still decode.
 */
public final class Instruments {
    public static final String DEFAULT = "mfq30";
    /** The self-assessment probe: asked without persona, read next to the behavioural verdict. */
    public static final String SELF_PROBE = "self-probe";
    public static final String DIR_PROPERTY = "pmc.instruments.dir", DIR_ENV = "PMC_INSTRUMENTS_DIR";

    private Instruments() {
    }

    private static final class Holder {
        static final Map<String, Instrument> KNOWN = load(configuredDir());
    }

    static Path configuredDir() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null || dir.isBlank()) dir = System.getenv(DIR_ENV);
        return dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    /** The built-ins and the directory's files (see the class comment); a bad file fails with every problem named. */
    static Map<String, Instrument> load(Path dir) {
        try {
            Map<String, Instrument> all = InstrumentFile.all(dir);
            Instrument mfq = all.get(DEFAULT);
            if (!mfq.equals(InstrumentFile.builtIn(DEFAULT))) {
                throw new InvalidInstrumentException(java.util.List.of(dir + "/" + DEFAULT + ".json: mfq30 is the published method's instrument"
                        + " and cannot be replaced; give your variant another name"));
            }
            return Map.copyOf(all);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read instrument directory " + dir, e);
        }
    }

    /** The instrument of that name (null or blank: mfq30), or null when none is known by it. */
    public static Instrument find(String name) {
        return Holder.KNOWN.get(nameOf(name));
    }

    /** The instrument of that name (null: mfq30); unknown names throw, listing the known ones. */
    public static Instrument get(String name) {
        Instrument in = find(name);
        if (in == null) throw new IllegalArgumentException("unknown instrument '" + name + "'; known: " + names());
        return in;
    }

    /** The name an instrument field stands for: null or blank is mfq30. */
    public static String nameOf(String name) {
        return name == null || name.isBlank() ? DEFAULT : name;
    }

    public static boolean isDefault(String name) {
        return DEFAULT.equals(nameOf(name));
    }

    public static Set<String> names() {
        return new TreeSet<>(Holder.KNOWN.keySet());
    }

    /**
     * Loads the instruments now; every service calls it at start-up, so a bad instrument directory stops the service
     * with every problem named instead of failing each event later. Returns the known names.
     */
    public static Set<String> loadAtStartup() {
        try {
            return names();
        } catch (ExceptionInInitializerError e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("instruments (" + DIR_ENV + "=" + configuredDir() + "): " + cause.getMessage(), cause);
        }
    }
}
