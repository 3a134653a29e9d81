package com.waitingroom.ingest.store;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.waitingroom.ingest.domain.PageCursor;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Reads for the search, count and summary endpoints; every query is bounded by a time range (partition
 * pruning) and the list by a LIMIT.
 */
@ApplicationScoped
public class EventQueryRepository {

    public record StoredEvent(String eventId, OffsetDateTime timestamp, String service, String message,
            String metadataJson, OffsetDateTime receivedAt, String severity, String traceId, String spanId) {
    }

    public record Page(List<StoredEvent> events, PageCursor next) {
    }

    public record ServiceCount(String service, long lastHour, long last24Hours) {
    }

    /** Events per stored severity (null key: events without one). */
    public record SeverityCounts(Map<String, Long> bySeverity, long total) {
    }

    private final Pool pool;

    public EventQueryRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Keyset page over [from, to): one row more than asked tells whether there is a next page,
     * without COUNT(*). Served by (service, ts, event_id) or by the primary key (ts, event_id), both
     * pruned to the range's daily partitions; the other filters are checked on the rows of that range
     * (no index of their own: see the README, "Search").
     */
    public Future<Page> search(EventFilter filter, OffsetDateTime from, OffsetDateTime to, PageCursor after,
            boolean descending, int limit) {
        StringBuilder sql = new StringBuilder("SELECT event_id, ts, service, message, metadata::text, received_at,"
                + " severity, trace_id, span_id FROM ingest_events");
        Tuple params = Tuple.tuple();
        filter.appendWhere(sql, params, from, to);
        if (after != null) {
            params.addValue(after.timestamp());
            params.addValue(after.eventId());
            sql.append(" AND (ts, event_id) ").append(descending ? "<" : ">")
                    .append(" ($").append(params.size() - 1).append(", $").append(params.size()).append(")");
        }
        String direction = descending ? " DESC" : " ASC";
        params.addValue(limit + 1);
        sql.append(" ORDER BY ts").append(direction).append(", event_id").append(direction)
                .append(" LIMIT $").append(params.size());
        return Statements.execute(pool, sql.toString(), params).map(rows -> {
            List<StoredEvent> events = new ArrayList<>(Math.min(rows.size(), limit));
            for (Row row : rows) {
                if (events.size() == limit) {
                    StoredEvent last = events.get(events.size() - 1);
                    return new Page(events, new PageCursor(last.timestamp(), last.eventId()));
                }
                events.add(new StoredEvent(row.getString(0), utc(row.getOffsetDateTime(1)), row.getString(2),
                        row.getString(3), row.getString(4), utc(row.getOffsetDateTime(5)), row.getString(6), row.getString(7),
                        row.getString(8)));
            }
            return new Page(events, null);
        });
    }

    /** How many events of [from, to) match the filter. */
    public Future<Long> count(EventFilter filter, OffsetDateTime from, OffsetDateTime to) {
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM ingest_events");
        Tuple params = Tuple.tuple();
        filter.appendWhere(sql, params, from, to);
        return Statements.execute(pool, sql.toString(), params).map(rows -> rows.iterator().next().getLong(0));
    }

    /** The events of [from, to) that match the filter, per severity. */
    public Future<SeverityCounts> countBySeverity(EventFilter filter, OffsetDateTime from, OffsetDateTime to) {
        StringBuilder sql = new StringBuilder("SELECT severity, count(*) FROM ingest_events");
        Tuple params = Tuple.tuple();
        filter.appendWhere(sql, params, from, to);
        sql.append(" GROUP BY severity");
        return Statements.execute(pool, sql.toString(), params).map(rows -> {
            Map<String, Long> counts = new HashMap<>();
            long total = 0;
            for (Row row : rows) {
                counts.put(row.getString(0), row.getLong(1));
                total += row.getLong(1);
            }
            return new SeverityCounts(counts, total);
        });
    }

    /** Events per service over the last hour and 24 h, from the per-minute counts (a few thousand rows at most). */
    public Future<List<ServiceCount>> summary() {
        String sql = """
                SELECT service,
                       coalesce(sum(events) FILTER (WHERE minute >= date_trunc('minute', now()) - interval '59 minutes'), 0),
                       sum(events)
                FROM ingest_event_counts
                WHERE minute >= date_trunc('minute', now()) - interval '1439 minutes' AND minute <= now()
                GROUP BY service ORDER BY service""";
        return Statements.execute(pool, sql, Tuple.tuple()).map(rows -> {
            List<ServiceCount> counts = new ArrayList<>(rows.size());
            for (Row row : rows) {
                counts.add(new ServiceCount(row.getString(0), row.getLong(1), row.getLong(2)));
            }
            return counts;
        });
    }

    private static OffsetDateTime utc(OffsetDateTime value) {
        return value == null ? null : value.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
