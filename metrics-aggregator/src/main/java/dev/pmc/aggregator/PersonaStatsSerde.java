package dev.pmc.aggregator;

import dev.pmc.core.events.EventCodec;
import dev.pmc.core.metrics.PersonaStats;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.nio.ByteBuffer;
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
        // a paper-scale persona (30 items, 10 repetitions) takes ~2.9 KB; larger ones grow the buffer
        Out out = new Out(4096);
        out.buf.put(VERSION);
        out.string(s.getTarget());
        out.string(s.getRunId());
        out.string(s.getPersonaId());
        out.ints(s.getN());
        out.doubles(s.getMean());
        out.doubles(s.getM2());
        out.ensure(4).putInt(s.getRatings().length);
        for (byte[] r : s.getRatings()) out.ensure(4 + r.length).putInt(r.length).put(r);
        out.ensure(4).putInt(s.getOutcomes().size());
        for (Map.Entry<String, Long> e : s.getOutcomes().entrySet()) {
            out.utf(e.getKey());
            out.ensure(8).putLong(e.getValue());
        }
        out.ensure(4 + 8 * s.getHistogram().length).putInt(s.getHistogram().length);
        for (long h : s.getHistogram()) out.buf.putLong(h);
        out.ensure(8).putLong(s.getDuplicates());
        out.ints(s.getInvalid());
        out.ensure(17).putLong(s.getSettled()).putLong(s.getFailedSlots()).put((byte) (s.getExactSd() != null ? 1 : 0));
        if (s.getExactSd() != null) out.doubles(s.getExactSd());
        out.ensure(4).putInt(s.getItemHistogram().length);
        for (double[] h : s.getItemHistogram()) out.doubles(h);
        out.ensure(8).putDouble(s.getCostUsd());
        out.string(s.getInstrument());
        return java.util.Arrays.copyOf(out.buf.array(), out.buf.position());
    }

    static PersonaStats decode(byte[] bytes) {
        if (bytes.length > 0 && bytes[0] == '{') {
            try {
                return EventCodec.mapper().readValue(bytes, PersonaStats.class);
            } catch (IOException e) {
                throw new SerializationException("cannot decode persona statistics (JSON)", e);
            }
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte v = in.get();
            if (v != VERSION && v != VERSION_WITHOUT_INSTRUMENT) throw new SerializationException("persona statistics: unknown format version " + v);
            String target = string(in), runId = string(in), persona = string(in);
            int[] n = ints(in);
            double[] mean = doubles(in), m2 = doubles(in);
            byte[][] ratings = new byte[length(in)][];
            for (int i = 0; i < ratings.length; i++) {
                ratings[i] = new byte[length(in)];
                in.get(ratings[i]);
            }
            int k = length(in);
            Map<String, Long> outcomes = new TreeMap<>();
            for (int i = 0; i < k; i++) outcomes.put(utf(in), in.getLong());
            long[] histogram = new long[length(in)];
            for (int i = 0; i < histogram.length; i++) histogram[i] = in.getLong();
            long duplicates = in.getLong();
            int[] invalid = ints(in);
            long settled = in.getLong(), failed = in.getLong();
            double[] exactSd = in.get() != 0 ? doubles(in) : null;
            double[][] itemHistogram = new double[length(in)][];
            for (int i = 0; i < itemHistogram.length; i++) itemHistogram[i] = doubles(in);
            double cost = in.getDouble();
            String instrument = v == VERSION ? string(in) : null;
            return new PersonaStats(target, runId, persona, n, mean, m2, ratings, outcomes, histogram, duplicates, invalid, settled, failed,
                    exactSd, itemHistogram, cost, instrument);
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) throw se;
            throw new SerializationException("cannot decode persona statistics", e);
        }
    }

    /**
     * The writer: a big-endian ByteBuffer that grows, so the bytes are DataOutputStream's (which this replaced: its
     * synchronized byte-at-a-time writes into a ByteArrayOutputStream were two thirds of the store's cost per rating).
     */
    private static final class Out {
        ByteBuffer buf;

        Out(int capacity) {
            buf = ByteBuffer.allocate(capacity);
        }

        ByteBuffer ensure(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
                bigger.put(buf.flip());
                buf = bigger;
            }
            return buf;
        }

        void string(String s) {
            ensure(1).put((byte) (s != null ? 1 : 0));
            if (s != null) utf(s);
        }

        /** DataOutputStream.writeUTF's bytes: a length, then modified UTF-8 (plain bytes when every char is 1-127). */
        void utf(String s) {
            int len = s.length();
            boolean plain = len <= 65535;
            for (int i = 0; plain && i < len; i++) {
                char c = s.charAt(i);
                plain = c >= 1 && c <= 127;
            }
            if (plain) {
                ensure(2 + len).putShort((short) len);
                for (int i = 0; i < len; i++) buf.put((byte) s.charAt(i));
                return;
            }
            try {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(3 * len + 2);
                new java.io.DataOutputStream(bytes).writeUTF(s);
                ensure(bytes.size()).put(bytes.toByteArray());
            } catch (IOException e) {
                throw new SerializationException("cannot encode persona statistics: string of " + len + " chars", e);
            }
        }

        void ints(int[] a) {
            ensure(4 + 4 * a.length).putInt(a.length);
            for (int x : a) buf.putInt(x);
        }

        void doubles(double[] a) {
            ensure(4 + 8 * a.length).putInt(a.length);
            for (double x : a) buf.putDouble(x);
        }
    }

    private static String string(ByteBuffer in) throws IOException {
        return in.get() != 0 ? utf(in) : null;
    }

    /** DataInputStream.readUTF: plain bytes decode directly, anything else through readUTF itself. */
    private static String utf(ByteBuffer in) throws IOException {
        int len = Short.toUnsignedInt(in.getShort());
        int at = in.position();
        boolean plain = true;
        for (int i = 0; plain && i < len; i++) {
            byte b = in.get(at + i);
            plain = b >= 1;
        }
        if (plain) {
            String s = new String(in.array(), at, len, java.nio.charset.StandardCharsets.ISO_8859_1);
            in.position(at + len);
            return s;
        }
        byte[] raw = new byte[2 + len];
        in.position(at - 2);
        in.get(raw);
        return new java.io.DataInputStream(new java.io.ByteArrayInputStream(raw)).readUTF();
    }

    /** An array length as written; a corrupt record fails here instead of allocating gigabytes. */
    private static int length(ByteBuffer in) throws IOException {
        int n = in.getInt();
        if (n < 0 || n > 1 << 16) throw new IOException("bad array length " + n);
        return n;
    }

    private static int[] ints(ByteBuffer in) throws IOException {
        int[] a = new int[length(in)];
        for (int i = 0; i < a.length; i++) a[i] = in.getInt();
        return a;
    }

    private static double[] doubles(ByteBuffer in) throws IOException {
        double[] a = new double[length(in)];
        for (int i = 0; i < a.length; i++) a[i] = in.getDouble();
        return a;
    }
}
