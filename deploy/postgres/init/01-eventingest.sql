-- The ingest service has its own database; waitingroom is created by POSTGRES_DB.
CREATE DATABASE eventingest;
