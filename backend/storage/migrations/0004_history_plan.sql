-- 0004_history_plan: the execution plan of an EXPLAIN (FORMAT JSON) that ran,
-- kept with its history entry so two runs can be compared later. NULL for
-- every other statement. The text is the server's JSON output as is.
ALTER TABLE query_history ADD COLUMN plan TEXT CHECK (plan IS NULL OR json_valid(plan));
