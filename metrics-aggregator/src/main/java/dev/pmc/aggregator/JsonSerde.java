package dev.pmc.aggregator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmc.core.events.EventCodec;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;

/** Jackson serde for state-store and internal-topic values. */
final class JsonSerde {
    private JsonSerde() {
    }

    static <T> Serde<T> of(Class<T> type) {
        ObjectMapper json = EventCodec.mapper();
        Serializer<T> ser = (topic, value) -> {
            if (value == null) return null;
            try {
                return json.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("cannot encode " + type.getSimpleName(), e);
            }
        };
        Deserializer<T> de = (topic, bytes) -> {
            if (bytes == null) return null;
            try {
                return json.readValue(bytes, type);
            } catch (IOException e) {
                throw new SerializationException("cannot decode " + type.getSimpleName() + " from " + topic, e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
