-- indexes: the indexes of the tables and materialized views in the usable
-- schemas. columns holds each key column's name or expression, include the
-- INCLUDE columns; constraint is true when the index backs a primary key,
-- unique or exclusion constraint (it is then created with the constraint).
select i.indrelid,
       ic.relname,
       array(select pg_catalog.pg_get_indexdef(i.indexrelid, k, true)
             from generate_series(1, i.indnkeyatts) k order by k) as columns,
       array(select pg_catalog.pg_get_indexdef(i.indexrelid, k, true)
             from generate_series(i.indnkeyatts + 1, i.indnatts) k order by k) as include,
       i.indisunique,
       i.indisprimary,
       am.amname,
       coalesce(pg_catalog.pg_get_expr(i.indpred, i.indrelid, true), '') as predicate,
       con.conindid is not null as constraint,
       pg_catalog.pg_get_indexdef(i.indexrelid) as definition,
       coalesce(d.description, '') as comment
from pg_catalog.pg_index i
join pg_catalog.pg_class ic on ic.oid = i.indexrelid
join pg_catalog.pg_class tc on tc.oid = i.indrelid
join pg_catalog.pg_namespace n on n.oid = tc.relnamespace
join pg_catalog.pg_am am on am.oid = ic.relam
left join (select distinct conindid from pg_catalog.pg_constraint
           where contype in ('p', 'u', 'x') and conindid <> 0) con on con.conindid = i.indexrelid
left join pg_catalog.pg_description d
       on d.objoid = i.indexrelid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = 0
where tc.relkind in ('r', 'p', 'm')
  and n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
  and pg_catalog.has_schema_privilege(n.oid, 'USAGE')
order by i.indrelid, ic.relname
