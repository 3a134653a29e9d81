-- Access control (issue 16): the role under which the event's actor (the bearer token's subject)
-- was allowed to issue the command. NULL for events recorded before, whose actor was a free header.
ALTER TABLE events ADD COLUMN actor_role TEXT;
