package apiclient

import (
	"bytes"
	"os"
	"testing"

	"arauto/web"
)

// TestDocumentIsTheServedOne: the client was generated from the document
// the console serves now (run go generate in this package when it fails).
func TestDocumentIsTheServedOne(t *testing.T) {
	committed, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, web.OpenAPIDocument()) {
		t.Fatal("openapi.json differs from the document the console serves: run `go generate ./internal/apiclient/` and commit the result")
	}
}
