package io.vaultml.kerberos;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one ObjectMapper configuration used for Kerberos JSON, tuned so that a parse and write loses nothing. */
final class KerberosJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
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
