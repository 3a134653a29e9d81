package com.waitingroom.api.store;

import com.waitingroom.testsupport.LocalInfra;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expired idempotency keys (by the service's clock, fixed in tests) are deleted in batches, live ones kept. */
@QuarkusTest
class IdempotencyCleanupTest {

    private static final String DB = System.getenv().getOrDefault("PG_TEST_DB", "waitingroom_api_test");

    @Inject
    IdempotencyCleanup cleanup;

    @Inject
    Clock clock;

    @Test
    void deletesOnlyExpiredKeysAcrossSeveralBatches() throws Exception {
        String prefix = "cleanup-" + UUID.randomUUID() + "-";
        int expired = 2_500; // more than one batch of 1000
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        try (Connection connection = LocalInfra.connect(DB)) {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO idempotency_keys (idempotency_key, request_hash, aggregate_id, aggregate_version,
                        response_status, response_body, expires_at)
                    SELECT ? || g, 'h', 'q', 1, 201, '{}', ? - interval '1 minute' FROM generate_series(1, ?) g
                    UNION ALL
                    SELECT ? || 'live', 'h', 'q', 1, 201, '{}', ? + interval '1 minute'""")) {
                insert.setString(1, prefix);
                insert.setObject(2, now);
                insert.setInt(3, expired);
                insert.setString(4, prefix);
                insert.setObject(5, now);
                insert.executeUpdate();
            }
            int deleted = cleanup.deleteAllExpired().await().atMost(Duration.ofSeconds(30));
            assertTrue(deleted >= expired, "deleted " + deleted);
            try (PreparedStatement count = connection.prepareStatement(
                    "SELECT count(*) FILTER (WHERE expires_at < ?), count(*) FROM idempotency_keys "
                            + "WHERE idempotency_key LIKE ? || '%'")) {
                count.setObject(1, now);
                count.setString(2, prefix);
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    assertEquals(0, rows.getInt(1));
                    assertEquals(1, rows.getInt(2), "the live key stays");
                }
            }
        }
    }
}
