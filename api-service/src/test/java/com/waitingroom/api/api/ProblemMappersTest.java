package com.waitingroom.api.api;

import com.waitingroom.api.store.CommitOutcomeUnknownException;
import com.waitingroom.http.Problem;
import com.waitingroom.api.store.StoreUnavailableException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.net.SocketException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Infrastructure failures leave as 503 + Retry-After with a code that says what is known; never 500. */
class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers();

    private static void assertRetryLater(Response response, String code) {
        assertEquals(503, response.getStatus());
        assertEquals("1", response.getHeaderString("Retry-After"));
        assertEquals(Problem.MEDIA_TYPE, String.valueOf(response.getMediaType()));
        assertTrue(String.valueOf(response.getEntity()).contains("\"code\":\"" + code + "\""),
                String.valueOf(response.getEntity()));
    }

    @Test
    void aConnectionResetIsAnUnavailableStoreNotAnInternalError() {
        assertRetryLater(mappers.unexpected(new SocketException("Connection reset")), "STORE_UNAVAILABLE");
        assertRetryLater(mappers.unexpected(new PgException("terminating connection due to administrator command",
                "FATAL", "57P01", null)), "STORE_UNAVAILABLE");
        assertRetryLater(mappers.unexpected(new StoreUnavailableException(ClosedConnectionException.INSTANCE)),
                "STORE_UNAVAILABLE");
    }

    @Test
    void anUnknownOutcomeSaysToRetryWithTheSameIdempotencyKey() {
        Response response = mappers.outcomeUnknown(new CommitOutcomeUnknownException(ClosedConnectionException.INSTANCE));
        assertRetryLater(response, "COMMIT_OUTCOME_UNKNOWN");
        assertTrue(String.valueOf(response.getEntity()).contains("same Idempotency-Key"));
    }

    @Test
    void aBugIsStillAnInternalError() {
        IllegalStateException bug = new IllegalStateException("bug");
        bug.setStackTrace(new StackTraceElement[0]); // logged at ERROR: keep the test output short
        assertEquals(500, mappers.unexpected(bug).getStatus());
    }
}
