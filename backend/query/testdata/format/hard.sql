-- Hard cases for the SQL formatter (frontend/src/lib/editor/format.ts). Every
-- statement runs on the demo database (backend/internal/demo/seed.sql), in
-- order; TestFormattedCorpus runs each before and after formatting.

/* quoted identifiers, keywords among them, and odd names */
CREATE TEMP TABLE "Mixed Case" ("Col" int, "with space" text, "quote""inside" text, "select" int);
INSERT INTO "Mixed Case" VALUES (1, E'line\nbreak and \'quote\' \\ back', 'it''s', 2);
SELECT "Col", "with space", "quote""inside", "select" AS "from" FROM "Mixed Case" AS "M" WHERE "M"."Col" = 1;

-- strings in every form
SELECT E'tab\there', 'plain ''quoted''', U&'d\0061t\+000061', U&'d!0061t' UESCAPE '!', B'101'::bit(3), X'1F'::bit(8), N'national', 'multi'
  'line continuation';
SELECT $$dollar ; body -- not a comment /* nor this */$$, $tag$ nested $$ inside $tag$, $a$$a$;

-- operators
SELECT 'abc' ~ 'b', 'abc' !~* 'B', 'abc' ~~ 'a%', 'abc' !~~* 'A%', 'abc' ILIKE 'A%', 'abc' SIMILAR TO 'a_c',
       ARRAY[1, 2] @> ARRAY[1], ARRAY[1] <@ ARRAY[1, 2], ARRAY[1, 2] && ARRAY[2, 3],
       '{"a":1}'::jsonb ? 'a', '{"a":1}'::jsonb ?| ARRAY['a', 'b'], '{"a":1}'::jsonb ?& ARRAY['a'],
       '{"a":{"b":2}}'::jsonb #>> '{a,b}', '{"a":{"b":2}}'::jsonb #> '{a}', '{"a":1}'::jsonb -> 'a', '{"a":1}'::jsonb ->> 'a',
       '{"a":1,"b":2}'::jsonb - 'a', '{"a":{"b":1}}'::jsonb #- '{a,b}', '{"a":1}'::jsonb @? '$.a',
       1 <> 2, 1 != 2, 1 >= -1, 1<=-1, 2>-1, B'101' # B'011', 5 & 3, 5 | 3, ~5, 1 << 2, 8 >> 1, 'a' || 'b',
       point(1, 1) <-> point(2, 2), '[1,5]'::int4range && '[3,7]'::int4range, 9.0 / 2, -(-1), 2 ^ -1, |/ 16.0, ||/ 27.0, @ -5, 10 % 3;

-- comments where they may fall
SELECT 1 /* block /* nested */ comment */ + 2 -- trailing
     , 3 AS three -- after a column
FROM (VALUES (1)) AS v (x) /* before WHERE */ WHERE x = 1;

-- casts
SELECT '1'::int, CAST('2' AS bigint), int '3', '2024-01-01'::date + 1, interval '1 day' * 2, ARRAY['a', 'b']::text[],
       (1)::numeric(10, 2), timestamptz '2024-01-01 00:00+00' AT TIME ZONE 'UTC', 1.5e-3, .5, 'a' COLLATE "C", '{1,2}'::int[];

-- functions, a routine body with semicolons, DO
CREATE FUNCTION pg_temp.add_one(x int) RETURNS int LANGUAGE plpgsql AS $fn$
BEGIN
  RETURN x + 1; -- inside the body
END
$fn$;
SELECT pg_temp.add_one(41);
CREATE FUNCTION pg_temp.twice(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT x * 2; END;
SELECT pg_temp.twice(21);
DO $$ BEGIN PERFORM 1; END $$;

-- parameters
PREPARE ask (int, text) AS SELECT $1 + 1, $2 || '!';
EXECUTE ask (1, 'hi');
DEALLOCATE ask;

-- queries with many clauses
WITH RECURSIVE t (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5)
SELECT n, count(*) FILTER (WHERE n > 2) OVER w AS c, sum(n) OVER (PARTITION BY n % 2 ORDER BY n) AS s
FROM t WINDOW w AS (ORDER BY n ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) ORDER BY n DESC NULLS LAST LIMIT 3 OFFSET 1;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), string_agg(x::text, ',' ORDER BY x DESC) FROM generate_series(1, 9) x;
SELECT c.country, date_trunc('month', o.ordered_at) AS month, grouping(c.country), sum(o.id)
FROM sales.customers c JOIN LATERAL (SELECT * FROM sales.orders o WHERE o.customer_id = c.id ORDER BY o.ordered_at DESC LIMIT 2) o ON true
GROUP BY GROUPING SETS ((c.country), (c.country, date_trunc('month', o.ordered_at)), ())
HAVING count(*) > 0 ORDER BY 1 NULLS FIRST, 2 LIMIT 5;
SELECT x, n FROM generate_series(10, 30, 10) WITH ORDINALITY AS t (x, n) WHERE x BETWEEN 10 AND 20 AND n IN (1, 2) AND x IS NOT NULL;
SELECT (ARRAY[1, 2, 3])[2:3], ('{1,2}'::int[])[1], ROW(1, 'a'), (SELECT 1) IS DISTINCT FROM 2, EXISTS (SELECT 1), CASE WHEN 1 = 1 THEN 'y' ELSE 'n' END;
SELECT jsonb_path_query('{"a":[1,2]}', '$.a[*] ? (@ > 1)'), to_char(now(), 'YYYY-MM-DD"T"HH24:MI'), format('%I.%L', 'a b', 'it''s');

-- data changes
CREATE TEMP TABLE t2 (id int PRIMARY KEY, v text DEFAULT 'x');
INSERT INTO t2 (id, v) VALUES (1, 'a'), (2, 'b') ON CONFLICT (id) DO UPDATE SET v = excluded.v || '!' RETURNING *;
UPDATE t2 SET v = s.v FROM (SELECT 1 AS id, 'z' AS v) s WHERE t2.id = s.id RETURNING t2.*;
MERGE INTO t2 USING (VALUES (2, 'm'), (3, 'n')) AS src (id, v) ON t2.id = src.id
WHEN MATCHED THEN UPDATE SET v = src.v WHEN NOT MATCHED THEN INSERT VALUES (src.id, src.v);
DELETE FROM t2 USING (VALUES (3)) AS d (id) WHERE t2.id = d.id RETURNING t2.id;
ALTER TABLE t2 ADD COLUMN w int GENERATED ALWAYS AS (id * 2) STORED, ALTER COLUMN v SET NOT NULL;
COMMENT ON TABLE t2 IS 'a comment; with a semicolon';
