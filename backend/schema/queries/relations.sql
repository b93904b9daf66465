-- relations: tables (r), partitioned tables (p), views (v), materialized
-- views (m), foreign tables (f) and sequences (S) in the usable schemas, with
-- the planner's row estimate (-1: never analyzed; 0 before PostgreSQL 14 too),
-- the on-disk size estimate from relpages, the parent of a partition and the
-- column a sequence is owned by (serial or identity).
with ns as (
    -- the usable schemas, checked once per schema rather than once per row
    select oid from pg_catalog.pg_namespace
    where nspname !~ '^pg_(toast|temp_|toast_temp_)' and pg_catalog.has_schema_privilege(oid, 'USAGE')
)
select c.oid,
       c.relnamespace,
       c.relname,
       c.relkind::text,
       c.reltuples::float8,
       c.relpages::int8 * current_setting('block_size')::int8 as size_bytes,
       coalesce(d.description, '') as comment,
       coalesce(pn.nspname, '') as parent_schema,
       coalesce(pc.relname, '') as parent_name,
       coalesce(own.owner, '') as owned_by,
       coalesce(own.identity, false) as identity
from pg_catalog.pg_class c
join ns n on n.oid = c.relnamespace
left join pg_catalog.pg_description d
       on d.objoid = c.oid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = 0
left join pg_catalog.pg_inherits i on c.relispartition and i.inhrelid = c.oid
left join pg_catalog.pg_class pc on pc.oid = i.inhparent
left join pg_catalog.pg_namespace pn on pn.oid = pc.relnamespace
left join lateral (
    select tc.relname || '.' || a.attname as owner, dep.deptype = 'i' as identity
    from pg_catalog.pg_depend dep
    join pg_catalog.pg_class tc on tc.oid = dep.refobjid
    join pg_catalog.pg_attribute a on a.attrelid = dep.refobjid and a.attnum = dep.refobjsubid
    where c.relkind = 'S'
      and dep.classid = 'pg_catalog.pg_class'::regclass
      and dep.objid = c.oid
      and dep.refclassid = 'pg_catalog.pg_class'::regclass
      and dep.deptype in ('a', 'i')
    limit 1
) own on true
where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
order by c.relname
