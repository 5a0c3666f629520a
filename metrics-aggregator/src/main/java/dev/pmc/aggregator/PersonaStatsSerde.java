package dev.pmc.aggregator;

import dev.pmc.core.events.EventCodec;
import dev.pmc.core.metrics.PersonaStats;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The persona store's value format: a compact binary encoding of {@link PersonaStats} (version byte 2, then every
 * field in a fixed order, the instrument last; version 1, without instrument, decodes as MFQ-30). The store is read and written once per rating event, so its serde is on the aggregator's
 * hot path; JSON (what pmc.persona-stats carries for other services) costs several times more to write and parse.
 * Values that start with '{' are decoded as JSON: a changelog written before this format still restores.
 */
final class PersonaStatsSerde {
    private static final byte VERSION = 2, VERSION_WITHOUT_INSTRUMENT = 1;

    private PersonaStatsSerde() {
    }

    static Serde<PersonaStats> serde() {
        Serializer<PersonaStats> ser = (topic, value) -> value == null ? null : encode(value);
        Deserializer<PersonaStats> de = (topic, bytes) -> bytes == null ? null : decode(bytes);
        return Serdes.serdeFrom(ser, de);
    }

    static byte[] encode(PersonaStats s) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            string(out, s.getTarget());
            string(out, s.getRunId());
            string(out, s.getPersonaId());
            ints(out, s.getN());
            doubles(out, s.getMean());
            doubles(out, s.getM2());
            out.writeInt(s.getRatings().length);
            for (byte[] r : s.getRatings()) {
                out.writeInt(r.length);
                out.write(r);
            }
            out.writeInt(s.getOutcomes().size());
            for (Map.Entry<String, Long> e : s.getOutcomes().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeInt(s.getHistogram().length);
            for (long h : s.getHistogram()) out.writeLong(h);
            out.writeLong(s.getDuplicates());
            ints(out, s.getInvalid());
            out.writeLong(s.getSettled());
            out.writeLong(s.getFailedSlots());
            out.writeBoolean(s.getExactSd() != null);
            if (s.getExactSd() != null) doubles(out, s.getExactSd());
            out.writeInt(s.getItemHistogram().length);
            for (double[] h : s.getItemHistogram()) doubles(out, h);
            out.writeDouble(s.getCostUsd());
            string(out, s.getInstrument());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new SerializationException("cannot encode persona statistics", e);
        }
    }

    static PersonaStats decode(byte[] bytes) {
        if (bytes.length > 0 && bytes[0] == '{') {
            try {
                return EventCodec.mapper().readValue(bytes, PersonaStats.class);
            } catch (IOException e) {
                throw new SerializationException("cannot decode persona statistics (JSON)", e);
            }
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte v = in.readByte();
            if (v != VERSION && v != VERSION_WITHOUT_INSTRUMENT) throw new SerializationException("persona statistics: unknown format version " + v);
            String target = string(in), runId = string(in), persona = string(in);
            int[] n = ints(in);
            double[] mean = doubles(in), m2 = doubles(in);
            byte[][] ratings = new byte[length(in)][];
            for (int i = 0; i < ratings.length; i++) {
                ratings[i] = new byte[length(in)];
                in.readFully(ratings[i]);
            }
            int k = length(in);
            Map<String, Long> outcomes = new TreeMap<>();
            for (int i = 0; i < k; i++) outcomes.put(in.readUTF(), in.readLong());
            long[] histogram = new long[length(in)];
            for (int i = 0; i < histogram.length; i++) histogram[i] = in.readLong();
            long duplicates = in.readLong();
            int[] invalid = ints(in);
            long settled = in.readLong(), failed = in.readLong();
            double[] exactSd = in.readBoolean() ? doubles(in) : null;
            double[][] itemHistogram = new double[length(in)][];
            for (int i = 0; i < itemHistogram.length; i++) itemHistogram[i] = doubles(in);
            double cost = in.readDouble();
            String instrument = v == VERSION ? string(in) : null;
            return new PersonaStats(target, runId, persona, n, mean, m2, ratings, outcomes, histogram, duplicates, invalid, settled, failed,
                    exactSd, itemHistogram, cost, instrument);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode persona statistics", e);
        }
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) out.writeUTF(s);
    }

    private static String string(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void ints(DataOutputStream out, int[] a) throws IOException {
        out.writeInt(a.length);
        for (int x : a) out.writeInt(x);
    }

    /** An array length as written; a corrupt record fails here instead of allocating gigabytes. */
    private static int length(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 16) throw new IOException("bad array length " + n);
        return n;
    }

    private static int[] ints(DataInputStream in) throws IOException {
        int[] a = new int[length(in)];
        for (int i = 0; i < a.length; i++) a[i] = in.readInt();
        return a;
    }

    private static void doubles(DataOutputStream out, double[] a) throws IOException {
        out.writeInt(a.length);
        for (double x : a) out.writeDouble(x);
    }

    private static double[] doubles(DataInputStream in) throws IOException {
        double[] a = new double[length(in)];
        for (int i = 0; i < a.length; i++) a[i] = in.readDouble();
        return a;
    }
}
