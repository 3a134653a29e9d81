-- Line order as the aggregate decides it (kernel LineOrder), and visits. Unqualified names on
-- purpose (see V1): the rebuild runs this into the shadow schema too, where the tables are empty.
--
-- Each line (cashier, consultation) is served by priority, then by line_sequence: a per-queue
-- counter (queues.next_line_sequence, from 1) that a patient draws at check-in, when the payment
-- is validated, and when requeued after an absence. Events of schema 2 carry the sequence; for
-- schema-1 events the projector draws from the counter, exactly as the aggregate did.

ALTER TABLE patients ADD COLUMN line_sequence BIGINT;
ALTER TABLE patients ADD COLUMN visit INT NOT NULL DEFAULT 1;
ALTER TABLE queues ADD COLUMN next_line_sequence BIGINT NOT NULL DEFAULT 1;
ALTER TABLE patient_steps ADD COLUMN visit INT NOT NULL DEFAULT 1;

-- Rows applied before this migration: replay the counter over the stored steps (every patient
-- event left one). The n-th line-entering step of a queue drew sequence n, and a patient's
-- sequence is the one of its latest line-entering step: the same numbers the aggregate gave.
WITH entering AS (
    SELECT queue_id, patient_id, version,
           row_number() OVER (PARTITION BY queue_id ORDER BY version) AS sequence
    FROM patient_steps
    WHERE event_type IN ('PatientCheckedIn', 'PatientPaymentValidated', 'PatientAbsentAtCashier',
                         'PatientAbsentAtConsultation')
), latest AS (
    SELECT DISTINCT ON (queue_id, patient_id) queue_id, patient_id, sequence
    FROM entering ORDER BY queue_id, patient_id, version DESC
)
UPDATE patients p SET line_sequence = latest.sequence
FROM latest WHERE p.queue_id = latest.queue_id AND p.patient_id = latest.patient_id;

-- A row without steps cannot exist through the projector; keep it ordered anyway.
UPDATE patients SET line_sequence = check_in_version WHERE line_sequence IS NULL;

UPDATE queues q SET next_line_sequence = GREATEST(counted.drawn + 1, counted.highest + 1)
FROM (SELECT p.queue_id, max(p.line_sequence) AS highest,
             (SELECT count(*) FROM patient_steps s WHERE s.queue_id = p.queue_id
                AND s.event_type IN ('PatientCheckedIn', 'PatientPaymentValidated', 'PatientAbsentAtCashier',
                                     'PatientAbsentAtConsultation')) AS drawn
      FROM patients p GROUP BY p.queue_id) AS counted
WHERE q.queue_id = counted.queue_id;

-- Visits: a step's visit is the number of check-ins of that patient up to it.
UPDATE patient_steps s SET visit = numbered.visit
FROM (SELECT queue_id, version,
             count(*) FILTER (WHERE event_type = 'PatientCheckedIn')
                 OVER (PARTITION BY queue_id, patient_id ORDER BY version) AS visit
      FROM patient_steps) AS numbered
WHERE s.queue_id = numbered.queue_id AND s.version = numbered.version AND numbered.visit > 1;

UPDATE patients p SET visit = visits.visit
FROM (SELECT queue_id, patient_id, max(visit) AS visit FROM patient_steps GROUP BY queue_id, patient_id) AS visits
WHERE p.queue_id = visits.queue_id AND p.patient_id = visits.patient_id AND visits.visit > 1;

ALTER TABLE patients ALTER COLUMN line_sequence SET NOT NULL;

-- The line queries: one state's patients of a queue, already in line order. Its prefix
-- (queue_id, state) serves what patients_by_state served, so that index goes (one index less to
-- maintain per patient update).
CREATE INDEX patients_line_order ON patients (queue_id, state, priority_level DESC, line_sequence);
DROP INDEX patients_by_state;
