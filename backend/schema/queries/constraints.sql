-- constraints: primary key (p), foreign key (f), unique (u), check (c) and
-- exclusion (x) constraints of the tables in the usable schemas, with their
-- columns in key order and, for a foreign key, the referenced table and
-- columns.
select c.conrelid,
       c.conname,
       c.contype::text,
       coalesce(array(
           select a.attname
           from unnest(c.conkey) with ordinality k(num, ord)
           join pg_catalog.pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.num
           order by k.ord), '{}') as columns,
       coalesce(fn.nspname, '') as ref_schema,
       coalesce(fc.relname, '') as ref_table,
       coalesce(array(
           select a.attname
           from unnest(c.confkey) with ordinality k(num, ord)
           join pg_catalog.pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.num
           order by k.ord), '{}') as ref_columns,
       pg_catalog.pg_get_constraintdef(c.oid, true) as definition,
       coalesce(d.description, '') as comment
from pg_catalog.pg_constraint c
join pg_catalog.pg_class r on r.oid = c.conrelid
join pg_catalog.pg_namespace n on n.oid = r.relnamespace
left join pg_catalog.pg_class fc on fc.oid = c.confrelid
left join pg_catalog.pg_namespace fn on fn.oid = fc.relnamespace
left join pg_catalog.pg_description d
       on d.objoid = c.oid and d.classoid = 'pg_catalog.pg_constraint'::regclass and d.objsubid = 0
where c.contype in ('p', 'f', 'u', 'c', 'x')
  and n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
  and pg_catalog.has_schema_privilege(n.oid, 'USAGE')
order by c.conrelid, c.contype, c.conname
