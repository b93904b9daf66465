-- schemas: every schema the current user may use (USAGE privilege), without
-- the TOAST and temporary schemas. pg_catalog and information_schema are
-- flagged as system schemas.
select n.oid,
       n.nspname,
       n.nspname in ('pg_catalog', 'information_schema') as system,
       coalesce(d.description, '') as comment
from pg_catalog.pg_namespace n
left join pg_catalog.pg_description d
       on d.objoid = n.oid and d.classoid = 'pg_catalog.pg_namespace'::regclass and d.objsubid = 0
where n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
  and pg_catalog.has_schema_privilege(n.oid, 'USAGE')
order by n.nspname
