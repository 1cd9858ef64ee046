package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// sealedPrefix marks a setting stored encrypted.
const sealedPrefix = "sealed:v1:"

// sealer encrypts the settings named in names (AES-256-GCM, the setting's
// name as additional data, so a sealed value cannot be moved to another
// setting).
type sealer struct {
	aead  cipher.AEAD
	names map[string]bool
}

// SealSettings makes the named settings (the Wavy token) be stored
// encrypted with a key derived from key (the session key), so a copy of
// the database alone does not give them away. Values stored in clear
// before are encrypted now. A value sealed under another key (the session
// key was replaced) reads as unset: the admin enters it again. Call it
// once, before the store is shared.
func (s *Store) SealSettings(ctx context.Context, key []byte, names ...string) error {
	if len(key) < 32 {
		return errors.New("store: seal settings: key shorter than 32 bytes")
	}
	sum := sha256.Sum256(append([]byte("arauto settings v1\x00"), key...))
	block, err := aes.NewCipher(sum[:])
	if err != nil {
		return fmt.Errorf("store: seal settings: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return fmt.Errorf("store: seal settings: %w", err)
	}
	sl := &sealer{aead: aead, names: map[string]bool{}}
	for _, n := range names {
		sl.names[n] = true
	}
	s.seal = sl
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, n := range names {
			var v string
			err := tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", n).Scan(&v)
			if errors.Is(err, sql.ErrNoRows) || strings.HasPrefix(v, sealedPrefix) {
				continue
			}
			if err != nil {
				return fmt.Errorf("store: seal setting %s: %w", n, err)
			}
			if _, err := tx.ExecContext(ctx, "UPDATE settings SET value = ?, updated_at = ? WHERE key = ?", sl.sealValue(n, v), toMS(time.Now()), n); err != nil {
				return fmt.Errorf("store: seal setting %s: %w", n, err)
			}
		}
		return nil
	})
}

// sealValue is what is stored for setting name.
func (sl *sealer) sealValue(name, v string) string {
	if sl == nil || !sl.names[name] || v == "" {
		return v
	}
	nonce := make([]byte, sl.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("store: crypto/rand failed: %v", err))
	}
	return sealedPrefix + base64.RawURLEncoding.EncodeToString(sl.aead.Seal(nonce, nonce, []byte(v), []byte(name)))
}

// openValue is the clear value of a stored setting; ok is false when it
// cannot be opened (sealed under another key, or damaged).
func (sl *sealer) openValue(name, stored string) (string, bool) {
	rest, sealed := strings.CutPrefix(stored, sealedPrefix)
	if !sealed {
		return stored, true
	}
	if sl == nil {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	n := sl.aead.NonceSize()
	if err != nil || len(raw) < n {
		return "", false
	}
	clear, err := sl.aead.Open(nil, raw[:n], raw[n:], []byte(name))
	if err != nil {
		return "", false
	}
	return string(clear), true
}
