package user

import (
	_ "embed"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Role is what a user may do. Roles are ordered: each includes the ones
// below it.
type Role string

// The roles, from least to most powerful.
const (
	Viewer   Role = "viewer"   // reads everything, changes nothing
	Marketer Role = "marketer" // builds and sends campaigns, lists and templates
	Admin    Role = "admin"    // also manages users and settings
)

// Roles lists every role, least powerful first.
var Roles = []Role{Viewer, Marketer, Admin}

func (r Role) rank() int {
	switch r {
	case Viewer:
		return 1
	case Marketer:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r includes everything min may do.
func (r Role) AtLeast(min Role) bool { return r.Valid() && r.rank() >= min.rank() }

// ParseRole turns a form value into a Role.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", fmt.Errorf("user: unknown role %q: %w", s, ErrInvalid)
	}
	return r, nil
}

// User is a person who signs in to the console.
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash []byte
	Role         Role
	Lang         string // "pt-BR" or "en"
	// TimeZone is the IANA zone the user reads times in; "" means the
	// organisation's zone.
	TimeZone string
	Disabled bool
	// SessionEpoch grows whenever the password changes or the user is
	// disabled, so that cookies issued before stop working.
	SessionEpoch int64
	CreatedAt    time.Time
	LastLoginAt  time.Time
}

// ErrInvalid marks input a person must correct; the wrapped text says what.
var ErrInvalid = errors.New("invalid")

// Password rules: long enough to resist guessing, short enough for bcrypt,
// which ignores everything past 72 bytes.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 72
)

// Problem codes returned by the validators, translated by the web layer.
const (
	ProblemEmail          = "user.problem.email"
	ProblemPasswordShort  = "user.problem.password_short"
	ProblemPasswordLong   = "user.problem.password_long"
	ProblemPasswordBlank  = "user.problem.password_blank"
	ProblemPasswordCommon = "user.problem.password_common"
)

// commonPasswordsFile lists passwords long enough for MinPasswordLen that
// are among the first an attacker tries.
//
//go:embed common-passwords.txt
var commonPasswordsFile string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordsFile, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// minDistinct is the fewest different characters a password must use:
// "aaaaaaaaaa" and "ababababab" are long but guessed at once.
const minDistinct = 4

// NormalizeEmail lower-cases and trims an address and checks its shape. It
// returns the problem code when the address is unusable.
func NormalizeEmail(raw string) (string, string) {
	e := strings.ToLower(strings.TrimSpace(raw))
	if e == "" || len(e) > 254 {
		return "", ProblemEmail
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || !strings.Contains(e[strings.LastIndexByte(e, '@'):], ".") {
		return "", ProblemEmail
	}
	return e, ""
}

// CheckPassword returns the problem code of a password that breaks the
// rules: blank (only spaces), too short or too long, fewer than four
// different characters, or one of the common passwords attackers try
// first.
func CheckPassword(pw string) string {
	if strings.TrimSpace(pw) == "" {
		return ProblemPasswordBlank
	}
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return ProblemPasswordShort
	}
	if len(pw) > MaxPasswordLen {
		return ProblemPasswordLong
	}
	distinct := map[rune]bool{}
	for _, r := range strings.ToLower(pw) {
		distinct[r] = true
	}
	if len(distinct) < minDistinct || commonPasswords[strings.ToLower(strings.TrimSpace(pw))] {
		return ProblemPasswordCommon
	}
	return ""
}

// HashPassword hashes a password that passed CheckPassword.
func HashPassword(pw string) ([]byte, error) {
	if p := CheckPassword(pw); p != "" {
		return nil, fmt.Errorf("user: hash password: %s: %w", p, ErrInvalid)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("user: hash password: %w", err)
	}
	return h, nil
}

// dummyHash is compared against when the e-mail is unknown, so that a
// sign-in for a missing account takes as long as one with a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("arauto-timing-equaliser"), bcrypt.DefaultCost)

// Authenticate reports whether pw opens u. A nil or disabled user never
// authenticates, but the work done is the same as for a real check.
func Authenticate(u *User, pw string) bool {
	if u == nil {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
		return false
	}
	ok := bcrypt.CompareHashAndPassword(u.PasswordHash, []byte(pw)) == nil
	return ok && !u.Disabled
}
