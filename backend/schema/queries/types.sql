-- types: enums (e) with their labels, domains (d) with base type, NOT NULL,
-- default and CHECK constraints, standalone composite types (c, not the row
-- types of tables) with their attributes, ranges (r), multiranges (m,
-- PostgreSQL 14+) and base types (b, without array types) in the usable
-- schemas.
with ns as (
    -- the usable schemas, checked once per schema rather than once per row
    select oid from pg_catalog.pg_namespace
    where nspname !~ '^pg_(toast|temp_|toast_temp_)' and pg_catalog.has_schema_privilege(oid, 'USAGE')
)
select t.typnamespace,
       t.typname,
       t.typtype::text,
       coalesce(array(select e.enumlabel from pg_catalog.pg_enum e
                      where e.enumtypid = t.oid order by e.enumsortorder), '{}') as labels,
       case when t.typtype = 'd'
            then pg_catalog.format_type(t.typbasetype, t.typtypmod) else '' end as base_type,
       t.typnotnull,
       coalesce(t.typdefault, '') as default_expr,
       coalesce(array(select pg_catalog.pg_get_constraintdef(c.oid, true) from pg_catalog.pg_constraint c
                      where c.contypid = t.oid order by c.conname), '{}') as checks,
       coalesce(array(select a.attname from pg_catalog.pg_attribute a
                      where t.typtype = 'c' and a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped
                      order by a.attnum), '{}') as attr_names,
       coalesce(array(select pg_catalog.format_type(a.atttypid, a.atttypmod) from pg_catalog.pg_attribute a
                      where t.typtype = 'c' and a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped
                      order by a.attnum), '{}') as attr_types,
       coalesce(d.description, '') as comment
from pg_catalog.pg_type t
join ns n on n.oid = t.typnamespace
left join pg_catalog.pg_class c on c.oid = t.typrelid
left join pg_catalog.pg_description d
       on d.objoid = t.oid and d.classoid = 'pg_catalog.pg_type'::regclass and d.objsubid = 0
where (t.typtype in ('e', 'd', 'r', 'm')
       or (t.typtype = 'c' and c.relkind = 'c')
       or (t.typtype = 'b' and t.typcategory <> 'A'))
order by t.typname
