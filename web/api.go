package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/apitoken"
	"arauto/internal/audit"
	"arauto/internal/i18n"
	"arauto/internal/user"
	"arauto/store"
)

// The REST API under /api/v1: JSON in and out, a bearer token instead of
// the session cookie (cookies are never read here, so no CSRF), the same
// domain services as the pages, one error shape, cursor pagination and
// idempotency keys. Its routes are listed in routes.go beside the pages'.

const (
	apiPrefix  = "/api/v1"
	localToken = "api_token"
	// maxIdempotencyKey bounds an Idempotency-Key header.
	maxIdempotencyKey = 255
	// maxPageSize bounds ?limit.
	maxPageSize = 500
)

// idemMode says how a POST route treats an Idempotency-Key.
type idemMode int

const (
	// idemNone: the route neither creates nor sends.
	idemNone idemMode = iota
	// idemStored: the first answer is stored under the key by idempotent.
	idemStored
	// idemOwn: the handler stores the answer itself, in the transaction of
	// what it does (the transactional send).
	idemOwn
)

// apiRoute is one route of the API with the least role that may use it.
type apiRoute struct {
	method  string
	path    string
	role    user.Role
	idem    idemMode
	handler fiber.Handler
}

// apiError is an API error: the status, a stable machine code, a message
// key and the field at fault.
type apiError struct {
	status int
	code   string
	field  string
	key    string
	args   []any
	// details lists every problem when there are several.
	details []apiProblem
}

type apiProblem struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return "api: " + e.code + " (" + e.field + ")" }

func apiErr(status int, code, field, key string, args ...any) *apiError {
	return &apiError{status: status, code: code, field: field, key: key, args: args}
}

// apiErrorBody is the one shape of every API error.
type apiErrorBody struct {
	Error struct {
		Code    string       `json:"code"`
		Message string       `json:"message"`
		Field   string       `json:"field"`
		Details []apiProblem `json:"details,omitempty"`
	} `json:"error"`
}

// isAPIPath reports whether a path belongs to the API.
func isAPIPath(path string) bool {
	p := strings.ToLower(path)
	return p == apiPrefix || strings.HasPrefix(p, apiPrefix+"/")
}

// writeAPIError answers err in the API's error shape.
func (s *Server) writeAPIError(c *fiber.Ctx, err error) error {
	var ae *apiError
	var fe *fiber.Error
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, store.ErrNotFound):
		ae = apiErr(fiber.StatusNotFound, "not_found", "id", "api.error.not_found")
	case errors.As(err, &fe):
		switch fe.Code {
		case fiber.StatusNotFound:
			ae = apiErr(fe.Code, "not_found", "path", "api.error.no_route")
		case fiber.StatusMethodNotAllowed:
			ae = apiErr(fe.Code, "method_not_allowed", "method", "api.error.method")
		case fiber.StatusRequestEntityTooLarge:
			ae = apiErr(fe.Code, "payload_too_large", "body", "api.error.too_large")
		case fiber.StatusUnsupportedMediaType:
			ae = apiErr(fe.Code, "unsupported_media_type", "Content-Type", "api.error.media_type")
		case fiber.StatusRequestTimeout:
			ae = apiErr(fe.Code, "timeout", "body", "api.error.timeout")
		default:
			if fe.Code < 500 {
				ae = apiErr(fe.Code, "bad_request", "body", "api.error.bad_request")
			}
		}
	}
	if ae == nil {
		s.log.Error("request failed", "request_id", requestID(c), "method", c.Method(), "path", logPath(c.Path()), "err", err)
		ae = apiErr(fiber.StatusInternalServerError, "internal", "", "api.error.internal", requestID(c))
	}
	var body apiErrorBody
	body.Error.Code, body.Error.Field, body.Error.Message = ae.code, ae.field, tr(c, ae.key, ae.args...)
	body.Error.Details = ae.details
	s.setSecurityHeaders(c)
	c.Response().ResetBody()
	return s.sendJSON(c, ae.status, body)
}

// sendJSON answers v as JSON with status.
func (s *Server) sendJSON(c *fiber.Ctx, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("web: api answer: %w", err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b)
}

// apiLanguage sets the request's language from ?lang or Accept-Language.
func (s *Server) apiLanguage(c *fiber.Ctx) error {
	l := c.Query("lang")
	if l == "" {
		l = i18n.FromAcceptLanguage(c.Get("Accept-Language"))
	}
	c.Locals(localLang, i18n.Normalize(l))
	return c.Next()
}

