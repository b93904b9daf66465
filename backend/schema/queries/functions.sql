-- functions: functions (f), procedures (p), aggregates (a) and window
-- functions (w) in the usable schemas, with their identity arguments (the
-- signature that tells overloads apart) and result type (empty for a
-- procedure). prokind exists since PostgreSQL 11.
with ns as (
    -- the usable schemas, checked once per schema rather than once per row
    select oid from pg_catalog.pg_namespace
    where nspname !~ '^pg_(toast|temp_|toast_temp_)' and pg_catalog.has_schema_privilege(oid, 'USAGE')
)
select p.pronamespace,
       p.proname,
       pg_catalog.pg_get_function_identity_arguments(p.oid) as arguments,
       coalesce(pg_catalog.pg_get_function_result(p.oid), '') as result,
       p.prokind::text,
       l.lanname,
       coalesce(d.description, '') as comment
from pg_catalog.pg_proc p
join ns n on n.oid = p.pronamespace
join pg_catalog.pg_language l on l.oid = p.prolang
left join pg_catalog.pg_description d
       on d.objoid = p.oid and d.classoid = 'pg_catalog.pg_proc'::regclass and d.objsubid = 0
order by p.proname, arguments
