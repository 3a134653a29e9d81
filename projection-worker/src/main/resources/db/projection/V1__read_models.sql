-- Read models of projection-worker. Unqualified names on purpose: Flyway runs this with
-- search_path = projection, and the rebuild runs the same migrations into a shadow schema
-- (projection_rebuild) whose read-model tables are then swapped in.

-- Per-aggregate checkpoint: an event is applied only when its version = last_version + 1,
-- which also makes redelivery idempotent (version <= last_version is a duplicate).
CREATE TABLE stream_positions (
    aggregate_id TEXT PRIMARY KEY,
    last_version BIGINT      NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE queues (
    queue_id         TEXT PRIMARY KEY,
    name             TEXT,
    max_capacity     INT,
    created_at       TIMESTAMPTZ,
    last_check_in_at TIMESTAMPTZ,
    version          BIGINT      NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE patients (
    queue_id                TEXT        NOT NULL,
    patient_id              TEXT        NOT NULL,
    patient_name            TEXT,
    priority                TEXT        NOT NULL,
    priority_level          INT         NOT NULL,
    requested_priority      TEXT,
    consultation_type       TEXT,
    state                   TEXT        NOT NULL,
    checked_in_at           TIMESTAMPTZ NOT NULL,
    check_in_version        BIGINT      NOT NULL,
    desk_id                 TEXT,
    room_id                 TEXT,
    called_at               TIMESTAMPTZ,
    consultation_started_at TIMESTAMPTZ,
    finished_at             TIMESTAMPTZ,
    outcome                 TEXT,
    notes                   TEXT,
    payment_attempts        INT         NOT NULL DEFAULT 0,
    absences                INT         NOT NULL DEFAULT 0,
    updated_at              TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (queue_id, patient_id)
);
CREATE INDEX patients_by_state ON patients (queue_id, state);
CREATE INDEX patients_finished ON patients (queue_id, finished_at DESC) WHERE finished_at IS NOT NULL;

CREATE TABLE rooms (
    queue_id   TEXT        NOT NULL,
    room_id    TEXT        NOT NULL,
    active     BOOLEAN     NOT NULL,
    state      TEXT        NOT NULL,
    patient_id TEXT,
    called_at  TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (queue_id, room_id)
);

CREATE TABLE cashier_desks (
    queue_id   TEXT        NOT NULL,
    desk_id    TEXT        NOT NULL,
    active     BOOLEAN     NOT NULL DEFAULT true,
    state      TEXT        NOT NULL,
    patient_id TEXT,
    called_at  TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (queue_id, desk_id)
);

-- Patient trajectory: one row per applied patient event (a queue's version is unique).
CREATE TABLE patient_steps (
    queue_id    TEXT        NOT NULL,
    version     BIGINT      NOT NULL,
    patient_id  TEXT        NOT NULL,
    event_type  TEXT        NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    state       TEXT        NOT NULL,
    room_id     TEXT,
    desk_id     TEXT,
    detail      TEXT,
    PRIMARY KEY (queue_id, version)
);
CREATE INDEX patient_steps_by_patient ON patient_steps (queue_id, patient_id, version);

-- Events that arrived ahead of a missing version (neither delivered nor yet in the event store).
-- Durable so the message can be acknowledged; applied as soon as the gap closes.
CREATE TABLE parked_events (
    event_id     UUID PRIMARY KEY,
    aggregate_id TEXT        NOT NULL,
    version      BIGINT      NOT NULL,
    envelope     TEXT        NOT NULL,
    published_at TIMESTAMPTZ,
    parked_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX parked_events_by_aggregate ON parked_events (aggregate_id, version);

-- Inbox of applied event ids + lag samples (retention-limited; see projection.lag-retention).
CREATE TABLE applied_events (
    event_id     UUID PRIMARY KEY,
    aggregate_id TEXT        NOT NULL,
    version      BIGINT      NOT NULL,
    event_type   TEXT        NOT NULL,
    occurred_at  TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ,
    applied_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX applied_events_by_time ON applied_events (applied_at);
CREATE INDEX applied_events_by_type_time ON applied_events (event_type, applied_at);

CREATE TABLE projection_status (
    name                TEXT PRIMARY KEY,
    status              TEXT        NOT NULL,
    last_error          TEXT,
    last_error_at       TIMESTAMPTZ,
    rebuild_started_at  TIMESTAMPTZ,
    rebuild_finished_at TIMESTAMPTZ,
    rebuild_applied     BIGINT      NOT NULL DEFAULT 0,
    rebuild_total       BIGINT      NOT NULL DEFAULT 0,
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO projection_status (name, status) VALUES ('waiting-rooms', 'LIVE');
