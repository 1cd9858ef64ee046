package views

import (
	"context"
	"strconv"
	"strings"
	"time"

	"arauto/internal/i18n"
	"arauto/internal/sms"
	"arauto/internal/user"
)

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind string // success, error or info
	Text string // already translated
}

// Env is what every page needs to know about the request.
type Env struct {
	Lang         string
	User         *user.User // nil when nobody is signed in
	CSRF         string
	Flashes      []Flash
	Path         string
	AssetVersion string
	Provider     string // sandbox or wavy, shown as a badge
	RequestID    string
	// Zone is the time zone every instant on the page is shown in (the
	// user's choice, else the organisation's); ZoneName is its IANA name.
	// A nil Zone means Brasília time.
	Zone     *time.Location
	ZoneName string
	// OrgZone is the organisation's zone as saved on the Settings page
	// ("" when none is saved and the default applies).
	OrgZone string
	// BillingRule is the billing rule in force, which every count on the
	// page uses.
	BillingRule sms.Rule
	// InboxUnread counts the conversations with unread replies, for the
	// navigation's badge.
	InboxUnread int
}

type envKey struct{}

// WithEnv returns a context carrying env for the views.
func WithEnv(ctx context.Context, env Env) context.Context {
	return context.WithValue(ctx, envKey{}, env)
}

// EnvFrom returns the Env of the request, or a default one.
func EnvFrom(ctx context.Context) Env {
	if env, ok := ctx.Value(envKey{}).(Env); ok {
		return env
	}
	return Env{Lang: i18n.Default}
}

// T translates key into the request's language.
func T(ctx context.Context, key string, args ...any) string {
	return i18n.T(EnvFrom(ctx).Lang, key, args...)
}

// Asset is the URL of a static file, versioned so browsers may cache it for a year.
func Asset(ctx context.Context, path string) string {
	return "/static/" + strings.TrimPrefix(path, "/") + "?v=" + EnvFrom(ctx).AssetVersion
}

// can reports whether the signed-in user has at least role r.
func can(ctx context.Context, r user.Role) bool {
	u := EnvFrom(ctx).User
	return u != nil && u.Role.AtLeast(r)
}

// navActive reports whether the current path is inside section.
func navActive(ctx context.Context, section string) bool {
	p := EnvFrom(ctx).Path
	if section == "/" {
		return p == "/"
	}
	return p == section || strings.HasPrefix(p, section+"/")
}

func roleLabel(ctx context.Context, r user.Role) string {
	return T(ctx, "role."+string(r))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
