-- constraints: primary key (p), foreign key (f), unique (u), check (c) and
-- exclusion (x) constraints of the tables in the usable schemas, with the
-- attnums of their columns in key order (keys) and, for a foreign key, the referenced table and
-- columns. Per table, ordered primary key, unique, foreign keys, checks,
-- exclusion, then by name.
with ns as (
    -- the usable schemas, checked once per schema rather than once per row
    select oid from pg_catalog.pg_namespace
    where nspname !~ '^pg_(toast|temp_|toast_temp_)' and pg_catalog.has_schema_privilege(oid, 'USAGE')
)
select c.conrelid,
       c.conname,
       c.contype::text,
       coalesce(c.conkey, '{}') as keys,
       coalesce(fn.nspname, '') as ref_schema,
       coalesce(fc.relname, '') as ref_table,
       case when c.contype = 'f' then array(
           select a.attname
           from unnest(c.confkey) with ordinality k(num, ord)
           join pg_catalog.pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.num
           order by k.ord) else '{}' end as ref_columns,
       pg_catalog.pg_get_constraintdef(c.oid, true) as definition,
       coalesce(d.description, '') as comment
from pg_catalog.pg_constraint c
join pg_catalog.pg_class r on r.oid = c.conrelid
join ns n on n.oid = r.relnamespace
left join pg_catalog.pg_class fc on fc.oid = c.confrelid
left join pg_catalog.pg_namespace fn on fn.oid = fc.relnamespace
left join pg_catalog.pg_description d
       on d.objoid = c.oid and d.classoid = 'pg_catalog.pg_constraint'::regclass and d.objsubid = 0
where c.contype in ('p', 'f', 'u', 'c', 'x')
order by c.conrelid,
         case c.contype when 'p' then 0 when 'u' then 1 when 'f' then 2 when 'c' then 3 else 4 end,
         c.conname
