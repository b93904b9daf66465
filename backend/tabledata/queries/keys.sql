-- The unique indexes of the relation (by OID $1 when not 0, else schema $2
-- and name $3, as in relation.sql) that can identify a row: the primary key
-- first, then unique indexes that are immediate (not deferrable), not
-- partial and over plain columns, fewest columns first. The caller checks
-- that every column is NOT NULL. Columns are attnums in index order,
-- without INCLUDE columns.
select ic.relname,
       i.indisprimary,
       (select array_agg(k.attnum::int order by k.ord)
        from unnest(i.indkey) with ordinality as k(attnum, ord)
        where k.ord <= i.indnkeyatts)
from pg_index i
join pg_class ic on ic.oid = i.indexrelid
where i.indrelid = (select c.oid
                    from pg_class c
                    join pg_namespace n on n.oid = c.relnamespace
                    where case when $1::oid <> 0 then c.oid = $1::oid else n.nspname = $2 and c.relname = $3 end)
  and i.indisunique
  and i.indimmediate
  and i.indisvalid
  and i.indpred is null
  and i.indexprs is null
order by i.indisprimary desc, i.indnkeyatts, ic.relname
