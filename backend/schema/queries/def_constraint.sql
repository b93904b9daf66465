-- def_constraint: ALTER TABLE … ADD CONSTRAINT for constraint $2 of table $3
-- in schema $1 (of every table in $1 having one so named when $3 is empty),
-- or ALTER DOMAIN … ADD CONSTRAINT for a domain constraint.
select case when c.conrelid <> 0
            then format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s;', n.nspname, r.relname, c.conname,
                        pg_catalog.pg_get_constraintdef(c.oid))
            else format('ALTER DOMAIN %I.%I ADD CONSTRAINT %I %s;', n.nspname, t.typname, c.conname,
                        pg_catalog.pg_get_constraintdef(c.oid))
       end
from pg_catalog.pg_constraint c
join pg_catalog.pg_namespace n on n.oid = c.connamespace
left join pg_catalog.pg_class r on r.oid = c.conrelid
left join pg_catalog.pg_type t on t.oid = c.contypid
where n.nspname = $1 and c.conname = $2
  and ($3::text = '' or r.relname = $3 or t.typname = $3)
  and c.contype in ('p', 'f', 'u', 'c', 'x')
order by r.relname, t.typname
