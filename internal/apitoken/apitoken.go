package apitoken

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"arauto/internal/user"
)

// Prefix starts every secret, so one pasted into the wrong place (a log,
// a repository) is easy to recognise and to scan for.
const Prefix = "arauto_"

// secretBytes is the randomness of a secret.
const secretBytes = 32

// MaxNameLen bounds a token's name.
const MaxNameLen = 80

// Token is an API credential as stored (without its secret).
type Token struct {
	ID   int64
	Name string
	// Hint is the secret's last four characters, to tell tokens apart.
	Hint string
	Role user.Role
	// OwnerID is the admin who made it; Owner* are that person's state
	// when the token was loaded.
	OwnerID       int64
	OwnerEmail    string
	OwnerRole     user.Role
	OwnerDisabled bool
	// RatePerMinute is the token's own request limit; 0 is the default.
	RatePerMinute int
	CreatedAt     time.Time
	// ExpiresAt is zero for a token that does not expire.
	ExpiresAt  time.Time
	LastUsedAt time.Time
	LastUsedIP string
	RevokedAt  time.Time
}

// Errors of Check.
var (
	// ErrInvalid: no such token, or revoked, expired, or its owner is
	// disabled. The API does not say which, as for a wrong password.
	ErrInvalid = errors.New("apitoken: invalid token")
)

// Active reports whether t may be used at now.
func (t *Token) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt)) && !t.OwnerDisabled
}

// Status is "active", "revoked" or "expired" at now, for the admin page.
func (t *Token) Status(now time.Time) string {
	switch {
	case !t.RevokedAt.IsZero():
		return "revoked"
	case !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt):
		return "expired"
	case t.OwnerDisabled:
		return "owner_disabled"
	}
	return "active"
}

// EffectiveRole is what the token may do now: its role, but never more
// than its owner's.
func (t *Token) EffectiveRole() user.Role {
	if t.OwnerRole.Valid() && !t.OwnerRole.AtLeast(t.Role) {
		return t.OwnerRole
	}
	return t.Role
}

// NewSecret returns a fresh secret and the hash to store.
func NewSecret() (secret, hash string) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("apitoken: crypto/rand failed: %v", err))
	}
	secret = Prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, Hash(secret)
}

// Hash is what the store keeps of a secret.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Hint is the part of a secret shown on the admin page.
func Hint(secret string) string {
	if len(secret) < 4 {
		return ""
	}
	return secret[len(secret)-4:]
}

// LooksLikeSecret reports whether s has the shape of a secret, so a wrong
// header is refused without a database read.
func LooksLikeSecret(s string) bool {
	rest, ok := strings.CutPrefix(s, Prefix)
	if !ok || len(rest) != base64.RawURLEncoding.EncodedLen(secretBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}

// Bearer returns the secret of an Authorization header ("Bearer <secret>").
func Bearer(header string) (string, bool) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(secret), true
}

// NameProblem returns a translation key for what is wrong with a token's
// name, or "".
func NameProblem(name string) string {
	switch n := utf8.RuneCountInString(strings.TrimSpace(name)); {
	case n == 0:
		return "tokens.problem.name_required"
	case n > MaxNameLen:
		return "tokens.problem.name_long"
	}
	if strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "tokens.problem.name_chars"
	}
	return ""
}

// Store keeps tokens.
type Store interface {
	// TokenByHash returns the token with that secret hash, with its
	// owner's state, or an error wrapping the store's not-found error.
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	// TouchTokens records the latest use of each token.
	TouchTokens(ctx context.Context, uses []Use) error
}

// Use is one token's latest use.
type Use struct {
	TokenID int64
	At      time.Time
	IP      string
}

// Authenticate returns the token whose secret this is, if it may be used
// at now. Any failure to find a usable token is ErrInvalid; other errors
// are the store's.
func Authenticate(ctx context.Context, st Store, secret string, now time.Time, notFound error) (*Token, error) {
	if !LooksLikeSecret(secret) {
		return nil, ErrInvalid
	}
	t, err := st.TokenByHash(ctx, Hash(secret))
	switch {
	case err != nil && notFound != nil && errors.Is(err, notFound):
		return nil, ErrInvalid
	case err != nil:
		return nil, fmt.Errorf("apitoken: authenticate: %w", err)
	case !t.Active(now):
		return nil, ErrInvalid
	}
	return t, nil
}
