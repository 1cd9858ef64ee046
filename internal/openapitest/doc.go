// Package openapitest checks API answers against an OpenAPI 3.1 document,
// for tests (the web package's API suite and the end-to-end journeys).
//
// Contract:
//   - Check finds the operation of a concrete path (templates with
//     {parameters}, a literal segment winning over a parameter), requires
//     the answer's status to be documented for it (or a "default" answer),
//     and validates a JSON body against the documented schema with
//     github.com/santhosh-tekuri/jsonschema (JSON Schema 2020-12, the
//     dialect of OpenAPI 3.1), $refs resolved inside the document.
//   - A documented answer without content must come without a body.
//   - CheckSchema validates a body against one component schema (errors
//     of paths the document does not have).
//
// It is imported only by tests; the console's binary does not contain it.
package openapitest
