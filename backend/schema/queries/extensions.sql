-- extensions: the installed extensions with their version and schema
-- (pg_extension is readable by every role).
select e.extname, e.extversion, n.nspname
from pg_catalog.pg_extension e
join pg_catalog.pg_namespace n on n.oid = e.extnamespace
order by e.extname
