-- The schema and name of relations by OID ($1), to name them in messages.
select c.oid, n.nspname, c.relname
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.oid = any($1::oid[])
