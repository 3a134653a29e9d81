-- Access control (issue 16): the role under which the event's actor (the bearer token's subject)
-- was allowed to issue the command. NULL for events recorded before, whose actor was a free header.
-- Adding a nullable column is instant, but needs the table's exclusive lock: give up rather than
-- queue every append behind a long reader (the service then fails its start and is restarted).
SET lock_timeout = '10s';
ALTER TABLE events ADD COLUMN actor_role TEXT;
