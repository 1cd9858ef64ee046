package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestSessionMadeByOneProcessIsValidOnAnother: two console processes over
// one database and one shared directory, as behind a load balancer; a
// sign-in made on the first is honoured by the second.
func TestSessionMadeByOneProcessIsValidOnAnother(t *testing.T) {
	shared := t.TempDir()
	a := startServer(t, "ARAUTO_ADMIN_EMAIL="+adminEmail, "ARAUTO_ADMIN_PASSWORD="+adminPassword, "ARAUTO_SHARED_DIR="+shared)
	b := startProcess(t, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + a.DataDir, "ARAUTO_SHARED_DIR=" + shared}, listeningRE)
	c := signInHTTP(t, a, adminEmail, adminPassword)
	c.s = b
	st, body := c.get("/")
	if st != http.StatusOK {
		t.Fatalf("the signed-in home page on the second process got %d, want 200", st)
	}
	if !strings.Contains(body, adminEmail) {
		t.Errorf("the second process's page does not name the signed-in user %s", adminEmail)
	}
	// The second process reads the session key the first one wrote.
	if st, _ := c.get("/settings"); st != http.StatusOK {
		t.Errorf("settings on the second process got %d, want 200", st)
	}
}
