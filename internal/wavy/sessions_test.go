package wavy

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseOpenSessions(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 30, 0, 0, time.UTC)
	tests := []struct {
		name    string
		csv     string
		want    []OpenSession
		wantErr string
	}{
		{"empty file", "", nil, ""},
		{"header only", "source,session_created_at\n", nil, ""},
		{"rows", "source,session_created_at\n5511900000001,2026-12-06T14:30:00Z\n5511900000002,1796567400000\n",
			[]OpenSession{{"5511900000001", at}, {"5511900000002", at}}, ""},
		{"header without source", "\ufeffSession_Created_At;x\n",
			nil, "lacks source"},
		{"reordered with extra column", "extra,session_created_at,source\nx,2026-12-06T14:30:00Z, 5511900000001 \n",
			[]OpenSession{{"5511900000001", at}}, ""},
		{"row without source skipped", "source,session_created_at\n,2026-12-06T14:30:00Z\n", nil, ""},
		{"bad date names the line", "source,session_created_at\n5511900000001,2026-12-06T14:30:00Z\n5511900000002,ontem\n", nil, "line 3"},
		{"malformed CSV", "source,session_created_at\n\"5511,x\n", nil, "open sessions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOpenSessions(strings.NewReader(tt.csv))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v, want nil", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sessions = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestOpenSessionListCredentials checks that the file behind file_url is
// fetched with the credentials only when it is on the API's host.
func TestOpenSessionListCredentials(t *testing.T) {
	var cdnAuth []string
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cdnAuth = append(cdnAuth, r.Header.Get("UserName")+r.Header.Get("AuthenticationToken"))
		_, _ = w.Write([]byte("source,session_created_at\n5511900000001,2026-12-06T14:30:00Z\n"))
	}))
	t.Cleanup(cdn.Close)
	var apiFileAuth string
	var api *httptest.Server
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/session":
			file := cdn.URL + "/f.csv"
			if r.URL.Query().Get("customerId") == "7" {
				file = api.URL + "/files/f.csv"
			}
			_, _ = w.Write([]byte(`{"file_url":"` + file + `"}`))
		case "/files/f.csv":
			apiFileAuth = r.Header.Get("UserName") + "/" + r.Header.Get("AuthenticationToken")
			_, _ = w.Write([]byte("source,session_created_at\n"))
		case "/v1/broken":
		}
	}))
	t.Cleanup(api.Close)
	c := newTestClient(t, api, nil)
	got, err := c.OpenSessionList(ctxT(t), SessionQuery{CustomerID: 42})
	if err != nil || len(got) != 1 || got[0].Source != "5511900000001" {
		t.Fatalf("OpenSessionList = %+v, %v, want one session", got, err)
	}
	if len(cdnAuth) != 1 || cdnAuth[0] != "" {
		t.Errorf("the CDN saw credentials %q, want none", cdnAuth)
	}
	if got, err := c.OpenSessionList(ctxT(t), SessionQuery{CustomerID: 7}); err != nil || len(got) != 0 {
		t.Fatalf("OpenSessionList on the API host = %+v, %v, want no session", got, err)
	}
	if apiFileAuth == "/" {
		t.Errorf("the API host's file got no credentials, want them")
	}
}

func TestOpenSessionListFileErrors(t *testing.T) {
	tests := []struct {
		name     string
		fileURL  string
		status   int
		body     string
		wantKind error
	}{
		{"not a URL", "ftp://x/y.csv", 0, "", ErrBadResponse},
		{"file gone", "", http.StatusNotFound, "gone", ErrRejected},
		{"file busy", "", http.StatusServiceUnavailable, "", ErrTryLater},
		{"not a CSV of sessions", "", http.StatusOK, "<html>login</html>", ErrBadResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/v1/session" {
					u := tt.fileURL
					if u == "" {
						u = srv.URL + "/file.csv"
					}
					_, _ = w.Write([]byte(`{"file_url":"` + u + `"}`))
					return
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			t.Cleanup(srv.Close)
			c := newTestClient(t, srv, nil)
			_, err := c.OpenSessionList(ctxT(t), SessionQuery{CustomerID: 42})
			if !errors.Is(err, tt.wantKind) {
				t.Errorf("error = %v, want %v", err, tt.wantKind)
			}
		})
	}
}
