-- Audit trail (issue 16): who caused each step of a trajectory. actor is the event's actor (the
-- subject of the bearer token the command came with), actor_role the role under which the command
-- was allowed (events.actor_role, event store V3). Unqualified names on purpose (see V1): the rebuild
-- runs this into the shadow schema too, where the tables are empty and the writer fills both columns.
-- The history view shows the actor of a visit's last step (the one that finished it).
ALTER TABLE patient_steps ADD COLUMN actor TEXT;
ALTER TABLE patient_steps ADD COLUMN actor_role TEXT;

-- Steps applied before this migration: take the actor from the event store when it is in this
-- database (the same values a rebuild would give them; actor_role stays NULL for events recorded
-- before access control). Without an event store the columns stay NULL.
DO $$
BEGIN
    IF to_regclass('public.events') IS NOT NULL AND EXISTS (SELECT 1 FROM patient_steps) THEN
        IF EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = 'public' AND table_name = 'events' AND column_name = 'actor_role') THEN
            UPDATE patient_steps s SET actor = e.actor, actor_role = e.actor_role
            FROM public.events e WHERE e.aggregate_id = s.queue_id AND e.version = s.version;
        ELSE
            UPDATE patient_steps s SET actor = e.actor
            FROM public.events e WHERE e.aggregate_id = s.queue_id AND e.version = s.version;
        END IF;
    END IF;
END
$$;
