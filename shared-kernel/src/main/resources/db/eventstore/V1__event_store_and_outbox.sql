-- Event store and transactional outbox of the waiting-room suite: the whole `public` schema of
-- the waitingroom database. Written by api-service in one transaction per command; the outbox is
-- drained by outbox-worker; projection-worker reads `events` to rebuild read models (its own
-- tables live in its own `projection` schema with their own migrations).
-- api-service and outbox-worker both run these migrations at start (Flyway serialises them with
-- a lock), so whichever starts first creates the schema.
-- Version ranges in this folder: V1-V9 shared core, V10-V19 api-service (snapshots, idempotency
-- keys, ...), V20-V29 outbox-worker, V30-V39 projection-worker needs on `events`.

CREATE TABLE events (
    global_position BIGSERIAL PRIMARY KEY,
    event_id        UUID        NOT NULL UNIQUE,
    aggregate_id    TEXT        NOT NULL,
    aggregate_type  TEXT        NOT NULL,
    version         BIGINT      NOT NULL CHECK (version > 0),
    event_type      TEXT        NOT NULL,
    schema_version  INT         NOT NULL,
    occurred_at     TIMESTAMPTZ NOT NULL,
    correlation_id  TEXT,
    causation_id    TEXT,
    actor           TEXT,
    payload         JSONB       NOT NULL,
    -- Writer transaction id: readers that tail the store by position must only read rows whose
    -- transaction is older than pg_snapshot_xmin(pg_current_snapshot()), or they skip rows
    -- committed out of position order.
    tx_id           XID8        NOT NULL DEFAULT pg_current_xact_id(),
    -- Optimistic concurrency: two writers appending the same version to one stream collide here.
    CONSTRAINT events_stream_version UNIQUE (aggregate_id, version)
);

CREATE INDEX events_tx_position ON events (tx_id, global_position);
CREATE INDEX events_type_time ON events (event_type, occurred_at);

CREATE TABLE outbox (
    id                BIGSERIAL PRIMARY KEY,
    event_id          UUID        NOT NULL UNIQUE,
    aggregate_id      TEXT        NOT NULL,
    aggregate_version BIGINT      NOT NULL,
    event_type        TEXT        NOT NULL,
    routing_key       TEXT        NOT NULL,
    correlation_id    TEXT,
    -- The full event envelope as published (message body).
    envelope          JSONB       NOT NULL,
    status            TEXT        NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'dispatched', 'dead')),
    attempts          INT         NOT NULL DEFAULT 0,
    next_attempt_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error        TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    dispatched_at     TIMESTAMPTZ,
    tx_id             XID8        NOT NULL DEFAULT pg_current_xact_id()
);

-- The relay's work list: only undispatched rows, oldest first.
CREATE INDEX outbox_pending ON outbox (next_attempt_at, id) WHERE status = 'pending';
-- Per-aggregate ordering check ("is an earlier row of this aggregate still undispatched?").
CREATE INDEX outbox_undispatched_by_aggregate ON outbox (aggregate_id, aggregate_version)
    WHERE status <> 'dispatched';
-- Retention cleanup of dispatched rows.
CREATE INDEX outbox_dispatched_at ON outbox (dispatched_at) WHERE status = 'dispatched';

-- Wake the relay as soon as a writing transaction commits (NOTIFY is delivered on commit,
-- and repeated notifications of one transaction are folded into one).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox_pending', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER outbox_inserted
    AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
