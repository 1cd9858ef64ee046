package contact

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// Hash is the keyed hash an erased number is remembered by: HMAC-SHA256
// of its E.164 digits under the installation's pepper, hex. Numbers have
// few digits, so whoever holds both the database and the pepper can still
// find a hashed number by trying them all; the hash keeps the number out of
// sight and out of every export.
func Hash(pepper []byte, phone string) string {
	m := hmac.New(sha256.New, pepper)
	m.Write([]byte(phone))
	return hex.EncodeToString(m.Sum(nil))
}
