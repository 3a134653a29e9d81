package com.waitingroom.ingest.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.domain.Severity;

class LokiLabelsTest {

    @Test
    void parsesPromtailLabelStrings() {
        assertEquals(Map.of("app", "web", "msg", "say \"hi\"\n", "x", "a,b}"),
                LokiLabels.parse("{app=\"web\", msg=\"say \\\"hi\\\"\\n\",x=\"a,b}\"}"));
        assertEquals(Map.of(), LokiLabels.parse("{}"));
        assertEquals(Map.of(), LokiLabels.parse(""));
        for (String bad : new String[] { "app=\"web\"", "{app}", "{app=web}", "{app=\"web}", "{app=\"a\" b=\"c\"}" }) {
            assertThrows(MalformedPayloadException.class, () -> LokiLabels.parse(bad), bad);
        }
    }

    @Test
    void serviceAndSeverityFollowTheDocumentedLabelOrder() {
        assertEquals("svc", LokiLabels.service(Map.of("service_name", "svc", "app", "a", "job", "j")));
        assertEquals("a", LokiLabels.service(Map.of("app", "a", "job", "j")));
        assertEquals("j", LokiLabels.service(Map.of("job", "j")));
        assertEquals("unknown_service", LokiLabels.service(Map.of("host", "h")));
        assertEquals(Severity.WARN, LokiLabels.severity(Map.of("level", "warning"), Map.of()));
        assertEquals(Severity.FATAL, LokiLabels.severity(Map.of(), Map.of("detected_level", "critical")));
        assertNull(LokiLabels.severity(Map.of("level", "chatty"), Map.of()));
    }

    @Test
    void otlpSeverityNumbersMapToTheirRanges() {
        assertNull(Severity.fromOtlpNumber(0));
        assertEquals(Severity.TRACE, Severity.fromOtlpNumber(4));
        assertEquals(Severity.DEBUG, Severity.fromOtlpNumber(5));
        assertEquals(Severity.INFO, Severity.fromOtlpNumber(12));
        assertEquals(Severity.WARN, Severity.fromOtlpNumber(13));
        assertEquals(Severity.ERROR, Severity.fromOtlpNumber(20));
        assertEquals(Severity.FATAL, Severity.fromOtlpNumber(24));
        assertNull(Severity.fromOtlpNumber(25));
    }
}
