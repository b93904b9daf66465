-- The unique indexes of relation $1 that can identify a row: the primary key
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
where i.indrelid = $1
  and i.indisunique
  and i.indimmediate
  and i.indisvalid
  and i.indpred is null
  and i.indexprs is null
order by i.indisprimary desc, i.indnkeyatts, ic.relname
