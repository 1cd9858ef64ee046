-- Leases: the work that must run on one console instance at a time (the
-- delivery poller, retention, the fallback sweeper, the import resumer...)
-- runs only on the instance holding its named lease. holder is the
-- instance's random id; expires_at (unix ms) is when another instance may
-- take the lease over if the holder stopped renewing it.
CREATE TABLE leases (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);
