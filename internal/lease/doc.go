// Package lease runs work that must happen on one console instance at a
// time when several instances share one database: the delivery poller and
// applier, retention, the fallback sweeper, the outgoing-webhook worker,
// the firing of scheduled starts, each list import.
//
// Contract:
//   - A lease is a named row in the store with a holder (the instance's
//     random id) and an expiry. AcquireLease is one conditional upsert:
//     it succeeds for the current holder (a renewal) or when the lease is
//     free or expired, never for two holders at once.
//   - Keeper.Do takes the lease once and, if it got it, runs the task
//     while renewing the lease every TTL/3. When a renewal fails (another
//     instance took the lease over, or the store did not answer) the
//     task's context is cancelled and Do waits for the task to return.
//     When the task returns, or ctx ends, the lease is released so another
//     instance may take it at once.
//   - Keeper.Run calls Do again and again until ctx ends, trying every
//     TTL/3: the singleton runs on exactly one instance, and moves to
//     another within about one TTL after its holder dies (it stops
//     renewing, the lease expires, the next try takes it over).
//   - Keeper.Hold keeps a lease for as long as ctx lives and reports
//     through a Flag whether this instance holds it now, for work that is
//     part of a loop running on every instance (the dispatcher fires
//     scheduled starts only while it holds "campaign-starts").
//
// A task must stop promptly when its context is cancelled: between the
// failed renewal and the expiry (2/3 of the TTL at least) it may still
// overlap with a new holder, so work guarded by a lease must also be safe
// to repeat (conditional updates in the store), the lease only keeps it
// from being done everywhere at once.
//
// With SQLite there is one instance, so every lease is always held by it;
// the leases cost one small write per TTL/3 each.
package lease
