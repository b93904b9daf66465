-- def_view: CREATE VIEW for view $2 in schema $1, with its comment.
select format(E'CREATE OR REPLACE VIEW %I.%I AS\n', n.nspname, c.relname)
       || pg_catalog.pg_get_viewdef(c.oid, true)
       || coalesce(case when d.description is not null then format(E'\n\nCOMMENT ON VIEW %I.%I IS %L;', n.nspname, c.relname, d.description) end, '')
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
left join pg_catalog.pg_description d
       on d.objoid = c.oid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = 0
where n.nspname = $1 and c.relname = $2 and c.relkind = 'v'
