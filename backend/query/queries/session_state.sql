-- What this session holds that a fresh session would not have: settings
-- changed with SET (source 'session'; startup parameters are 'client'),
-- temporary relations, LISTEN channels, prepared statements made with
-- PREPARE, cursors that outlive their transaction (WITH HOLD) and advisory
-- locks. Run outside a transaction block; one row, one JSON document.
select json_build_object(
  'settings', coalesce((select json_agg(name order by name) from pg_settings where source = 'session'), '[]'),
  'temp', coalesce((select json_agg(c.relname order by c.relname) from pg_class c
                    where c.relnamespace = pg_my_temp_schema() and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')), '[]'),
  'listening', coalesce((select json_agg(ch order by ch) from pg_listening_channels() ch), '[]'),
  'prepared', coalesce((select json_agg(name order by name) from pg_prepared_statements where from_sql), '[]'),
  'cursors', coalesce((select json_agg(name order by name) from pg_cursors where is_holdable), '[]'),
  'advisoryLocks', (select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted)
)::text
