-- api-service: responses of commands sent with an Idempotency-Key header, written in the same
-- statement as the command's events so a replay returns exactly what the first call committed.
-- request_hash tells a retry (same request) from a misuse of the key (different request).
-- Rows are kept at least until expires_at, then deleted by the service's cleanup job.
CREATE TABLE idempotency_keys (
    idempotency_key TEXT        PRIMARY KEY,
    request_hash    TEXT        NOT NULL,
    aggregate_id    TEXT        NOT NULL,
    aggregate_version BIGINT    NOT NULL,
    response_status INT         NOT NULL,
    response_body   TEXT        NOT NULL,
    location        TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
