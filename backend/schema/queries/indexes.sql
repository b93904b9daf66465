-- indexes: the indexes of the tables and materialized views in the usable
-- schemas. keys holds the attnum of each column (key columns, then the
-- indnkeyatts+1… INCLUDE columns), 0 for an expression; exprs, only for an
-- index with expressions, holds every column as pg_get_indexdef prints it
-- (pg_get_indexdef is costly, so plain indexes skip it). constraint is true
-- when the index backs a primary key, unique or exclusion constraint.
with ns as (
    -- the usable schemas, checked once per schema rather than once per row
    select oid from pg_catalog.pg_namespace
    where nspname !~ '^pg_(toast|temp_|toast_temp_)' and pg_catalog.has_schema_privilege(oid, 'USAGE')
)
select i.indrelid,
       ic.relname,
       i.indnkeyatts,
       i.indkey::int2[] as keys,
       case when i.indexprs is null then '{}'::text[]
            else array(select pg_catalog.pg_get_indexdef(i.indexrelid, k, true)
                       from generate_series(1, i.indnatts) k order by k) end as exprs,
       i.indisunique,
       i.indisprimary,
       am.amname,
       coalesce(pg_catalog.pg_get_expr(i.indpred, i.indrelid, true), '') as predicate,
       con.conindid is not null as constraint,
       coalesce(d.description, '') as comment
from pg_catalog.pg_index i
join pg_catalog.pg_class ic on ic.oid = i.indexrelid
join pg_catalog.pg_class tc on tc.oid = i.indrelid
join ns n on n.oid = tc.relnamespace
join pg_catalog.pg_am am on am.oid = ic.relam
left join (select distinct conindid from pg_catalog.pg_constraint
           where contype in ('p', 'u', 'x') and conindid <> 0) con on con.conindid = i.indexrelid
left join pg_catalog.pg_description d
       on d.objoid = i.indexrelid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = 0
where tc.relkind in ('r', 'p', 'm')
order by i.indrelid, ic.relname
