package user

import "testing"

func TestRoleAtLeast(t *testing.T) {
	tests := []struct {
		r, min Role
		want   bool
	}{
		{Viewer, Viewer, true},
		{Viewer, Marketer, false},
		{Marketer, Viewer, true},
		{Marketer, Admin, false},
		{Admin, Marketer, true},
		{Role("root"), Viewer, false},
	}
	for _, tt := range tests {
		if got := tt.r.AtLeast(tt.min); got != tt.want {
			t.Errorf("%s.AtLeast(%s) got %v, want %v", tt.r, tt.min, got, tt.want)
		}
	}
	if _, err := ParseRole(" Admin "); err != nil {
		t.Errorf("ParseRole(Admin) got %v, want nil", err)
	}
	if _, err := ParseRole("owner"); err == nil {
		t.Errorf("ParseRole(owner) got nil, want error")
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct{ in, want, problem string }{
		{" Ana@Example.COM ", "ana@example.com", ""},
		{"ana", "", ProblemEmail},
		{"ana@localhost", "", ProblemEmail},
		{"Ana <ana@example.com>", "", ProblemEmail},
		{"", "", ProblemEmail},
	}
	for _, tt := range tests {
		got, problem := NormalizeEmail(tt.in)
		if got != tt.want || problem != tt.problem {
			t.Errorf("NormalizeEmail(%q) got %q %q, want %q %q", tt.in, got, problem, tt.want, tt.problem)
		}
	}
}

func TestPasswords(t *testing.T) {
	if p := CheckPassword("curta"); p != ProblemPasswordShort {
		t.Errorf("short password got %q, want %q", p, ProblemPasswordShort)
	}
	long := make([]byte, 73)
	for i := range long {
		long[i] = 'a'
	}
	if p := CheckPassword(string(long)); p != ProblemPasswordLong {
		t.Errorf("long password got %q, want %q", p, ProblemPasswordLong)
	}
	if _, err := HashPassword("curta"); err == nil {
		t.Errorf("HashPassword(short) got nil error, want one")
	}
	h, err := HashPassword("senha-forte-123")
	if err != nil {
		t.Fatal(err)
	}
	u := &User{PasswordHash: h, Role: Admin}
	if !Authenticate(u, "senha-forte-123") {
		t.Errorf("right password got false, want true")
	}
	if Authenticate(u, "senha-errada-123") {
		t.Errorf("wrong password got true, want false")
	}
	if Authenticate(nil, "senha-forte-123") {
		t.Errorf("nil user got true, want false")
	}
	u.Disabled = true
	if Authenticate(u, "senha-forte-123") {
		t.Errorf("disabled user got true, want false")
	}
}
