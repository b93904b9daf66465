-- def_table_constraints: the local constraints of table $1 (an oid) —
-- primary key, unique, check, exclusion, then foreign keys — with quoted
-- names, definitions and comments. Constraints inherited from a parent or
-- cloned onto a partition are left out.
select format('%I', c.conname),
       c.contype::text,
       pg_catalog.pg_get_constraintdef(c.oid),
       coalesce(d.description, '') as comment
from pg_catalog.pg_constraint c
left join pg_catalog.pg_description d
       on d.objoid = c.oid and d.classoid = 'pg_catalog.pg_constraint'::regclass and d.objsubid = 0
where c.conrelid = $1
  and c.contype in ('p', 'u', 'c', 'x', 'f')
  and c.conislocal
  and c.conparentid = 0
order by case c.contype when 'p' then 0 when 'u' then 1 when 'c' then 2 when 'x' then 3 else 4 end, c.conname
