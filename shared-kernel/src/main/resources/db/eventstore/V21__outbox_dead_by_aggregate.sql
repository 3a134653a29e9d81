-- outbox-worker: the claim skips every aggregate that has a dead row (its later versions must wait
-- for an operator), so dead rows are looked up by aggregate without scanning the pending backlog.
CREATE INDEX outbox_dead_by_aggregate ON outbox (aggregate_id, aggregate_version) WHERE status = 'dead';
