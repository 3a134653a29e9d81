-- Coalesced outbox NOTIFY. V1's trigger notified on every writing transaction, and every
-- transaction that has notified takes PostgreSQL's global notify lock at commit: all committing
-- writers were serialised behind it (api-service: 971 check-ins/s with it, 1,721/s without).
-- Now a writer notifies only when a relay is asleep, without ever missing a wake-up:
--
--  * Advisory lock 7400500001 = "an outbox relay is asleep". The sleeping relay (only the leader
--    replica, which also holds the leader lock 7400500002 on its LISTEN connection; both are
--    session locks on that connection) holds it EXCLUSIVE while it waits for notifications.
--  * The trigger tries to take it SHARED for the rest of the writing transaction. Success means no
--    relay is asleep (nor falling asleep): the relay is awake and polling, so the writer skips the
--    NOTIFY and holds the shared lock until it has committed. Failure means a relay is asleep, or
--    is queued for the exclusive lock (a try-lock also fails against a queued waiter): the writer
--    notifies as before.
--  * Falling asleep, the relay requests the exclusive lock (blocking, with a short lock_timeout),
--    which waits until every writer that skipped its NOTIFY has committed (locks are released
--    after the commit is visible), and only then claims once more before waiting for
--    notifications: each skipped NOTIFY's rows are visible to that claim, each later writer
--    notifies. On a notification (or activity of its own) the relay releases the lock.
--  * No relay running, or an awake one: writers never notify. A relay that dies releases the
--    locks with its connection.
CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock_shared(7400500001) THEN
        PERFORM pg_notify('outbox_pending', '');
    END IF;
    RETURN NULL;
END;
$$;
