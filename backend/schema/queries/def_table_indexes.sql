-- def_table_indexes: CREATE INDEX for the indexes of table $1 (an oid) that
-- back no constraint and are not attached to a parent's index, with the
-- quoted qualified name (for COMMENT ON INDEX) and comment.
select pg_catalog.pg_get_indexdef(i.indexrelid),
       format('%I.%I', n.nspname, ic.relname),
       coalesce(d.description, '') as comment
from pg_catalog.pg_index i
join pg_catalog.pg_class ic on ic.oid = i.indexrelid
join pg_catalog.pg_namespace n on n.oid = ic.relnamespace
left join pg_catalog.pg_description d
       on d.objoid = i.indexrelid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = 0
where i.indrelid = $1
  and not exists (select 1 from pg_catalog.pg_constraint c
                  where c.conindid = i.indexrelid and c.conrelid = i.indrelid and c.contype in ('p', 'u', 'x'))
  and not exists (select 1 from pg_catalog.pg_inherits h where h.inhrelid = i.indexrelid)
order by ic.relname
