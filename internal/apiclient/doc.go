// Package apiclient is a Go client of the console's API generated from its
// OpenAPI document by github.com/oapi-codegen/oapi-codegen/v2, as an
// integrator would make one. It exists to prove the document is fit for
// that: the end-to-end suite drives a whole campaign and a transactional
// send through it.
//
// Contract:
//   - openapi.json is the document as the console serves it, and
//     client.gen.go is generated from it by `go generate` (the generator
//     runs with `go run` at a pinned version, so the module does not
//     depend on it); a test fails when the committed document is not the
//     served one, so the client never drifts from the API.
//   - Only tests import it; the console's binary does not contain it.
package apiclient

//go:generate go run arauto/internal/apiclient/dumpdoc openapi.json
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2 -config oapi-codegen.yaml openapi.json
