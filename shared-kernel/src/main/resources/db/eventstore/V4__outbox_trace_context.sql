-- Tracing (issue 18): the W3C trace context of the request that appended the event, written by
-- api-service with the outbox row and sent by outbox-worker as the message's `traceparent` and
-- `tracestate` headers, so one trace runs HTTP request → outbox → RabbitMQ → projection.
-- NULL for rows written before (or by a writer without tracing): they are relayed as before,
-- without the headers. Only the outbox row carries it: the relay is its only reader.
-- Adding nullable columns is instant, but needs the table's exclusive lock: give up rather than
-- queue every append behind a long reader (the service then fails its start and is restarted).
SET lock_timeout = '10s';
ALTER TABLE outbox ADD COLUMN traceparent TEXT, ADD COLUMN tracestate TEXT;
