package dev.pmc.core.security;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * Jackson settings for bodies that come from outside (REST requests, target files): unknown fields and values of the
 * wrong type are errors — a number is not a name, a string is not a number, a boolean is neither — instead of being
 * coerced.
 */
public final class StrictJson {
    private StrictJson() {
    }

    /** Applies the strict settings to a mapper builder. */
    public static <M extends com.fasterxml.jackson.databind.ObjectMapper, B extends MapperBuilder<M, B>> B strict(B builder) {
        builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
        return builder;
    }

    /** A strict JSON mapper. */
    public static JsonMapper json() {
        return strict(JsonMapper.builder()).build();
    }
}
