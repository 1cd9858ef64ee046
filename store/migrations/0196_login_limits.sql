-- The sign-in limiter's counts, shared by every console instance (they
-- were in memory). key is a hash naming the scope (sign-in or password
-- check) and the account + address pair or the address alone; until_at
-- (unix ms) is the earliest next try. Rows no failure renewed for 30
-- minutes are pruned as new failures come, and the table is capped.
CREATE TABLE login_failures (
	key      TEXT PRIMARY KEY,
	count    INTEGER NOT NULL,
	last_at  INTEGER NOT NULL,
	until_at INTEGER NOT NULL
);
CREATE INDEX login_failures_last ON login_failures (last_at);

-- Account + address pairs that signed in, and when: an address slowed down
-- for spraying still lets them in for 30 days.
CREATE TABLE login_known (
	key TEXT PRIMARY KEY,
	at  INTEGER NOT NULL
);
CREATE INDEX login_known_at ON login_known (at);
