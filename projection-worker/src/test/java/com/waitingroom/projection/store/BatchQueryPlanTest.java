package com.waitingroom.projection.store;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-batch lookups must find rows by primary key even from a cached generic plan (what
 * PostgreSQL settles on for a statement the driver keeps prepared): joined with unnest alone, such
 * a plan hash-joined over a sequential scan of the whole table on every batch.
 */
@QuarkusTest
class BatchQueryPlanTest {

    @Inject
    DataSource dataSource;

    @Test
    void patientLookupProbesThePrimaryKey() throws Exception {
        String plan = genericPlan("patients_lookup", "text[], text[]",
                ReadModelTables.patientsSelect(ReadModelWriter.LIVE_SCHEMA), "'{Q-1}', '{P-1}'");
        assertFalse(plan.contains("Seq Scan on patients"), plan);
        // One index probe per requested key (on a near-empty table the planner may pick either
        // index that starts with queue_id; with real statistics it takes the primary key).
        assertTrue(plan.startsWith("Nested Loop") && plan.contains("Index Scan using patients_"), plan);
    }

    @Test
    void positionUpdateProbesThePrimaryKey() throws Exception {
        String plan = genericPlan("positions_update", "text[], bigint[], text[]",
                StreamSequencer.positionsUpdate(ReadModelWriter.LIVE_SCHEMA), "'{Q-1}', '{1}', '{Q-1}'");
        assertFalse(plan.contains("Seq Scan on stream_positions"), plan);
        assertTrue(plan.contains("stream_positions_pkey"), plan);
    }

    private String genericPlan(String name, String parameterTypes, String sql, String arguments) throws SQLException {
        int parameter = 0;
        StringBuilder numbered = new StringBuilder();
        for (char c : sql.toCharArray()) {
            numbered.append(c == '?' ? "$" + (++parameter) : String.valueOf(c));
        }
        StringBuilder plan = new StringBuilder();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false); // EXPLAIN of an UPDATE plans it only; roll back anyway
            boolean prepared = false;
            try {
                statement.execute("SET LOCAL plan_cache_mode = force_generic_plan");
                statement.execute("PREPARE " + name + "(" + parameterTypes + ") AS " + numbered);
                prepared = true;
                try (ResultSet rs = statement.executeQuery("EXPLAIN EXECUTE " + name + "(" + arguments + ")")) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
            } finally {
                connection.rollback();
                // Prepared statements outlive the transaction; a failed PREPARE left none to drop
                // (dropping it anyway would hide the PREPARE's own error).
                if (prepared) {
                    statement.execute("DEALLOCATE " + name);
                }
                connection.setAutoCommit(true);
            }
        }
        return plan.toString();
    }
}
