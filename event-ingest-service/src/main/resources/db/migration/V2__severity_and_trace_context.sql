-- Issue 18 (OTLP/Loki ingest): severity (normalised, see the service's Severity) and the OTLP trace
-- context. Nullable without a default: on PostgreSQL 11+ adding them rewrites nothing, and a NULL
-- costs one bit in the row's null bitmap. No index: GET /events filters them inside the time range
-- (and service) that the existing indexes already bound.
ALTER TABLE ingest_events ADD COLUMN severity text;
ALTER TABLE ingest_events ADD COLUMN trace_id text;
ALTER TABLE ingest_events ADD COLUMN span_id  text;
