-- def_table: the header of table $2 in schema $1 for a reconstructed CREATE
-- TABLE: its oid, quoted qualified name, kind, persistence, partition parent
-- and bound, partition key, inheritance parents, storage options, foreign
-- server and options, and comment. Identifiers come back quoted (%I).
select c.oid,
       format('%I.%I', n.nspname, c.relname) as qname,
       c.relkind::text,
       c.relpersistence = 'u' as unlogged,
       coalesce((select format('%I.%I', pn.nspname, pc.relname)
                 from pg_catalog.pg_inherits i
                 join pg_catalog.pg_class pc on pc.oid = i.inhparent
                 join pg_catalog.pg_namespace pn on pn.oid = pc.relnamespace
                 where c.relispartition and i.inhrelid = c.oid), '') as partition_of,
       case when c.relispartition then coalesce(pg_catalog.pg_get_expr(c.relpartbound, c.oid), '') else '' end as bound,
       case when c.relkind = 'p' then pg_catalog.pg_get_partkeydef(c.oid) else '' end as partition_by,
       coalesce((select string_agg(format('%I.%I', pn.nspname, pc.relname), ', ' order by i.inhseqno)
                 from pg_catalog.pg_inherits i
                 join pg_catalog.pg_class pc on pc.oid = i.inhparent
                 join pg_catalog.pg_namespace pn on pn.oid = pc.relnamespace
                 where not c.relispartition and i.inhrelid = c.oid), '') as inherits,
       coalesce(array_to_string(c.reloptions, ', '), '') as options,
       coalesce((select format('%I', fs.srvname)
                 from pg_catalog.pg_foreign_table ft
                 join pg_catalog.pg_foreign_server fs on fs.oid = ft.ftserver
                 where ft.ftrelid = c.oid), '') as server,
       coalesce((select string_agg(format('%I %L', split_part(o, '=', 1), substr(o, strpos(o, '=') + 1)), ', ')
                 from pg_catalog.pg_foreign_table ft, unnest(ft.ftoptions) o
                 where ft.ftrelid = c.oid), '') as server_options,
       coalesce(d.description, '') as comment
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
left join pg_catalog.pg_description d
       on d.objoid = c.oid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = 0
where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'f')
