-- Events partitioned by day on their timestamp: retention drops whole partitions (no DELETE/VACUUM).
-- Idempotency: the primary key (ts, event_id) must contain the partition key, so a retry is
-- recognised when it repeats the same eventId AND timestamp, which is what a retry of the same
-- event sends. Inserts use ON CONFLICT DO NOTHING, so a re-sent or re-flushed event is stored once.
CREATE TABLE ingest_events (
    ts          timestamptz NOT NULL,
    event_id    text        NOT NULL,
    service     text        NOT NULL,
    message     text        NOT NULL,
    metadata    jsonb,
    received_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ingest_events_pk PRIMARY KEY (ts, event_id)
) PARTITION BY RANGE (ts);

-- Serves GET /events?service=...&from=&to= with keyset paging on (ts, event_id);
-- the primary key serves the same search without a service filter.
CREATE INDEX ingest_events_service_ts_idx ON ingest_events (service, ts, event_id);

-- Safety net: a row whose daily partition does not exist yet lands here instead of failing the
-- whole batch; the partition job moves such rows into the day's partition when it creates it.
CREATE TABLE ingest_events_default PARTITION OF ingest_events DEFAULT;

-- Per-minute counts written in the same statement as the events, so the summary endpoint reads a
-- few hundred small rows instead of counting millions. `slot` is the flusher's slot so concurrent
-- flushes never wait on each other's row locks.
CREATE TABLE ingest_event_counts (
    service text        NOT NULL,
    minute  timestamptz NOT NULL,
    slot    smallint    NOT NULL,
    events  bigint      NOT NULL,
    CONSTRAINT ingest_event_counts_pk PRIMARY KEY (minute, service, slot)
);
