package com.waitingroom.ingest.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.TestDb;
import com.waitingroom.testsupport.LocalInfra;

import io.quarkus.test.junit.QuarkusTest;

/** Retention drops whole day partitions; a missing day partition is created and adopts stray rows. */
@QuarkusTest
class PartitionMaintenanceTest {

    @Inject
    PartitionMaintenance maintenance;

    private static String name(LocalDate day) {
        return "ingest_events_p" + day.toString().replace("-", "");
    }

    private static boolean exists(String table) {
        return TestDb.queryString("SELECT to_regclass(?)::text", table) != null;
    }

    @Test
    void dropsPartitionsOlderThanRetentionAndKeepsTheWindow() throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate expired = today.minusDays(10); // test profile: 3 days retention
        try (Connection connection = LocalInfra.connect(TestDb.DATABASE); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE " + name(expired) + " PARTITION OF ingest_events FOR VALUES FROM ('" + expired
                    + " 00:00:00+00') TO ('" + expired.plusDays(1) + " 00:00:00+00')");
            sql.execute("INSERT INTO ingest_events (ts, event_id, service, message) VALUES ('" + expired
                    + " 12:00:00+00', 'expired-1', 'retention-test', 'old')");
        }
        assertTrue(exists(name(expired)));

        maintenance.run();

        assertFalse(exists(name(expired)), "expired partition dropped");
        assertEquals(0, TestDb.countForService("retention-test"));
        for (LocalDate day = today.minusDays(3); !day.isAfter(today.plusDays(2)); day = day.plusDays(1)) {
            assertTrue(exists(name(day)), "partition kept/created for " + day);
        }
    }

    @Test
    void recreatesAMissingPartitionAndMovesRowsOutOfTheDefaultPartition() throws Exception {
        LocalDate ahead = LocalDate.now(ZoneOffset.UTC).plusDays(2);
        try (Connection connection = LocalInfra.connect(TestDb.DATABASE); Statement sql = connection.createStatement()) {
            sql.execute("DROP TABLE " + name(ahead));
            sql.execute("INSERT INTO ingest_events (ts, event_id, service, message) VALUES ('" + ahead
                    + " 08:00:00+00', 'stray-1', 'stray-test', 'landed in default')");
        }
        assertEquals("ingest_events_default",
                TestDb.queryString("SELECT tableoid::regclass::text FROM ingest_events WHERE event_id = 'stray-1'"));

        maintenance.run();

        assertEquals(name(ahead), TestDb.queryString("SELECT tableoid::regclass::text FROM ingest_events WHERE event_id = 'stray-1'"));
        assertNull(TestDb.queryString("SELECT event_id FROM ingest_events_default WHERE event_id = 'stray-1'"));
        // the re-created partition has the parent's indexes (primary key used for idempotency)
        assertTrue(TestDb.queryLong("SELECT count(*) FROM pg_indexes WHERE tablename = ?", name(ahead)) >= 2);
        try (Connection connection = LocalInfra.connect(TestDb.DATABASE); Statement sql = connection.createStatement()) {
            sql.execute("DELETE FROM ingest_events WHERE event_id = 'stray-1'");
        }
    }
}
