package com.waitingroom.projection.store;

import com.waitingroom.projection.ProjectionTestInfra;
import com.waitingroom.testsupport.LocalInfra;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Rows applied before V2 get the line sequences and visits the aggregate gave them: V2 replays the
 * queue's counter over the stored steps. Runs the real migrations into a scratch schema.
 */
class LineOrderMigrationTest {

    private static final String SCHEMA = "projection_v2_migration_test";

    private static Flyway flyway(String target) {
        return Flyway.configure()
                .dataSource(LocalInfra.jdbcUrl(ProjectionTestInfra.DATABASE), LocalInfra.pgUser(), LocalInfra.pgPassword())
                .locations("classpath:db/projection").schemas(SCHEMA).defaultSchema(SCHEMA).createSchemas(true)
                .target(target == null ? MigrationVersion.LATEST : MigrationVersion.fromVersion(target)).load();
    }

    @AfterEach
    void dropScratchSchema() throws SQLException {
        try (Connection c = LocalInfra.connect(ProjectionTestInfra.DATABASE); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @Test
    void legacyRowsGetTheSequencesAndVisitsOfTheAggregatesCounter() throws SQLException {
        dropScratchSchema();
        flyway("1").migrate();
        try (Connection c = LocalInfra.connect(ProjectionTestInfra.DATABASE); Statement s = c.createStatement()) {
            s.execute("SET search_path = " + SCHEMA);
            s.execute("INSERT INTO queues VALUES ('Q', 'q', 10, now(), now(), 12, now()),"
                    + " ('R', 'r', 10, now(), now(), 2, now()), ('E', 'e', 10, now(), null, 1, now())");
            s.execute("INSERT INTO patients (queue_id, patient_id, priority, priority_level, state, checked_in_at,"
                    + " check_in_version, updated_at) VALUES"
                    + " ('Q', 'P-1', 'Medium', 1, 'WaitingForCashier', now(), 2, now()),"
                    + " ('Q', 'P-2', 'Medium', 1, 'WaitingForConsultation', now(), 3, now()),"
                    + " ('Q', 'P-3', 'Medium', 1, 'WaitingForCashier', now(), 12, now()),"
                    + " ('R', 'P-9', 'Low', 0, 'WaitingForCashier', now(), 2, now())");
            // Q: three check-ins (1, 2, 3), P-1 requeued (4), P-2 validated (5), P-3 cancelled and back (6).
            s.execute("INSERT INTO patient_steps (queue_id, version, patient_id, event_type, occurred_at, state) VALUES"
                    + " ('Q', 2, 'P-1', 'PatientCheckedIn', now(), 'WaitingForCashier'),"
                    + " ('Q', 3, 'P-2', 'PatientCheckedIn', now(), 'WaitingForCashier'),"
                    + " ('Q', 4, 'P-3', 'PatientCheckedIn', now(), 'WaitingForCashier'),"
                    + " ('Q', 5, 'P-1', 'PatientCalledAtCashier', now(), 'AtCashier'),"
                    + " ('Q', 6, 'P-1', 'PatientAbsentAtCashier', now(), 'WaitingForCashier'),"
                    + " ('Q', 7, 'P-2', 'PatientCalledAtCashier', now(), 'AtCashier'),"
                    + " ('Q', 8, 'P-2', 'PatientPaymentValidated', now(), 'WaitingForConsultation'),"
                    + " ('Q', 9, 'P-3', 'PatientCalledAtCashier', now(), 'AtCashier'),"
                    + " ('Q', 10, 'P-3', 'PatientPaymentPending', now(), 'PaymentPending'),"
                    + " ('Q', 11, 'P-3', 'PatientCancelledByPayment', now(), 'Cancelled'),"
                    + " ('Q', 12, 'P-3', 'PatientCheckedIn', now(), 'WaitingForCashier'),"
                    + " ('R', 2, 'P-9', 'PatientCheckedIn', now(), 'WaitingForCashier')");
        }
        flyway(null).migrate();

        assertEquals(Map.of("Q/P-1", "4/1", "Q/P-2", "5/1", "Q/P-3", "6/2", "R/P-9", "1/1"),
                rows("SELECT queue_id || '/' || patient_id, line_sequence || '/' || visit FROM patients"));
        assertEquals(Map.of("Q", "7", "R", "2", "E", "1"),
                rows("SELECT queue_id, next_line_sequence::text FROM queues"));
        assertEquals(Map.of("4", "1", "9", "1", "10", "1", "11", "1", "12", "2"),
                rows("SELECT version::text, visit::text FROM patient_steps WHERE patient_id = 'P-3'"));
    }

    private static Map<String, String> rows(String sql) throws SQLException {
        Map<String, String> result = new LinkedHashMap<>();
        try (Connection c = LocalInfra.connect(ProjectionTestInfra.DATABASE); Statement s = c.createStatement()) {
            s.execute("SET search_path = " + SCHEMA);
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    result.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return result;
    }
}
