package campaign

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSuggestAlias(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"Promoção de Natal 2026!", "promocao-de-natal-2026"},
		{"  Black   Friday  ", "black-friday"},
		{"Liquidação: ÚLTIMOS DIAS", "liquidacao-ultimos-dias"},
		{"Açaí & Pão de Queijo", "acai-pao-de-queijo"},
		{"já_é_hoje", "ja-e-hoje"},
		{"Straße Œuvre", "strasse-oeuvre"},
		{"Dia das Mães — 2º envio", "dia-das-maes-2o-envio"},
		{"🎉🎉", ""},
		{"!", ""},
		{"x", ""},
		{"Ofertas", "ofertas"},
		{"Campanha de reativação de clientes inativos do segundo semestre", "campanha-de-reativacao-de-clientes"},
	}
	for _, tt := range tests {
		got := SuggestAlias(tt.name)
		if got != tt.want {
			t.Errorf("SuggestAlias(%q) got %q, want %q", tt.name, got, tt.want)
		}
		if got != "" {
			if p := CheckAlias(got); p != "" {
				t.Errorf("SuggestAlias(%q) = %q fails CheckAlias: %s", tt.name, got, p)
			}
		}
	}
}

func TestCheckAlias(t *testing.T) {
	tests := []struct {
		alias string
		want  string
	}{
		{"promocao-de-natal-2026", ""},
		{"natal_2026", ""},
		{"ab", ""},
		{"", "campaigns.problem.alias_required"},
		{"a", "campaigns.problem.alias_short"},
		{strings.Repeat("a", MaxAliasLen), ""},
		{strings.Repeat("a", MaxAliasLen+1), "campaigns.problem.alias_long"},
		{"promoção", "campaigns.problem.alias_chars"},
		{"com espaço", "campaigns.problem.alias_chars"},
		{"Natal", "campaigns.problem.alias_chars"},
		{"natal!", "campaigns.problem.alias_chars"},
		{"-natal", "campaigns.problem.alias_edges"},
		{"natal_", "campaigns.problem.alias_edges"},
	}
	for _, tt := range tests {
		if got := CheckAlias(tt.alias); got != tt.want {
			t.Errorf("CheckAlias(%q) got %q, want %q", tt.alias, got, tt.want)
		}
	}
	if got := NormalizeAlias("  Natal-2026 "); got != "natal-2026" {
		t.Errorf("NormalizeAlias got %q, want natal-2026", got)
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"Promoção de Natal", ""},
		{"   ", "campaigns.problem.name_required"},
		{strings.Repeat("é", MaxNameLen), ""},
		{strings.Repeat("é", MaxNameLen+1), "campaigns.problem.name_long"},
		{"bell\x07", "campaigns.problem.name_invalid"},
	}
	for _, tt := range tests {
		if got := CheckName(NormalizeName(tt.in)); got != tt.want {
			t.Errorf("CheckName(%q) got %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := NormalizeName("  Natal \t  2026 "); got != "Natal 2026" {
		t.Errorf("NormalizeName got %q, want %q", got, "Natal 2026")
	}
}

func TestNumberedAlias(t *testing.T) {
	long := strings.Repeat("b", MaxAliasLen)
	tests := []struct {
		base string
		n    int
		want string
	}{
		{"natal", 1, "natal"},
		{"natal", 2, "natal-2"},
		{"natal", 13, "natal-13"},
		{long, 2, strings.Repeat("b", MaxAliasLen-2) + "-2"},
		{strings.Repeat("c", MaxAliasLen-3) + "-xy", 10, strings.Repeat("c", MaxAliasLen-3) + "-10"},
	}
	for _, tt := range tests {
		got := NumberedAlias(tt.base, tt.n)
		if got != tt.want {
			t.Errorf("NumberedAlias(%q, %d) got %q, want %q", tt.base, tt.n, got, tt.want)
		}
		if p := CheckAlias(got); p != "" {
			t.Errorf("NumberedAlias(%q, %d) = %q fails CheckAlias: %s", tt.base, tt.n, got, p)
		}
	}
}

func TestStateMachine(t *testing.T) {
	tests := []struct {
		from, to State
		want     bool
	}{
		{Draft, Scheduled, true},
		{Scheduled, Running, true},
		{Scheduled, Draft, true},
		{Running, Paused, true},
		{Paused, Running, true},
		{Paused, Scheduled, true},
		{Running, Completed, true},
		{Running, Cancelled, true},
		{Running, Failed, true},
		{Paused, Cancelled, true},
		{Completed, Archived, true},
		{Completed, Paused, true}, // statuses said the account had no credit
		{Cancelled, Archived, true},
		{Failed, Archived, true},
		{Draft, Archived, true},
		{Draft, Running, false},
		{Running, Archived, false},
		{Paused, Archived, false},
		{Scheduled, Archived, false},
		{Completed, Running, false},
		{Archived, Draft, false},
		{Archived, Archived, false},
		{"bogus", Draft, false},
	}
	for _, tt := range tests {
		if got := CanMove(tt.from, tt.to); got != tt.want {
			t.Errorf("CanMove(%s, %s) got %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
	for _, s := range States {
		if !s.Valid() {
			t.Errorf("%s.Valid() got false, want true", s)
		}
	}
	c := &Campaign{ID: 7, State: Draft}
	if err := c.Move(Running); !errors.Is(err, ErrInvalid) || c.State != Draft {
		t.Errorf("Move(draft -> running) got %v state %s, want ErrInvalid and draft kept", err, c.State)
	}
	if err := c.Move(Scheduled); err != nil || c.State != Scheduled {
		t.Errorf("Move(draft -> scheduled) got %v state %s, want nil and scheduled", err, c.State)
	}
}

func TestDeleteArchiveRename(t *testing.T) {
	tests := []struct {
		name                             string
		c                                Campaign
		canDelete, canArchive, canRename bool
		aliasLocked                      bool
	}{
		{"fresh draft", Campaign{State: Draft}, true, true, true, false},
		{"draft that sent", Campaign{State: Draft, SentCount: 1}, false, true, true, true},
		{"running", Campaign{State: Running}, false, false, true, true},
		{"scheduled", Campaign{State: Scheduled}, false, false, true, true},
		{"completed", Campaign{State: Completed, SentCount: 120}, false, true, true, true},
		{"cancelled before sending", Campaign{State: Cancelled}, true, true, true, true},
		{"archived", Campaign{State: Archived, SentCount: 3}, false, false, false, true},
	}
	for _, tt := range tests {
		c := tt.c
		if got := c.CanDelete(); got != tt.canDelete {
			t.Errorf("%s: CanDelete got %v, want %v", tt.name, got, tt.canDelete)
		}
		if got := c.CanArchive(); got != tt.canArchive {
			t.Errorf("%s: CanArchive got %v, want %v", tt.name, got, tt.canArchive)
		}
		if got := c.CanRename(); got != tt.canRename {
			t.Errorf("%s: CanRename got %v, want %v", tt.name, got, tt.canRename)
		}
		if got := c.AliasLocked(); got != tt.aliasLocked {
			t.Errorf("%s: AliasLocked got %v, want %v", tt.name, got, tt.aliasLocked)
		}
	}
}

func TestMissing(t *testing.T) {
	all := []string{"campaigns.missing.channel", "campaigns.missing.list", "campaigns.missing.message", "campaigns.missing.schedule"}
	tests := []struct {
		name string
		c    Campaign
		want []string
	}{
		{"imported", Campaign{}, all},
		{"new sms", Campaign{Channel: SMS}, all[1:]},
		{"message is blank", Campaign{Channel: SMS, ListID: 3, Message: "  "}, all[2:]},
		{"ready", Campaign{Channel: WhatsApp, ListID: 3, Message: "Oi {{nome}}", ScheduledAt: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}, nil},
	}
	for _, tt := range tests {
		if got := tt.c.Missing(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Missing got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseChannel(t *testing.T) {
	tests := []struct {
		in      string
		want    Channel
		wantErr bool
	}{
		{"sms", SMS, false},
		{" WhatsApp ", WhatsApp, false},
		{"", "", true},
		{"email", "", true},
	}
	for _, tt := range tests {
		got, err := ParseChannel(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseChannel(%q) got %q, %v, want %q (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseChannel(%q) error %v, want ErrInvalid", tt.in, err)
		}
	}
}
