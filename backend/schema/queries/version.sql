-- version: the server's version number (e.g. 150004), to refuse servers
-- older than PostgreSQL 12 with a clear error.
select current_setting('server_version_num')::int