// apiAuth lets a request through only with a usable bearer token, within
// the token's rate limit. Cookies are never looked at.
func (s *Server) apiAuth(c *fiber.Ctx) error {
	secret, ok := apitoken.Bearer(c.Get(fiber.HeaderAuthorization))
	if !ok {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="arauto"`)
		return apiErr(fiber.StatusUnauthorized, "unauthorized", "Authorization", "api.error.no_token")
	}
	now := s.now()
	tok, err := apitoken.Authenticate(c.UserContext(), s.store, secret, now, store.ErrNotFound)
	if errors.Is(err, apitoken.ErrInvalid) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="arauto", error="invalid_token"`)
		return apiErr(fiber.StatusUnauthorized, "unauthorized", "Authorization", "api.error.bad_token")
	}
	if err != nil {
		return err
	}
	if allowed, wait := s.apiLimits.Allow(tok, now); !allowed {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())))
		return apiErr(fiber.StatusTooManyRequests, "rate_limited", "Authorization", "api.error.rate_limited", int(wait.Seconds()))
	}
	s.tokenUsage.Seen(tok.ID, now, s.clientIP(c))
	c.Locals(localToken, tok)
	return c.Next()
}

// requireToken lets the request through only for a token whose effective
// role is at least min.
func (s *Server) requireToken(min user.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if tok := apiToken(c); tok == nil || !tok.EffectiveRole().AtLeast(min) {
			return apiErr(fiber.StatusForbidden, "forbidden", "Authorization", "api.error.forbidden", tr(c, "role."+string(min)))
		}
		return c.Next()
	}
}

func apiToken(c *fiber.Ctx) *apitoken.Token {
	t, _ := c.Locals(localToken).(*apitoken.Token)
	return t
}

// actor is who is acting in this request, for the audit log: the API
// token by name, or the signed-in person.
func (s *Server) actor(c *fiber.Ctx) audit.Actor {
	ip := s.clientIP(c)
	if t := apiToken(c); t != nil {
		return audit.Actor{Kind: audit.ActorToken, ID: t.ID, Name: t.Name, IP: ip}
	}
	if u := currentUser(c); u != nil {
		return audit.Actor{Kind: audit.ActorUser, ID: u.ID, Name: u.Email, IP: ip}
	}
	return audit.Actor{Kind: audit.ActorAnonymous, IP: ip}
}

// actingUserID is the user on whose behalf the request acts (a token's
// owner), for the created_by columns.
func actingUserID(c *fiber.Ctx) int64 {
	if t := apiToken(c); t != nil {
		return t.OwnerID
	}
	if u := currentUser(c); u != nil {
		return u.ID
	}
	return 0
}

// record appends an audit entry for this request.
func (s *Server) record(c *fiber.Ctx, action audit.Action, targetKind string, targetID any, targetName string, detail ...string) {
	e := audit.Entry{Actor: s.actor(c), Action: action, TargetKind: targetKind, TargetName: targetName}
	if targetID != nil {
		e.TargetID = fmt.Sprint(targetID)
	}
	for i := 0; i+1 < len(detail); i += 2 {
		e = e.With(detail[i], detail[i+1])
	}
	s.audit.Record(c.UserContext(), e)
}

// recordBy appends an audit entry for an actor the request has not
// signed in yet (a sign-in, successful or not).
func (s *Server) recordBy(c *fiber.Ctx, a audit.Actor, action audit.Action, targetKind string, targetID any, targetName string) {
	a.IP = s.clientIP(c)
	e := audit.Entry{Actor: a, Action: action, TargetKind: targetKind, TargetName: targetName}
	if targetID != nil {
		e.TargetID = fmt.Sprint(targetID)
	}
	s.audit.Record(c.UserContext(), e)
}

// decodeJSON reads the body into v, refusing unknown fields; the error
// names the field at fault.
func decodeJSON(c *fiber.Ctx, v any) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return apiErr(fiber.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type", "api.error.want_json")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		return apiErr(fiber.StatusBadRequest, "invalid_json", "body", "api.error.trailing_json")
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return apiErr(fiber.StatusBadRequest, "invalid_type", field, "api.error.type", field, typeErr.Value)
	case errors.As(err, &syntaxErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return apiErr(fiber.StatusBadRequest, "invalid_json", "body", "api.error.json")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apiErr(fiber.StatusBadRequest, "unknown_field", field, "api.error.unknown_field", field)
	}
	return apiErr(fiber.StatusBadRequest, "invalid_json", "body", "api.error.json")
}

// invalid is a 422 for the problems found, the first one named as the
// error's field and every one in details.
func invalid(c *fiber.Ctx, problems []apiProblem) *apiError {
	e := &apiError{status: fiber.StatusUnprocessableEntity, code: "validation_failed", field: problems[0].Field, key: "api.error.validation", args: []any{problems[0].Message}}
	if len(problems) > 1 {
		e.details = problems
	}
	return e
}

// problem is one apiProblem of a translation key.
func problem(c *fiber.Ctx, field, key string, args ...any) apiProblem {
	code := key
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		code = key[i+1:]
	}
	return apiProblem{Field: field, Code: code, Message: tr(c, key, args...)}
}

// pageLimit reads ?limit, def when absent.
func pageLimit(c *fiber.Ctx, def int) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPageSize {
		return 0, apiErr(fiber.StatusBadRequest, "invalid_parameter", "limit", "api.error.limit", maxPageSize)
	}
	return n, nil
}

