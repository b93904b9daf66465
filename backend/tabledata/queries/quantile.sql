-- Where fraction $4 (0–1) of the non-NULL values of column $3 of $1.$2
-- lies, from the planner's statistics (pg_stats shows only the columns the
-- caller may read), reckoned as the planner does: each most common value
-- weighs its frequency and the rest is spread evenly over the histogram's
-- buckets. Returns the value (as text; COLTYPE is replaced by the column's
-- type), the shares of non-NULL values before it and up to it, and the share
-- of NULLs; no row without statistics. Partitioned tables have inherited
-- statistics only.
with s as (
    select st.null_frac::float8 as nf,
           coalesce(st.most_common_vals::text::text[], '{}') as mcv,
           coalesce(st.most_common_freqs, '{}') as mcf,
           coalesce(st.histogram_bounds::text::text[], '{}') as hb
    from pg_stats st
    where st.schemaname = $1 and st.tablename = $2 and st.attname = $3
    order by st.inherited desc
    limit 1
), points as (
    select u.v::COLTYPE as v, u.f::float8 as w
    from s, unnest(s.mcv, s.mcf) as u(v, f)
  union all
    select h.v::COLTYPE,
           case when h.i = 1 then 0
                else (1 - s.nf - (select coalesce(sum(x), 0) from unnest(s.mcf) x)) / (cardinality(s.hb) - 1) end
    from s, unnest(s.hb) with ordinality as h(v, i)
    where cardinality(s.hb) > 1
), cum as (
    select v, w, sum(w) over (order by v rows unbounded preceding) as upto
    from points
), total as (
    select sum(w) as t from points
)
select cum.v::text,
       (cum.upto - cum.w) / total.t,
       cum.upto / total.t,
       (select nf from s)
from cum, total
where total.t > 0 and cum.upto >= $4::float8 * total.t
order by cum.v
limit 1
