package com.waitingroom.api.api;

import com.waitingroom.testsupport.LocalInfra;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.waitingroom.api.api.Tokens.as;
import static com.waitingroom.security.Roles.RECEPTIONIST;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connection to PostgreSQL is lost after the append statement was sent: the command may or may
 * not have committed, so the answer is 503 COMMIT_OUTCOME_UNKNOWN (not "nothing was recorded"), and
 * a retry with the same Idempotency-Key never duplicates it, whichever way the first attempt ended.
 * <p>
 * To cut the connection while the statement is in PostgreSQL, a test transaction holds an
 * uncommitted row with the command's idempotency key: the append (which writes that key in the
 * same statement as the events) waits for it until the test rolls back (the append then commits,
 * with nobody left to hear it) or terminates the append's backend (it never commits).
 */
@QuarkusTest
@TestProfile(ProxiedStoreProfile.class)
class CommitOutcomeUnknownTest {

    private static final String BASE = "/api/waiting-rooms/";

    @AfterEach
    void restoreProxy() {
        ProxiedStoreProfile.proxy.restore();
    }

    @Test
    void anAppendThatCommittedAfterTheConnectionWasLostIsReplayedByTheRetry() throws Exception {
        String queueId = newQueue();
        String key = UUID.randomUUID().toString();
        try (KeyBlocker blocker = new KeyBlocker(key, queueId)) {
            CompletableFuture<Response> first = checkInAsync(queueId, "P2", key);
            int backend = awaitAppendWaitingForTheKey();
            ProxiedStoreProfile.proxy.cut();
            assertOutcomeUnknown(first.get(10, TimeUnit.SECONDS));

            blocker.release(); // the append goes on and commits, its client is gone
            awaitBackendGone(backend);
            assertEquals(1, checkInsCommittedWith(key), "the first attempt committed");
        }
        ProxiedStoreProfile.proxy.restore();

        Response retry = checkIn(queueId, "P2", key);
        assertEquals(201, retry.statusCode(), retry.asString());
        assertEquals("true", retry.header("Idempotency-Replayed"));
        assertEquals(2, retry.jsonPath().getInt("queuePosition"));
        assertEquals(1, checkInsCommittedWith(key), "the retry replayed, it did not commit again");
        assertEquals(3, TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ?", queueId));
    }

    @Test
    void anAppendThatNeverCommittedIsCommittedOnceByTheRetry() throws Exception {
        String queueId = newQueue();
        String key = UUID.randomUUID().toString();
        try (KeyBlocker blocker = new KeyBlocker(key, queueId)) {
            CompletableFuture<Response> first = checkInAsync(queueId, "P2", key);
            int backend = awaitAppendWaitingForTheKey();
            ProxiedStoreProfile.proxy.cut();
            assertOutcomeUnknown(first.get(10, TimeUnit.SECONDS));

            TestDb.rows("SELECT pg_terminate_backend(?)", backend); // its transaction rolls back
            awaitBackendGone(backend);
            blocker.release();
            assertEquals(0, checkInsCommittedWith(key), "the first attempt did not commit");
        }
        ProxiedStoreProfile.proxy.restore();

        Response retry = checkIn(queueId, "P2", key);
        assertEquals(201, retry.statusCode(), retry.asString());
        assertNull(retry.header("Idempotency-Replayed"), "committed by the retry itself");
        assertEquals(1, checkInsCommittedWith(key));
        Response again = checkIn(queueId, "P2", key);
        assertEquals(201, again.statusCode());
        assertEquals("true", again.header("Idempotency-Replayed"));
        assertEquals(retry.asString(), again.asString());
        assertEquals(1, checkInsCommittedWith(key));
        assertEquals(3, TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ?", queueId));
    }

    @Test
    void aRetryWhileTheFirstAppendIsStillInPostgresqlReplaysItsOutcome() throws Exception {
        String queueId = newQueue();
        String key = UUID.randomUUID().toString();
        CompletableFuture<Response> retry;
        try (KeyBlocker blocker = new KeyBlocker(key, queueId)) {
            CompletableFuture<Response> first = checkInAsync(queueId, "P2", key);
            awaitAppendWaitingForTheKey();
            ProxiedStoreProfile.proxy.cut();
            assertOutcomeUnknown(first.get(10, TimeUnit.SECONDS));
            ProxiedStoreProfile.proxy.restore();

            // the client retries at once, while the first statement still waits in PostgreSQL
            retry = checkInAsync(queueId, "P2", key);
            await().atMost(Duration.ofSeconds(10)).until(() -> blockedAppends().size() == 2);
            blocker.release();
        }
        Response answer = retry.get(10, TimeUnit.SECONDS);
        assertEquals(201, answer.statusCode(), answer.asString());
        assertEquals("true", answer.header("Idempotency-Replayed"), "the first attempt's outcome wins");
        assertEquals(1, checkInsCommittedWith(key));
        assertEquals(3, TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ?", queueId));
    }

    // ---------------------------------------------------------------- helpers

    /** A queue with one patient (versions 1-2), so the blocked command appends version 3. */
    private static String newQueue() {
        String queueId = "unknown-" + UUID.randomUUID().toString().substring(0, 8);
        Response created = checkIn(queueId, "P1", UUID.randomUUID().toString());
        assertEquals(201, created.statusCode(), created.asString());
        return queueId;
    }

    private static Response checkIn(String queueId, String patientId, String key) {
        return as(RECEPTIONIST).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"patientId\":\"" + patientId + "\",\"patientName\":\"Ana\",\"priority\":\"Low\","
                        + "\"consultationType\":\"General\"}")
                .post(BASE + queueId + "/check-ins").then().extract().response();
    }

    private static CompletableFuture<Response> checkInAsync(String queueId, String patientId, String key) {
        return CompletableFuture.supplyAsync(() -> checkIn(queueId, patientId, key));
    }

    private static void assertOutcomeUnknown(Response response) {
        assertEquals(503, response.statusCode(), response.asString());
        assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
        assertEquals("1", response.header("Retry-After"));
        assertEquals("COMMIT_OUTCOME_UNKNOWN", response.jsonPath().getString("code"));
        assertTrue(response.jsonPath().getString("detail").contains("same Idempotency-Key"),
                response.jsonPath().getString("detail"));
    }

    private static long checkInsCommittedWith(String key) {
        return TestDb.count("SELECT count(*) FROM events WHERE causation_id = ? AND event_type = 'PatientCheckedIn'",
                key);
    }

    /**
     * Backends of append statements waiting for a lock (the key held by the test). The statement's
     * beginning only: pg_stat_activity cuts query texts at track_activity_query_size (1 KB).
     */
    private static List<Map<String, Object>> blockedAppends() {
        return TestDb.rows("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock' AND query LIKE 'WITH cmd_events AS%'");
    }

    private static int awaitAppendWaitingForTheKey() {
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> blockedAppends().size() == 1);
        } catch (RuntimeException e) {
            throw new AssertionError("no append waits for the key: " + TestDb.rows("SELECT pid, state, wait_event_type,"
                    + " wait_event, left(query, 80) AS query FROM pg_stat_activity WHERE datname = current_database()"), e);
        }
        return ((Number) blockedAppends().get(0).get("pid")).intValue();
    }

    private static void awaitBackendGone(int pid) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> TestDb.count("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", pid) == 0);
    }

    /** An uncommitted idempotency row with the command's key, on a JDBC connection of its own. */
    private static final class KeyBlocker implements AutoCloseable {

        private final Connection connection;

        KeyBlocker(String key, String queueId) throws SQLException {
            connection = LocalInfra.connect(TestDb.DATABASE);
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO idempotency_keys (idempotency_key, request_hash, aggregate_id, aggregate_version,"
                            + " response_status, response_body, expires_at)"
                            + " VALUES (?, 'held-by-test', ?, 0, 200, '{}', now() + interval '1 hour')")) {
                insert.setString(1, key);
                insert.setString(2, queueId);
                insert.executeUpdate();
            }
        }

        void release() throws SQLException {
            connection.rollback();
        }

        @Override
        public void close() throws SQLException {
            connection.rollback();
            connection.close();
        }
    }
}
