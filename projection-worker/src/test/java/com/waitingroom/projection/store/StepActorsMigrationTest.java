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
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Steps applied before V4 get the actor (and role) of their event from the event store, the values a
 * rebuild would give them; a step whose event is not in the store keeps none. Runs the real
 * migrations into a scratch schema against the test database's public.events.
 */
class StepActorsMigrationTest {

    private static final String SCHEMA = "projection_v4_migration_test";
    private final String queueId = "v4-migration-" + UUID.randomUUID().toString().substring(0, 8);

    private static Flyway flyway(String target) {
        return Flyway.configure()
                .dataSource(LocalInfra.jdbcUrl(ProjectionTestInfra.DATABASE), LocalInfra.pgUser(), LocalInfra.pgPassword())
                .locations("classpath:db/projection").schemas(SCHEMA).defaultSchema(SCHEMA).createSchemas(true)
                .target(target == null ? MigrationVersion.LATEST : MigrationVersion.fromVersion(target)).load();
    }

    @AfterEach
    void cleanUp() throws SQLException {
        try (Connection c = LocalInfra.connect(ProjectionTestInfra.DATABASE); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            // A rebuild in a later test replays public.events: these rows are not valid events.
            if (eventStoreExists(s)) {
                s.execute("DELETE FROM public.events WHERE aggregate_id = '" + queueId + "'");
            }
        }
    }

    @Test
    void earlierStepsTakeTheActorsOfTheirStoredEvents() throws SQLException {
        try (Connection c = LocalInfra.connect(ProjectionTestInfra.DATABASE); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            if (!eventStoreExists(s)) {
                Flyway.configure()
                        .dataSource(LocalInfra.jdbcUrl(ProjectionTestInfra.DATABASE), LocalInfra.pgUser(),
                                LocalInfra.pgPassword())
                        .locations("classpath:db/eventstore").schemas("public").load().migrate();
            }
        }
        flyway("3").migrate();
        try (Connection c = LocalInfra.connect(ProjectionTestInfra.DATABASE); Statement s = c.createStatement()) {
            s.execute("INSERT INTO public.events (event_id, aggregate_id, aggregate_type, version, event_type,"
                    + " schema_version, occurred_at, actor, actor_role, payload) VALUES"
                    + " ('" + UUID.randomUUID() + "', '" + queueId + "', 'WaitingQueue', 2, 'PatientCheckedIn', 2, now(),"
                    + " 'reception-ana', 'receptionist', '{}'),"
                    + " ('" + UUID.randomUUID() + "', '" + queueId + "', 'WaitingQueue', 3, 'PatientLeft', 1, now(),"
                    + " 'legacy-header', NULL, '{}')");
            s.execute("SET search_path = " + SCHEMA);
            s.execute("INSERT INTO patient_steps (queue_id, version, patient_id, event_type, occurred_at, state) VALUES"
                    + " ('" + queueId + "', 2, 'P-1', 'PatientCheckedIn', now(), 'WaitingForCashier'),"
                    + " ('" + queueId + "', 3, 'P-1', 'PatientLeft', now(), 'Left'),"
                    + " ('" + queueId + "', 4, 'P-1', 'PatientCheckedIn', now(), 'WaitingForCashier')");
        }
        flyway(null).migrate();

        assertEquals(Map.of("2", "reception-ana/receptionist", "3", "legacy-header/-", "4", "-/-"),
                rows("SELECT version::text, coalesce(actor, '-') || '/' || coalesce(actor_role, '-')"
                        + " FROM patient_steps WHERE queue_id = '" + queueId + "'"));
    }

    private static boolean eventStoreExists(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT to_regclass('public.events') IS NOT NULL")) {
            return rs.next() && rs.getBoolean(1);
        }
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
