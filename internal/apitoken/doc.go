// Package apitoken is the API's credentials: named tokens with a role and
// an optional expiry, made by an admin, shown once and kept only as a hash.
//
// Contract:
//   - A secret is "arauto_" followed by 32 random bytes (base64url). Only
//     its SHA-256 is stored: with that much randomness there is nothing to
//     guess, so a slow password hash would only cost time on every request,
//     and a copy of the database still yields no working token.
//   - A token belongs to the admin who made it. It authenticates only
//     while it is not revoked, not past its expiry and its owner is not
//     disabled (otherwise Authenticate says ErrInvalid: the API answers 401), and
//     it never does more than its owner's current role allows
//     (Token.EffectiveRole).
//   - Last use is recorded without a write per request: Usage keeps the
//     latest use of each token in memory and Flush writes them together
//     (the web layer flushes every few seconds and at shutdown).
//   - Limits holds one token bucket per token (golang.org/x/time/rate):
//     the token's own requests per minute, or the default.
//
// The package declares the Store it needs; web wires the SQLite store.
package apitoken
