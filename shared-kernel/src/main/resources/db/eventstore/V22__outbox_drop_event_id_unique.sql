-- outbox-worker (issue 20): the outbox's own UNIQUE (event_id) repeated events.event_id's. Every outbox row is
-- inserted by the statement that inserts its event (api-service GroupCommitAppender), so the events table's
-- constraint already refuses a duplicate, and nothing looks outbox rows up by event_id. Its index cost a B-tree
-- insert with a uniqueness check per row twice: when api-service wrote the row, and when the relay marked it
-- dispatched (that update is never HOT: status is in partial-index predicates, so every index gets a new entry).
-- Marking 1,000 rows dispatched: 10.3 ms with it, 8.3 without (time-ordered ids, as api-service writes them;
-- 12.3 and 8.3 with random ids, as the relay bench fills the outbox). Figures in bench/RESULTS.md, 2026-12-01.
ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_event_id_key;
