-- Queues whose read model is parked after a projector failure (the projector threw, or the write
-- failed deterministically). Unqualified names on purpose (see V1). Like parked_events this is an
-- input of the live projection, not a read model: the writer reads it as projection.parked_queues
-- and a rebuild never swaps it (the shadow schema's copy stays unused and is dropped).
--
-- While a queue is marked, the writer applies nothing of it (not even gap filling from the event
-- store, which would re-run the failing event) and parks its events in parked_events, so every
-- message can be acknowledged and nothing is lost. Resuming deletes the mark and applies the parked
-- events through the same writer; the stream position makes that idempotent.
CREATE TABLE parked_queues (
    aggregate_id    TEXT PRIMARY KEY,
    event_id        UUID        NOT NULL,
    version         BIGINT      NOT NULL,
    event_type      TEXT        NOT NULL,
    error           TEXT        NOT NULL,
    first_failed_at TIMESTAMPTZ NOT NULL,
    last_attempt_at TIMESTAMPTZ NOT NULL,
    attempts        INT         NOT NULL
);
