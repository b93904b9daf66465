-- The columns of the relation (by OID $1 when not 0, else schema $2 and
-- name $3, as in relation.sql) in attnum order, with what the data tab needs
-- to show, sort, filter and edit them. Domains are resolved to their base
-- type (through domains over domains); arrays to their element type.
-- "sortable" means the type has a default btree operator class (directly,
-- through an implicit binary-coercible cast such as varchar → text, or the
-- polymorphic classes of enums, ranges, arrays and composites), so it can
-- be ordered and compared with = ; other types (json, xml, point, …) are
-- compared by their text.
with recursive rel(oid) as (
    select c.oid
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where case when $1::oid <> 0 then c.oid = $1::oid else n.nspname = $2 and c.relname = $3 end
), domains(top, oid, typtype, typbasetype) as (
    select t.oid, t.oid, t.typtype, t.typbasetype
    from pg_attribute a
    join pg_type t on t.oid = a.atttypid
    where a.attrelid = (select oid from rel) and a.attnum > 0 and not a.attisdropped
  union
    select d.top, p.oid, p.typtype, p.typbasetype
    from domains d
    join pg_type p on p.oid = d.typbasetype
    where d.typtype = 'd'
), btree(intype, typname) as materialized (
    -- the input types of the default btree operator classes
    select oc.opcintype, it.typname::text
    from pg_opclass oc
    join pg_am am on am.oid = oc.opcmethod and am.amname = 'btree'
    join pg_type it on it.oid = oc.opcintype
    where oc.opcdefault
), poly as materialized (
    select array_agg(typname) as names from btree where typname like 'any%' or typname = 'record'
)
select a.attnum::int,
       a.attname,
       format_type(a.atttypid, a.atttypmod),
       format_type(a.atttypid, null),
       a.atttypid,
       a.atttypmod,
       bt.oid,
       format_type(bt.oid, null),
       bt.typcategory::text,
       bt.typtype::text,
       case when t.typtype = 'd' then format_type(t.oid, null) else '' end,
       coalesce(format_type(el.oid, null), ''),
       coalesce((select array_agg(e.enumlabel::text order by e.enumsortorder)
                 from pg_enum e
                 where e.enumtypid = case when bt.typtype = 'e' then bt.oid else el.oid end), '{}'),
       a.attnotnull or t.typnotnull,
       case when a.attgenerated = '' then coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') else '' end,
       case when a.attgenerated <> '' then coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') else '' end,
       a.attidentity::text,
       pg_column_is_updatable(a.attrelid, a.attnum, false),
       has_column_privilege(a.attrelid, a.attnum, 'INSERT'),
       has_column_privilege(a.attrelid, a.attnum, 'UPDATE'),
       (select exists (select 1 from btree b where b.intype = x.oid)
            or (x.typtype = 'e' and 'anyenum' = any (poly.names))
            or (x.typtype = 'r' and 'anyrange' = any (poly.names))
            or (x.typtype = 'm' and 'anymultirange' = any (poly.names))
            or (x.typtype = 'c' and 'record' = any (poly.names))
            or exists (select 1 from pg_cast pc join btree b on b.intype = pc.casttarget
                       where pc.castsource = x.oid and pc.castmethod = 'b' and pc.castcontext = 'i')
        from pg_type x, poly
        where x.oid = coalesce(el.oid, bt.oid)),
       coalesce(col_description(a.attrelid, a.attnum), '')
from pg_attribute a
join pg_type t on t.oid = a.atttypid
join domains dm on dm.top = t.oid and dm.typtype <> 'd'
join pg_type bt on bt.oid = dm.oid
left join pg_type el on el.oid = bt.typelem and bt.typcategory = 'A'
left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
where a.attrelid = (select oid from rel) and a.attnum > 0 and not a.attisdropped
order by a.attnum
