-- The relation a data tab opens, by OID ($1 <> 0) or by schema ($2) and name
-- ($3): its kind, the planner's row count, which changes the server allows
-- on it (pg_relation_is_updatable without INSTEAD OF triggers: the bits of
-- UPDATE = 4, INSERT = 8 and DELETE = 16, as information_schema.views reads
-- them), the caller's privileges, whether the session may write at all, and
-- a view's definition (to find which base-table key reaches it).
select c.oid,
       n.nspname,
       c.relname,
       c.relkind::text,
       c.reltuples::float8,
       pg_relation_is_updatable(c.oid, false),
       has_table_privilege(c.oid, 'SELECT'),
       has_any_column_privilege(c.oid, 'INSERT'),
       has_any_column_privilege(c.oid, 'UPDATE'),
       has_table_privilege(c.oid, 'DELETE'),
       current_setting('transaction_read_only')::bool,
       pg_is_in_recovery(),
       coalesce(obj_description(c.oid, 'pg_class'), ''),
       case when c.relkind = 'v' then pg_get_viewdef(c.oid) else '' end
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm', 'f')
  and case when $1::oid <> 0 then c.oid = $1::oid else n.nspname = $2 and c.relname = $3 end
