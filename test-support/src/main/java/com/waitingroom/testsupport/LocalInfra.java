package com.waitingroom.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Where the local PostgreSQL and RabbitMQ are, read from the same environment variables the
 * services use, so tests and services agree without duplicated literals.
 */
public final class LocalInfra {

    private LocalInfra() {
    }

    public static String pgHost() {
        return env("PG_HOST", "127.0.0.1");
    }

    public static int pgPort() {
        return Integer.parseInt(env("PG_PORT", "5432"));
    }

    public static String pgUser() {
        return env("PG_USER", "waitingroom");
    }

    public static String pgPassword() {
        return env("PG_PASSWORD", "waitingroom");
    }

    public static String rabbitHost() {
        return env("RABBITMQ_HOST", "127.0.0.1");
    }

    public static int rabbitPort() {
        return Integer.parseInt(env("RABBITMQ_PORT", "5672"));
    }

    public static String rabbitUser() {
        return env("RABBITMQ_USER", "guest");
    }

    public static String rabbitPassword() {
        return env("RABBITMQ_PASSWORD", "guest");
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + pgHost() + ":" + pgPort() + "/" + database;
    }

    /** A plain JDBC connection for test assertions (not the service's pool). */
    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), pgUser(), pgPassword());
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