// page reads ?limit and ?cursor: the cursor is an opaque token naming the
// last id of the previous page.
func page(c *fiber.Ctx, def int) (limit int, after int64, err error) {
	if limit, err = pageLimit(c, def); err != nil {
		return 0, 0, err
	}
	if cur := c.Query("cursor"); cur != "" {
		raw, derr := base64.RawURLEncoding.DecodeString(cur)
		n, perr := strconv.ParseInt(string(raw), 10, 64)
		if derr != nil || perr != nil || n < 0 {
			return 0, 0, apiErr(fiber.StatusBadRequest, "invalid_parameter", "cursor", "api.error.cursor")
		}
		after = n
	}
	return limit, after, nil
}

// cursor encodes the position after id; nil when there is no next page.
func cursor(id int64, more bool) *string {
	if !more {
		return nil
	}
	s := base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
	return &s
}

// pageOf is a page of a listing.
type pageOf[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// idempotencyKey returns the request's Idempotency-Key, checked.
func idempotencyKey(c *fiber.Ctx) (string, error) {
	key := c.Get("Idempotency-Key")
	if key == "" {
		return "", nil
	}
	if len(key) > maxIdempotencyKey || strings.ContainsFunc(key, func(r rune) bool { return r < '!' || r > '~' }) {
		return "", apiErr(fiber.StatusBadRequest, "invalid_idempotency_key", "Idempotency-Key", "api.error.idempotency_key", maxIdempotencyKey)
	}
	return key, nil
}

// fingerprint identifies a request's content, so a key reused for another
// request is told apart from a replay. An upload is not read before the
// key is checked: its fingerprint is its route and announced size.
func fingerprint(c *fiber.Ctx, streamed bool) string {
	h := sha256.New()
	h.Write([]byte(c.Method() + " " + c.Path() + "\n"))
	if streamed {
		h.Write([]byte(strconv.Itoa(c.Request().Header.ContentLength())))
	} else {
		h.Write(c.Body())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// replay answers a request whose key was used before: the first answer,
// a refusal when the key came with another request, or a conflict while
// the first request still runs.
func (s *Server) replay(c *fiber.Ctx, rec store.IdemRecord, fp string) error {
	switch {
	case rec.Fingerprint != fp:
		return apiErr(fiber.StatusUnprocessableEntity, "idempotency_key_reused", "Idempotency-Key", "api.error.idempotency_reused")
	case !rec.Done:
		// Past the lease the same request may take the key over.
		wait := max(int(rec.CreatedAt.Add(idempotencyLease).Sub(s.now()).Seconds())+1, 1)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(wait))
		return apiErr(fiber.StatusConflict, "idempotency_in_progress", "Idempotency-Key", "api.idempotency.pending", wait)
	}
	c.Set("Idempotent-Replayed", "true")
	if rec.Answer.Location != "" {
		c.Set(fiber.HeaderLocation, rec.Answer.Location)
	}
	c.Status(rec.Answer.Status)
	c.Set(fiber.HeaderContentType, rec.Answer.ContentType)
	return c.Send(rec.Answer.Body)
}

// idempotencyLease is how long a request holds its key: a retry within it
// is told the first request still runs (409); past it the first request
// is taken for dead (a crash) and the retry runs. Requests take seconds; a
// send retried this way finds what the first one stored by its
// correlation (the answers to conversations) or was stored with its
// answer in one transaction (the transactional messages), so nothing goes
// out twice.
const idempotencyLease = time.Minute

// idempotent wraps a POST that creates or sends: with an Idempotency-Key
// the first answer is stored and given again to every replay, and the
// handler runs once. A server error frees the key for a retry, and so
// does a crash, once the key's lease ran out.
func (s *Server) idempotent(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		key, err := idempotencyKey(c)
		if err != nil || key == "" {
			if err != nil {
				return err
			}
			return h(c)
		}
		tok := apiToken(c)
		fp := fingerprint(c, isUploadRoute(c.Method(), c.Path()))
		ctx := c.UserContext()
		now := s.now()
		rec, fresh, err := s.store.ReserveIdempotencyKey(ctx, tok.ID, key, fp, now, now.Add(-idempotencyLease))
		if err != nil {
			return err
		}
		if !fresh {
			return s.replay(c, rec, fp)
		}
		if err := h(c); err != nil {
			// Answer the error now, so it is what the key keeps.
			if werr := s.writeAPIError(c, err); werr != nil {
				return werr
			}
		}
		status := c.Response().StatusCode()
		if status >= 500 || status == fiber.StatusTooManyRequests {
			return s.store.ReleaseIdempotencyKey(ctx, tok.ID, key)
		}
		return s.store.CompleteIdempotencyKey(ctx, tok.ID, key, store.IdemAnswer{Status: status,
			ContentType: string(c.Response().Header.ContentType()), Location: string(c.Response().Header.Peek(fiber.HeaderLocation)),
			Body: append([]byte(nil), c.Response().Body()...)})
	}
}
