-- outbox-worker: the relay claims the oldest pending rows by id. Without this partial index the
-- claim query either sorts every pending row or walks the primary key across all dispatched rows
-- kept for the retention period.
CREATE INDEX outbox_pending_by_id ON outbox (id) WHERE status = 'pending';
