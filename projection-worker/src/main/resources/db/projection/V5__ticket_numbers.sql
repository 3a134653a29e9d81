-- The short number public screens show instead of a name (PatientCheckedIn schema 3); null for
-- check-ins recorded before ticket numbers existed.
ALTER TABLE patients ADD COLUMN ticket_number TEXT;
