-- def_table_columns: the local columns of table $1 (an oid) for a
-- reconstructed CREATE TABLE, with quoted names, a COLLATE clause when the
-- column's collation differs from its type's, default or generation
-- expression, identity and comment.
select format('%I', a.attname),
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       case when a.attcollation <> 0 and a.attcollation <> t.typcollation
            then format('%I.%I', cn.nspname, co.collname) else '' end as collation,
       a.attnotnull,
       coalesce(pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), '') as default_expr,
       a.attidentity::text,
       a.attgenerated::text,
       a.attislocal,
       coalesce(d.description, '') as comment
from pg_catalog.pg_attribute a
join pg_catalog.pg_type t on t.oid = a.atttypid
left join pg_catalog.pg_collation co on co.oid = a.attcollation
left join pg_catalog.pg_namespace cn on cn.oid = co.collnamespace
left join pg_catalog.pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
left join pg_catalog.pg_description d
       on d.objoid = a.attrelid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = a.attnum
where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
order by a.attnum
