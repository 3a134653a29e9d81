-- api-service: aggregate snapshots, so a long-lived queue loads from its latest snapshot plus the
-- few events after it instead of replaying its whole stream. One row per aggregate (the latest);
-- written in the same statement as the events it covers. A snapshot whose state_schema differs
-- from the code's is ignored (the stream is replayed), so the state format can evolve freely.
CREATE TABLE snapshots (
    aggregate_id   TEXT        PRIMARY KEY,
    aggregate_type TEXT        NOT NULL,
    version        BIGINT      NOT NULL CHECK (version > 0),
    state_schema   INT         NOT NULL,
    state          JSONB       NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
