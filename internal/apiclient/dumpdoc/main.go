// Command dumpdoc writes the API's OpenAPI document, as served at
// /api/v1/openapi.json, to the file named by its argument: the input of the
// generated client (go generate in internal/apiclient).
package main

import (
	"fmt"
	"os"

	"arauto/web"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: dumpdoc FILE")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], web.OpenAPIDocument(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
