-- def_sequence: CREATE SEQUENCE for sequence $2 in schema $1 from
-- pg_sequence, with OWNED BY for a serial column's sequence and its comment.
select format('CREATE SEQUENCE %I.%I AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s%s;',
              n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, null), s.seqincrement,
              s.seqmin, s.seqmax, s.seqstart, s.seqcache,
              case when s.seqcycle then ' CYCLE' else ' NO CYCLE' end)
       || coalesce((select format(E'\nALTER SEQUENCE %I.%I OWNED BY %I.%I.%I;',
                                  n.nspname, c.relname, tn.nspname, tc.relname, a.attname)
                    from pg_catalog.pg_depend dep
                    join pg_catalog.pg_class tc on tc.oid = dep.refobjid
                    join pg_catalog.pg_namespace tn on tn.oid = tc.relnamespace
                    join pg_catalog.pg_attribute a on a.attrelid = dep.refobjid and a.attnum = dep.refobjsubid
                    where dep.classid = 'pg_catalog.pg_class'::regclass and dep.objid = c.oid
                      and dep.refclassid = 'pg_catalog.pg_class'::regclass and dep.deptype = 'a'
                    limit 1), '')
       || coalesce(case when d.description is not null then format(E'\nCOMMENT ON SEQUENCE %I.%I IS %L;', n.nspname, c.relname, d.description) end, '')
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
join pg_catalog.pg_sequence s on s.seqrelid = c.oid
left join pg_catalog.pg_description d
       on d.objoid = c.oid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = 0
where n.nspname = $1 and c.relname = $2 and c.relkind = 'S'
