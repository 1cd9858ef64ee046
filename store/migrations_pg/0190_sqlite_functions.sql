-- Issue 19: the few SQLite scalar functions the store's queries use that
-- PostgreSQL lacks, with SQLite's meaning, so one query text serves both
-- engines. (An aggregate min/max of one argument and these of two live
-- side by side.)
CREATE FUNCTION max(a bigint, b bigint) RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT greatest(a, b)';
CREATE FUNCTION min(a bigint, b bigint) RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT least(a, b)';
-- instr(haystack, needle): 1-based position, 0 when absent.
CREATE FUNCTION instr(a text, b text) RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT strpos(a, b)';
