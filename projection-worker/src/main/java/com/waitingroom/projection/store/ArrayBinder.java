package com.waitingroom.projection.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Binds a multi-statement call whose statements take their rows as arrays (one parameter per
 * column, read back with unnest): any number of rows, one round trip, constant SQL text.
 * Parameters are bound in the order they appear in the SQL. Timestamps and UUIDs travel as text
 * and are cast in the SQL (?::timestamptz[], ?::uuid[]).
 */
final class ArrayBinder implements AutoCloseable {

    private final Connection connection;
    private final PreparedStatement statement;
    private int index = 1;

    ArrayBinder(Connection connection, String sql) throws SQLException {
        this.connection = connection;
        this.statement = connection.prepareStatement(sql);
    }

    <T> ArrayBinder texts(List<T> rows, Function<T, String> column) throws SQLException {
        return bind("text", rows.stream().map(column).toArray(String[]::new));
    }

    <T> ArrayBinder ints(List<T> rows, Function<T, Integer> column) throws SQLException {
        return bind("int4", rows.stream().map(column).toArray(Integer[]::new));
    }

    <T> ArrayBinder longs(List<T> rows, Function<T, Long> column) throws SQLException {
        return bind("int8", rows.stream().map(column).toArray(Long[]::new));
    }

    <T> ArrayBinder bools(List<T> rows, Function<T, Boolean> column) throws SQLException {
        return bind("bool", rows.stream().map(column).toArray(Boolean[]::new));
    }

    <T> ArrayBinder instants(List<T> rows, Function<T, Instant> column) throws SQLException {
        return texts(rows, row -> {
            Instant value = column.apply(row);
            return value == null ? null : value.toString();
        });
    }

    private ArrayBinder bind(String elementType, Object[] values) throws SQLException {
        statement.setArray(index++, connection.createArrayOf(elementType, values));
        return this;
    }

    void execute() throws SQLException {
        statement.execute();
    }

    @Override
    public void close() throws SQLException {
        statement.close();
    }
}
