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
-- typeof(provider_id) tells SQLite's packed UUIDs (blobs) from text ids;
-- PostgreSQL keeps every provider id as text.
CREATE FUNCTION typeof(a text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT ''text''';
-- sum(condition) counts the rows where it holds (SQLite's comparisons are
-- 0 or 1); NULL over no rows, as SQLite's sum.
CREATE FUNCTION sum_true(acc bigint, b boolean) RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT coalesce(acc, 0) + CASE WHEN b THEN 1 ELSE 0 END';
CREATE AGGREGATE sum(boolean) (SFUNC = sum_true, STYPE = bigint);
-- group_concat(value, separator), SQLite's string_agg.
CREATE FUNCTION group_concat_step(acc text, v text, sep text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v ELSE acc || sep || v END';
CREATE AGGREGATE group_concat(text, text) (SFUNC = group_concat_step, STYPE = text);
-- SQLite's JSON functions the contact book uses, on JSON kept as text
-- (contacts.attrs and contacts.fold are TEXT here; SQLite keeps fold as
-- JSONB): jsonb(text) checks and normalises a document, json_patch and
-- jsonb_patch merge two objects' keys (the book's objects are flat: one
-- level, no nulls), and doc ->> '$."key"' reads a field with SQLite's
-- path syntax.
CREATE FUNCTION jsonb(doc text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT (doc::jsonb)::text';
CREATE FUNCTION json_patch(a text, b text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT (a::jsonb || b::jsonb)::text';
CREATE FUNCTION jsonb_patch(a text, b text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT (a::jsonb || b::jsonb)::text';
CREATE FUNCTION sqlite_json_field(doc text, path text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
		WHEN path LIKE '$."%"' THEN doc::jsonb ->> substr(path, 4, length(path) - 4)
		WHEN path LIKE '$.%' THEN doc::jsonb ->> substr(path, 3)
		ELSE doc::jsonb #>> '{}'
	END$$;
CREATE OPERATOR ->> (LEFTARG = text, RIGHTARG = text, FUNCTION = sqlite_json_field);
-- instr over a blob (raw event bodies) looks for the text's bytes.
CREATE FUNCTION instr(a bytea, b text) RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT position(convert_to(b, ''UTF8'') IN a)';
