package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gorilla/sessions"

	"arauto/internal/config"
	"arauto/views"
)

const (
	sessionCookie  = "arauto_session"
	sessionKeyFile = "session.key"
	// sessionIdle and sessionMax bound a sign-in: idle for 12 hours or
	// older than 7 days and the person signs in again.
	sessionIdle = 12 * time.Hour
	sessionMax  = 7 * 24 * time.Hour
	// sessionRefresh is how stale "seen" may get before the cookie is
	// rewritten, so an active person is not signed out but every request
	// does not pay for a Set-Cookie.
	sessionRefresh = 5 * time.Minute
)

// Session value keys.
const (
	keySessionID = "sid"
	keyUserID    = "uid"
	keyEpoch     = "epoch"
	keyCSRF      = "csrf"
	keyFlash     = "flash"
	keyLang      = "lang"
	keyIssued    = "issued"
	keySeen      = "seen"
)

// loadSessionKey returns ARAUTO_SESSION_KEY, or the key kept in the shared
// directory, generating it on first start. Every instance sharing the
// directory reads the same key, so a session cookie made by one is valid
// on all; instances starting together agree on the first key written.
// The key is never put in the database: it also seals the secrets stored
// there.
func loadSessionKey(cfg config.Config) ([]byte, error) {
	if len(cfg.SessionKey) > 0 {
		return cfg.SessionKey, nil
	}
	path := filepath.Join(cfg.SharedDir, sessionKeyFile)
	key, err := readSessionKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key = make([]byte, 64)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("web: generate session key: %w", err)
	}
	// Written whole under a temporary name, then linked into place: the
	// link fails if another instance got there first, whose key wins.
	tmp, err := os.CreateTemp(cfg.SharedDir, ".session-key-*")
	if err != nil {
		return nil, fmt.Errorf("web: write session key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("web: write session key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("web: write session key: %w", err)
	}
	return readSessionKey(path)
}

// readSessionKey reads a key file loadSessionKey wrote.
func readSessionKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		key, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(key) < 32 {
			return nil, fmt.Errorf("web: session key %s is damaged; delete it to make a new one (everyone signs in again)", path)
		}
		return key, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return nil, fmt.Errorf("web: read session key: %w", err)
}

func newCookieStore(key []byte, secure bool) *sessions.CookieStore {
	// The first 32 bytes sign (HMAC), the next 32 encrypt (AES-256).
	cs := sessions.NewCookieStore(key[:32], key[32:64])
	if len(key) < 64 {
		cs = sessions.NewCookieStore(key[:32])
	}
	cs.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(sessionMax / time.Second),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
	return cs
}

// reqSession is the per-request view of the session cookie.
type reqSession struct {
	s     *sessions.Session
	req   *http.Request
	dirty bool
}

func (rs *reqSession) set(key string, v any) { rs.s.Values[key] = v; rs.dirty = true }
func (rs *reqSession) del(key string)        { delete(rs.s.Values, key); rs.dirty = true }

func (rs *reqSession) int64(key string) int64 {
	v, _ := rs.s.Values[key].(int64)
	return v
}

func (rs *reqSession) str(key string) string {
	v, _ := rs.s.Values[key].(string)
	return v
}

// loadSession decodes the cookie. A tampered, expired or undecodable
// cookie yields a fresh, empty session rather than an error page.
func (s *Server) loadSession(c *fiber.Ctx) *reqSession {
	r := &http.Request{Header: http.Header{}}
	if ck := c.Request().Header.Peek("Cookie"); len(ck) > 0 {
		r.Header.Set("Cookie", string(ck))
	}
	sess, err := s.sessions.New(r, sessionCookie)
	if err != nil {
		sess.Values = map[any]any{}
	}
	rs := &reqSession{s: sess, req: r}
	if sess.IsNew || rs.str(keyCSRF) == "" {
		rs.set(keyCSRF, randomToken())
	}
	return rs
}

// saveSession writes the cookie back when something changed.
func (s *Server) saveSession(c *fiber.Ctx, rs *reqSession) error {
	if !rs.dirty {
		return nil
	}
	w := &headerWriter{h: http.Header{}}
	if err := s.sessions.Save(rs.req, w, rs.s); err != nil {
		return fmt.Errorf("web: save session: %w", err)
	}
	for _, v := range w.h.Values("Set-Cookie") {
		c.Response().Header.Add("Set-Cookie", v)
	}
	return nil
}

// headerWriter is the smallest http.ResponseWriter gorilla/sessions needs
// to hand us its Set-Cookie header.
type headerWriter struct{ h http.Header }

func (w *headerWriter) Header() http.Header         { return w.h }
func (w *headerWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *headerWriter) WriteHeader(int)             {}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("web: crypto/rand failed: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSessionID is what the sessions table keeps of a session id: a copy
// of the database does not give cookies that work.
func hashSessionID(sid string) string {
	sum := sha256.Sum256([]byte(sid))
	return hex.EncodeToString(sum[:])
}

func tokensEqual(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// flashSep separates kind from text and one flash from the next inside the
// one string the cookie keeps (gob needs no type registration for it).
const flashSep = "\x1f"

func (rs *reqSession) addFlash(kind, text string) {
	prev := rs.str(keyFlash)
	if prev != "" {
		prev += flashSep
	}
	rs.set(keyFlash, prev+kind+flashSep+text)
}

func (rs *reqSession) popFlashes() []views.Flash {
	raw := rs.str(keyFlash)
	if raw == "" {
		return nil
	}
	rs.del(keyFlash)
	parts := strings.Split(raw, flashSep)
	var out []views.Flash
	for i := 0; i+1 < len(parts); i += 2 {
		out = append(out, views.Flash{Kind: parts[i], Text: parts[i+1]})
	}
	return out
}
