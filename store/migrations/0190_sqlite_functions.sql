-- Issue 19: in PostgreSQL this migration defines the SQLite scalar
-- functions the queries use (max and min of two values, instr); SQLite has
-- them built in, so here it only keeps the two engines' migrations in
-- step.
SELECT 1;
