package io.vaultml.kerberos;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one ObjectMapper configuration used for Kerberos JSON, tuned so that a parse and write loses nothing. */
final class KerberosJson {
    /** Kerberos events nest a few levels; anything deeper is hostile, and refused before it can exhaust a stack. */
    static final int MAX_DEPTH = 64;
    /** No field of an event needs more; the message itself is bounded by its transport. */
    static final int MAX_STRING = 1 << 20;

    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(MAX_STRING).maxNumberLength(100).build())
                    .build())
            // Keep 0.930047333240509 and 1.50 exactly as they were: no float rounding, no stripped zeros.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Parse errors must not quote the message body: it may hold a publickey or storage secret.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private KerberosJson() {
    }
}
