-- def_index: CREATE INDEX for index $2 in schema $1, with its comment.
select pg_catalog.pg_get_indexdef(c.oid) || ';'
       || coalesce(case when d.description is not null then format(E'\nCOMMENT ON INDEX %I.%I IS %L;', n.nspname, c.relname, d.description) end, '')
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
left join pg_catalog.pg_description d
       on d.objoid = c.oid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = 0
where n.nspname = $1 and c.relname = $2 and c.relkind in ('i', 'I')
