package com.waitingroom.api.store;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.waitingroom.testsupport.LocalInfra;

import static com.waitingroom.api.api.Tokens.as;
import static com.waitingroom.security.Roles.RECEPTIONIST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The W3C trace context of the request that appended an event is stored with its outbox row (the
 * relay continues the trace from it): the request's trace id, the append span's id, the request's
 * sampling decision. Unsampled parents here, so nothing is exported during the test.
 */
@QuarkusTest
class TraceContextStoredTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String DATABASE = System.getenv().getOrDefault("PG_TEST_DB", "waitingroom_api_test");

    @Test
    void theOutboxRowCarriesTheRequestsTraceWithTheAppendSpanAsParent() throws SQLException {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpanId = "00f067aa0ba902b7";
        String queueId = checkIn("00-" + traceId + "-" + callerSpanId + "-00", "vendor=abc");

        List<String[]> rows = outboxTrace(queueId);
        assertEquals(2, rows.size(), "queue created + patient checked in: one outbox row each");
        for (String[] row : rows) {
            Matcher stored = TRACEPARENT.matcher(row[0]);
            assertTrue(stored.matches(), "W3C traceparent: " + row[0]);
            assertEquals(traceId, stored.group(1), "the request's trace");
            assertNotEquals(callerSpanId, stored.group(2), "the parent is our append span, not the caller's span");
            assertNotEquals("0000000000000000", stored.group(2));
            assertEquals("00", stored.group(3), "the caller's sampling decision is kept");
            assertEquals("vendor=abc", row[1], "tracestate travels with it");
        }
        assertEquals(rows.get(0)[0], rows.get(1)[0], "one command, one append span");
    }

    @Test
    void aRequestWithoutTraceContextStartsItsOwnTrace() throws SQLException {
        String first = outboxTrace(checkIn(null, null)).get(0)[0];
        String second = outboxTrace(checkIn(null, null)).get(0)[0];
        Matcher one = TRACEPARENT.matcher(first);
        Matcher two = TRACEPARENT.matcher(second);
        assertTrue(one.matches() && two.matches(), first + " / " + second);
        assertNotEquals(one.group(1), two.group(1), "each request is a trace of its own");
        assertNull(outboxTrace(checkIn(null, null)).get(0)[1], "no tracestate unless one came in");
    }

    private static String checkIn(String traceparent, String tracestate) {
        String queueId = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        var request = as(RECEPTIONIST).contentType(ContentType.JSON)
                .body("{\"patientId\":\"P-1\",\"patientName\":\"Ana\",\"priority\":\"High\",\"consultationType\":\"General\"}");
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        if (tracestate != null) {
            request.header("tracestate", tracestate);
        }
        request.post("/api/waiting-rooms/{q}/check-ins", queueId).then().statusCode(201);
        return queueId;
    }

    /** [traceparent, tracestate] of the queue's outbox rows, in version order. */
    private static List<String[]> outboxTrace(String queueId) throws SQLException {
        try (Connection connection = LocalInfra.connect(DATABASE);
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT traceparent, tracestate FROM outbox WHERE aggregate_id = ? ORDER BY aggregate_version")) {
            statement.setString(1, queueId);
            List<String[]> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            return rows;
        }
    }
}
