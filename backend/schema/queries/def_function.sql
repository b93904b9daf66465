-- def_function: CREATE OR REPLACE FUNCTION/PROCEDURE for $2 in schema $1,
-- every overload when $3 is empty, else the one whose identity arguments are
-- $3. Aggregates have no pg_get_functiondef and are left out.
select pg_catalog.pg_get_functiondef(p.oid)
       || coalesce(case when d.description is not null then format(E'\nCOMMENT ON %s %I.%I(%s) IS %L;',
                          case p.prokind when 'p' then 'PROCEDURE' else 'FUNCTION' end,
                          n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid),
                          d.description) end, '')
from pg_catalog.pg_proc p
join pg_catalog.pg_namespace n on n.oid = p.pronamespace
left join pg_catalog.pg_description d
       on d.objoid = p.oid and d.classoid = 'pg_catalog.pg_proc'::regclass and d.objsubid = 0
where n.nspname = $1 and p.proname = $2 and p.prokind in ('f', 'p', 'w')
  and ($3::text = '' or pg_catalog.pg_get_function_identity_arguments(p.oid) = $3)
order by pg_catalog.pg_get_function_identity_arguments(p.oid)
