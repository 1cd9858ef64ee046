package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"arauto/internal/contact"
	"arauto/internal/delivery"
	"arauto/internal/recipient"
	"arauto/internal/user"
	"arauto/store"
	"arauto/store/storetest"
)

// TestEraseLeavesOnlyTheHash erases a number known from two lists, a
// rejected duplicate and the suppression list: afterwards nothing about
// it is found, the request is in the audit log with the hash only, a new
// import flags the number and makes no contact of it, and erasing it again
// says it is unknown.
func TestEraseLeavesOnlyTheHash(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	phone, other := "5511987650001", "5521987650002"
	first := importRows(t, s, "Loja", []string{"nome"}, []string{phone, "Ana"}, []string{other, "Bruno"})
	importRows(t, s, "Site", []string{"nome", "plano"}, []string{phone, "Ana S.", "Ouro"})
	if err := s.AddRejectedRows(ctx, first, []recipient.RejectedRow{{Row: 9, Phone: "(11) 98765-0001", Reason: recipient.ReasonDuplicate}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddSuppressions(ctx, []string{phone}, store.SuppressManual, "pediu"); err != nil {
		t.Fatal(err)
	}
	// Raw events naming it, and one naming another number, in a chunk.
	var evs []*delivery.Event
	for _, body := range []string{`{"source":"` + phone + `","body":"SAIR"}`, `{"source":"` + other + `","body":"oi"}`} {
		e := &delivery.Event{Kind: delivery.KindSMSMO, Body: []byte(body)}
		if err := s.AppendEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	svc := &contact.Service{Store: s, NotFound: store.ErrNotFound}
	admin := contact.Actor{ID: 1, Email: "dpo@loja.com.br"}
	// A marketer kept it among their test numbers.
	mkt := &user.User{Email: "mkt@loja.com.br", PasswordHash: []byte("x"), Role: user.Marketer}
	if err := s.CreateUser(ctx, mkt); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveTestSeeds(ctx, mkt.ID, []string{phone, other}); err != nil {
		t.Fatal(err)
	}

	d, err := svc.Export(ctx, admin, phone, contact.ExportJSON)
	if err != nil {
		t.Fatal(err)
	}
	if d.Contact == nil || len(d.Lists) != 2 || d.Suppression == nil || len(d.Sources) != 2 {
		t.Fatalf("dossier got contact %v, %d list rows, suppression %v, %d sources; want all of it", d.Contact, len(d.Lists), d.Suppression, len(d.Sources))
	}
	e, err := svc.Erase(ctx, admin, phone)
	if err != nil {
		t.Fatal(err)
	}
	if e.Contacts != 1 || e.ListRows != 2 || e.Rejected != 1 {
		t.Errorf("erasure got %+v, want the contact, two list rows and the rejected duplicate", e)
	}
	if _, err := s.Contact(ctx, phone); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("contact after erase got %v, want ErrNotFound", err)
	}
	for i, want := range []string{`{"erased":true}`, `{"source":"` + other + `","body":"oi"}`} {
		got, err := s.Event(ctx, evs[i].ID)
		if err != nil || string(got.Body) != want {
			t.Errorf("raw event %d after erase got %q %v, want %s", i, got.Body, err, want)
		}
	}
	if _, err := s.Contact(ctx, other); err != nil {
		t.Errorf("the other contact got %v, want it kept", err)
	}
	if seeds, err := s.TestSeeds(ctx, mkt.ID); err != nil || len(seeds) != 1 || seeds[0] != other {
		t.Errorf("test numbers after erase got %v (%v), want only %s", seeds, err, other)
	}
	if page, _ := s.Recipients(ctx, first, "", 0, 10); page.Total != 1 {
		t.Errorf("list rows after erase got %d, want the other number only", page.Total)
	}
	if _, err := s.SuppressionByPhone(ctx, phone); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("clear suppression entry got %v, want it gone (only the hash stays)", err)
	}
	erased, err := s.ErasedNumbers(ctx)
	if err != nil || !erased.Has(phone) || erased.Has(other) {
		t.Errorf("erased set does not hold exactly the number (%v)", err)
	}
	reqs, err := s.PrivacyRequests(ctx, "", 10)
	if err != nil || len(reqs) != 2 || reqs[0].Action != contact.Erase || reqs[1].Action != contact.ExportJSON || reqs[0].ActorEmail != admin.Email {
		t.Fatalf("audit log got %+v %v, want the export then the erase, by the DPO", reqs, err)
	}
	for _, r := range reqs {
		if strings.Contains(r.Subject+r.Detail, "98765") {
			t.Errorf("audit entry %+v names the number", r)
		}
	}
	if _, err := svc.Erase(ctx, admin, phone); !errors.Is(err, contact.ErrUnknownNumber) {
		t.Errorf("erasing again got %v, want ErrUnknownNumber", err)
	}
	if _, err := svc.Export(ctx, admin, "5599911112222", contact.ExportXLSX); !errors.Is(err, contact.ErrUnknownNumber) {
		t.Errorf("exporting an unknown number got %v, want ErrUnknownNumber", err)
	}
	if reqs, _ := s.PrivacyRequests(ctx, "", 10); len(reqs) != 4 || reqs[0].Outcome != contact.OutcomeUnknown {
		t.Errorf("audit log after the unknown requests got %+v, want them recorded as unknown", reqs)
	}
	// The log is append-only.
	if err := s.ExecForTest(ctx, "UPDATE audit_privacy SET actor_email = 'someone else'"); err == nil {
		t.Errorf("changing the audit log succeeded, want it refused")
	}
}
