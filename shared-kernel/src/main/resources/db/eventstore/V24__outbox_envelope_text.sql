-- outbox-worker (issue 20): the relay publishes each row's envelope as it is stored. As JSONB, every claim had to
-- turn each envelope back into text (jsonb_out, ~2.4 us a row here: a third of the claim's time, bench/RESULTS.md
-- 2026-12-01, sixth session), and what went out was JSONB's normalised text (keys reordered, spaces added: ~8 %
-- larger) rather than the kernel codec's bytes that CONVENTIONS.md promises. As TEXT, the claim hands over the
-- bytes api-service wrote, unchanged.
-- The three envelope fields the relay copies into AMQP headers get columns of their own, filled by the writer,
-- so the relay parses no JSON either. Rows written before this migration, or by an api-service build older than
-- it (its JSONB value is stored as its text, an assignment cast), leave them NULL: the relay then reads those
-- fields from the envelope itself. Nothing is backfilled (a malformed envelope must not fail the migration; the
-- relay marks such a row dead, as before).
-- A relay build older than this migration cannot claim any more (it reads the fields with ->> from what is now
-- TEXT): it logs the error and publishes nothing, so nothing is lost; upgrade outbox-worker with api-service.
-- Rolling back to such a build: outbox-worker/README.md, "Message body".
-- The type change rewrites the table under its exclusive lock, which blocks appends meanwhile: give up rather than
-- queue every append behind a long reader (the service then fails its start and is restarted), and first move the
-- rows a relay from before V23 marked dispatched in place to the dispatched log, so only the backlog and dead rows
-- are rewritten.
SET lock_timeout = '10s';
LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE;
WITH relayed AS (
    DELETE FROM outbox WHERE status = 'dispatched'
    RETURNING id, event_id, aggregate_id, aggregate_version, event_type, attempts, created_at, dispatched_at
)
INSERT INTO outbox_dispatched (id, event_id, aggregate_id, aggregate_version, event_type, attempts, created_at,
                               dispatched_at)
SELECT id, event_id, aggregate_id, aggregate_version, event_type, attempts, created_at, coalesce(dispatched_at, now())
FROM relayed
ON CONFLICT (id) DO NOTHING;
ALTER TABLE outbox
    ALTER COLUMN envelope TYPE TEXT USING envelope::text,
    ADD COLUMN causation_id   TEXT,
    ADD COLUMN schema_version INT,
    ADD COLUMN occurred_at    TIMESTAMPTZ;
