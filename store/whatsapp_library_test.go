package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"arauto/internal/walibrary"
	"arauto/store"
	"arauto/store/storetest"
)

func TestLibraryTemplates(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	a := &walibrary.Template{Namespace: "ns_1", ElementName: "pedido_enviado", LanguageCode: "pt_BR", HeaderKind: "text",
		HeaderText: "Pedido {{1}}", HeaderParams: []string{"pedido"}, BodyText: "Olá {{1}}", BodyParams: []string{"nome"},
		FooterText: "Loja", Buttons: []walibrary.Button{{Kind: walibrary.ButtonURL, Text: "Ver", Value: "https://x.example"}}, Status: walibrary.Approved}
	if err := s.CreateLibraryTemplate(ctx, a, at); err != nil {
		t.Fatal(err)
	}
	b := &walibrary.Template{Namespace: "ns_1", ElementName: "aviso", LanguageCode: "pt_BR", BodyText: "Oi", Status: walibrary.Paused}
	if err := s.CreateLibraryTemplate(ctx, b, at); err != nil {
		t.Fatal(err)
	}
	same := *b
	if err := s.CreateLibraryTemplate(ctx, &same, at); !errors.Is(err, store.ErrConflict) {
		t.Errorf("creating the same namespace, name and language again: got %v, want ErrConflict", err)
	}
	got, err := s.LibraryTemplate(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, a) {
		t.Errorf("LibraryTemplate() = %+v, want %+v", got, a)
	}
	all, err := s.LibraryTemplates(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ElementName != "aviso" || len(all[0].BodyParams) != 0 {
		t.Errorf("LibraryTemplates(all) = %d templates, first %+v, want 2 with aviso first and no parameters", len(all), all[0])
	}
	approved, err := s.LibraryTemplates(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(approved) != 1 || approved[0].ID != a.ID {
		t.Errorf("LibraryTemplates(approved) = %d templates, want only %q", len(approved), a.ElementName)
	}
	a.Status = walibrary.Rejected
	if err := s.UpdateLibraryTemplate(ctx, a, at); err != nil {
		t.Fatal(err)
	}
	byName, err := s.LibraryTemplateByName(ctx, "ns_1", "pedido_enviado", "pt_BR")
	if err != nil || byName.Status != walibrary.Rejected {
		t.Errorf("LibraryTemplateByName() = %+v, %v, want the rejected template", byName, err)
	}
	b.ElementName = "pedido_enviado"
	b.HeaderKind, b.HeaderText, b.HeaderParams = "text", "Pedido {{1}}", []string{"pedido"}
	if err := s.UpdateLibraryTemplate(ctx, b, at); !errors.Is(err, store.ErrConflict) {
		t.Errorf("renaming onto another template: got %v, want ErrConflict", err)
	}
	if err := s.DeleteLibraryTemplate(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LibraryTemplate(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted template: got %v, want ErrNotFound", err)
	}
	if err := s.DeleteLibraryTemplate(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: got %v, want ErrNotFound", err)
	}
}
