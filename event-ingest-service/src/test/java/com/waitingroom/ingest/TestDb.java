package com.waitingroom.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import com.waitingroom.testsupport.LocalInfra;

/** Plain JDBC reads of the test database, independent of the service's own pool. */
public final class TestDb {

    public static final String DATABASE = "eventingest_test";

    private TestDb() {
    }

    public static long countForService(String service) {
        return queryLong("SELECT count(*) FROM ingest_events WHERE service = ?", service);
    }

    public static long distinctIdsForService(String service) {
        return queryLong("SELECT count(DISTINCT event_id) FROM ingest_events WHERE service = ?", service);
    }

    /** Which of the given ids are stored (for any service). */
    public static List<String> storedIds(Collection<String> ids) {
        List<String> stored = new ArrayList<>();
        try (Connection connection = LocalInfra.connect(DATABASE);
                PreparedStatement query = connection.prepareStatement("SELECT event_id FROM ingest_events WHERE event_id = ANY (?)")) {
            query.setArray(1, connection.createArrayOf("text", ids.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    stored.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return stored;
    }

    public static long queryLong(String sql, Object... params) {
        try (Connection connection = LocalInfra.connect(DATABASE); PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                query.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String queryString(String sql, Object... params) {
        try (Connection connection = LocalInfra.connect(DATABASE); PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                query.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
