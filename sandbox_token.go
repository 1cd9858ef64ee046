package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// sandboxTokenFile keeps the built-in sandbox's generated token in the
// data directory (mode 0600), so it survives restarts and whoever runs the
// console can call the sandbox directly. It is never shown or logged.
const sandboxTokenFile = "sandbox.token"

// loadSandboxToken returns the built-in sandbox's token, generating it on
// first start.
func loadSandboxToken(dataDir string) (string, error) {
	path := filepath.Join(dataDir, sandboxTokenFile)
	b, err := os.ReadFile(path)
	if err == nil {
		if tok := strings.TrimSpace(string(b)); len(tok) >= 32 {
			return tok, nil
		}
		return "", fmt.Errorf("sandbox token %s is damaged; delete it to make a new one", path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read sandbox token: %w", err)
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("generate sandbox token: %w", err)
	}
	tok := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write sandbox token: %w", err)
	}
	return tok, nil
}
