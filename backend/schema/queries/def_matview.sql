-- def_matview: CREATE MATERIALIZED VIEW for $2 in schema $1, WITH DATA when
-- it is populated, then its indexes and comment.
select format(E'CREATE MATERIALIZED VIEW %I.%I AS\n', n.nspname, c.relname)
       || rtrim(pg_catalog.pg_get_viewdef(c.oid, true), ';')
       || case when c.relispopulated then E'\nWITH DATA;' else E'\nWITH NO DATA;' end
       || coalesce((select E'\n\n' || string_agg(pg_catalog.pg_get_indexdef(i.indexrelid) || ';', E'\n'
                                                 order by i.indexrelid)
                    from pg_catalog.pg_index i where i.indrelid = c.oid), '')
       || coalesce(case when d.description is not null then format(E'\n\nCOMMENT ON MATERIALIZED VIEW %I.%I IS %L;', n.nspname, c.relname, d.description) end, '')
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
left join pg_catalog.pg_description d
       on d.objoid = c.oid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = 0
where n.nspname = $1 and c.relname = $2 and c.relkind = 'm'
