package web

import (
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// handlerTest is one request through the console and what must come back:
// the table form the handler tests share (after goatcounter's
// handlerTest).
type handlerTest struct {
	name string
	// as is the e-mail of the user making the request, signed in once per
	// table; "" is nobody.
	as     string
	method string
	path   string
	// form is posted with the CSRF token of the page the user saw last.
	form url.Values
	// webhook posts json raw as application/json, without a session.
	webhook bool
	json    string

	want     int      // status
	wantIn   []string // in the body
	wantOut  []string // not in the body
	location string   // the redirect starts with it
}

// runHandlerTests runs each request as a subtest. Users keep one browser
// (cookies, CSRF token) across the table.
func runHandlerTests(t *testing.T, e *testEnv, tests []handlerTest) {
	t.Helper()
	browsers := map[string]*browser{}
	for _, tt := range tests {
		name := tt.name
		if name == "" {
			name = strings.TrimSpace(tt.as + " " + tt.method + " " + tt.path)
		}
		t.Run(name, func(t *testing.T) {
			var r result
			if tt.webhook {
				r = postJSON(t, e, tt.path, tt.json)
			} else {
				b, ok := browsers[tt.as]
				if !ok {
					b = e.browser(t)
					if tt.as != "" {
						b.signIn(tt.as)
						b.do("GET", "/", nil) // a page, for the session's CSRF token
					} else {
						b.do("GET", "/login", nil)
					}
					browsers[tt.as] = b
				}
				b.t = t
				if tt.method == "GET" {
					r = b.do("GET", tt.path, nil)
				} else {
					form := url.Values{}
					for k, v := range tt.form {
						form[k] = v
					}
					r = b.post(tt.path, form)
				}
			}
			if r.status != tt.want {
				t.Errorf("got %d, want %d; got:\n%s", r.status, tt.want, excerpt(r.body))
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(r.body, s) {
					t.Errorf("body lacks %q; got:\n%s", s, excerpt(r.body))
				}
			}
			for _, s := range tt.wantOut {
				if strings.Contains(r.body, s) {
					t.Errorf("body has %q", s)
				}
			}
			if tt.location != "" && !strings.HasPrefix(r.location, tt.location) {
				t.Errorf("got redirect to %q, want %s...", r.location, tt.location)
			}
		})
	}
}

// postJSON posts a raw JSON body, as the provider's webhooks do.
func postJSON(t *testing.T, e *testEnv, path, body string) result {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return result{resp.StatusCode, string(raw), resp.Header.Get("Location")}
}
