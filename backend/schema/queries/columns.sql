-- columns: the columns of every table, view, materialized view and foreign
-- table in the usable schemas, in table order. identity is 'a' (ALWAYS), 'd'
-- (BY DEFAULT) or ''; generated is 's' (STORED) or '' (PostgreSQL 12+).
select a.attrelid,
       a.attnum,
       a.attname,
       pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
       a.attnotnull,
       coalesce(pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), '') as default_expr,
       a.attidentity::text,
       a.attgenerated::text,
       coalesce(d.description, '') as comment
from pg_catalog.pg_attribute a
join pg_catalog.pg_class c on c.oid = a.attrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
left join pg_catalog.pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
left join pg_catalog.pg_description d
       on d.objoid = a.attrelid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = a.attnum
where a.attnum > 0
  and not a.attisdropped
  and c.relkind in ('r', 'p', 'v', 'm', 'f')
  and n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
  and pg_catalog.has_schema_privilege(n.oid, 'USAGE')
order by a.attrelid, a.attnum
