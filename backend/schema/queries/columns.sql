-- columns: the columns of every table, view, materialized view and foreign
-- table in the usable schemas, unordered (Load sorts each table's columns by
-- attnum: a server-side sort of every column spills to disk on big
-- catalogs). identity is 'a' (ALWAYS), 'd' (BY DEFAULT) or ''; generated is
-- 's' (STORED) or '' (attgenerated: PostgreSQL 12+).
with ns as (
    -- the usable schemas, checked once per schema rather than once per row
    select oid from pg_catalog.pg_namespace
    where nspname !~ '^pg_(toast|temp_|toast_temp_)' and pg_catalog.has_schema_privilege(oid, 'USAGE')
)
select a.attrelid,
       a.attnum,
       a.attname,
       pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
       a.attnotnull,
       -- A default cannot reference columns, so it is deparsed without its
       -- table (relid 0): with the table, pg_get_expr opens and locks it,
       -- which is slow and fills the lock table on big catalogs. A generated
       -- column's expression does reference columns and needs the table.
       coalesce(pg_catalog.pg_get_expr(ad.adbin, case when a.attgenerated <> '' then ad.adrelid else 0 end), '')
           as default_expr,
       a.attidentity::text,
       a.attgenerated::text,
       coalesce(d.description, '') as comment
from pg_catalog.pg_attribute a
join pg_catalog.pg_class c on c.oid = a.attrelid
join ns n on n.oid = c.relnamespace
left join pg_catalog.pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
left join pg_catalog.pg_description d
       on d.objoid = a.attrelid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = a.attnum
where a.attnum > 0
  and not a.attisdropped
  and c.relkind in ('r', 'p', 'v', 'm', 'f')
