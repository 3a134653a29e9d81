package com.waitingroom.projection.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * Asks PostgreSQL for one round trip on a connection of its own, kept open between checks and
 * reopened after any failure, with connect and socket timeouts. Not through the pool: a readiness
 * check waiting for a pooled connection waits up to the acquisition timeout, and a pool can hand
 * out a connection that died with the server.
 */
@ApplicationScoped
public class DatabasePing implements AutoCloseable {

    private final String url;
    private final Optional<String> username;
    private final Optional<String> password;
    private Connection connection; // guarded by this

    @Inject
    public DatabasePing(@ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
                        @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
                        @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /** True when PostgreSQL answered within the timeout (whole seconds, at least 1). */
    public synchronized boolean answers(Duration timeout) throws SQLException {
        int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        if (connection == null) {
            connection = open(seconds);
        }
        try {
            if (connection.isValid(seconds)) {
                return true;
            }
        } catch (SQLException e) {
            closeConnection();
            throw e;
        }
        closeConnection();
        return false;
    }

    private Connection open(int seconds) throws SQLException {
        Properties properties = new Properties();
        username.ifPresent(user -> properties.setProperty("user", user));
        password.ifPresent(secret -> properties.setProperty("password", secret));
        properties.setProperty("connectTimeout", String.valueOf(seconds));
        properties.setProperty("loginTimeout", String.valueOf(seconds));
        properties.setProperty("socketTimeout", String.valueOf(seconds + 1));
        properties.setProperty("ApplicationName", "projection-worker health");
        Connection opened = new org.postgresql.Driver().connect(url, properties);
        if (opened == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + url);
        }
        return opened;
    }

    private void closeConnection() {
        Connection current = connection;
        connection = null;
        if (current != null) {
            try {
                current.close();
            } catch (SQLException ignored) {
                // it is being replaced because it failed
            }
        }
    }

    @Override
    public synchronized void close() {
        closeConnection();
    }
}
