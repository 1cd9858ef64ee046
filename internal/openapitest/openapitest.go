package openapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Validator checks answers against one document.
type Validator struct {
	prefix string
	paths  map[string]map[string]map[string]any // template -> method -> responses
	c      *jsonschema.Compiler
	root   map[string]any

	mu       sync.Mutex
	compiled map[string]*jsonschema.Schema
	seen     map[string]int
}

const docURL = "file:///openapi.json"

// New reads the document; prefix is the servers' URL path ("/api/v1").
func New(doc []byte, prefix string) (*Validator, error) {
	var root map[string]any
	if err := json.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("openapitest: read document: %w", err)
	}
	if v, _ := root["openapi"].(string); !strings.HasPrefix(v, "3.1") {
		return nil, fmt.Errorf("openapitest: document is OpenAPI %q, want 3.1", v)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("openapitest: read document: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(docURL, inst); err != nil {
		return nil, fmt.Errorf("openapitest: %w", err)
	}
	v := &Validator{prefix: prefix, c: c, root: root, paths: map[string]map[string]map[string]any{},
		compiled: map[string]*jsonschema.Schema{}, seen: map[string]int{}}
	paths, _ := root["paths"].(map[string]any)
	for tmpl, item := range paths {
		ops := map[string]map[string]any{}
		for method, o := range item.(map[string]any) {
			om, ok := o.(map[string]any)
			if !ok || method == "parameters" {
				continue
			}
			rs, _ := om["responses"].(map[string]any)
			ops[strings.ToUpper(method)] = rs
		}
		v.paths[tmpl] = ops
	}
	return v, nil
}

// match finds the path template of a concrete path.
func (v *Validator) match(path string) (string, bool) {
	path = strings.TrimPrefix(path, v.prefix)
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var found []string
	for tmpl := range v.paths {
		tp := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(tp) != len(parts) {
			continue
		}
		ok := true
		for i := range tp {
			if !strings.HasPrefix(tp[i], "{") && tp[i] != parts[i] {
				ok = false
				break
			}
		}
		if ok {
			found = append(found, tmpl)
		}
	}
	if len(found) == 0 {
		return "", false
	}
	// A literal segment beats a parameter ("/campaigns/{id}/report" over
	// "/x/{a}/{b}"): prefer the template with the fewest parameters.
	sort.Slice(found, func(i, j int) bool { return strings.Count(found[i], "{") < strings.Count(found[j], "{") })
	return found[0], true
}

// Check validates one answer. A path the document does not have is an
// error, as is a status it does not list for the operation (a "default"
// answer covers the rest), or a body that does not match.
func (v *Validator) Check(method, rawPath string, status int, contentType string, body []byte) error {
	u, err := url.Parse(rawPath)
	if err != nil {
		return err
	}
	tmpl, ok := v.match(u.Path)
	if !ok {
		return fmt.Errorf("openapitest: %s %s: no such path in the document", method, u.Path)
	}
	rs, ok := v.paths[tmpl][strings.ToUpper(method)]
	if !ok {
		return fmt.Errorf("openapitest: %s %s: no such operation in the document", method, tmpl)
	}
	code := strconv.Itoa(status)
	key := code
	if _, ok := rs[code]; !ok {
		if _, ok := rs["default"]; !ok {
			return fmt.Errorf("openapitest: %s %s: status %d is not documented", method, tmpl, status)
		}
		key = "default"
	}
	v.mu.Lock()
	v.seen[strings.ToUpper(method)+" "+tmpl+" "+code]++
	v.mu.Unlock()
	resp := rs[key].(map[string]any)
	pointer := "#/paths/" + escape(tmpl) + "/" + strings.ToLower(method) + "/responses/" + key
	if r, ok := resp["$ref"].(string); ok {
		pointer = r
		resp = v.resolve(r)
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(bytes.TrimSpace(body)) > 0 {
			return fmt.Errorf("openapitest: %s %s %d: documented without a body, got %q", method, tmpl, status, body)
		}
		return nil
	}
	if _, ok := content["application/json"]; !ok {
		return nil
	}
	if !strings.HasPrefix(contentType, "application/json") {
		return fmt.Errorf("openapitest: %s %s %d: content type %q, want JSON", method, tmpl, status, contentType)
	}
	sch, err := v.schema(pointer + "/content/application~1json/schema")
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("openapitest: %s %s %d: body is not JSON: %v", method, tmpl, status, err)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("openapitest: %s %s %d: body does not match the document: %v\nbody: %s", method, tmpl, status, err, body)
	}
	return nil
}

func (v *Validator) resolve(ref string) map[string]any {
	var cur any = v.root
	for _, p := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		p = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
		cur = cur.(map[string]any)[p]
	}
	return cur.(map[string]any)
}

func (v *Validator) schema(pointer string) (*jsonschema.Schema, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok := v.compiled[pointer]; ok {
		return s, nil
	}
	s, err := v.c.Compile(docURL + pointer)
	if err != nil {
		return nil, fmt.Errorf("openapitest: compile %s: %w", pointer, err)
	}
	v.compiled[pointer] = s
	return s, nil
}

func escape(p string) string {
	return strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
}

// CheckSchema validates a JSON body against one of the document's
// component schemas (for answers outside any documented path, such as the
// error for an unknown route).
func (v *Validator) CheckSchema(name string, body []byte) error {
	sch, err := v.schema("#/components/schemas/" + name)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("openapitest: %s: body is not JSON: %v", name, err)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("openapitest: body does not match %s: %v\nbody: %s", name, err, body)
	}
	return nil
}

// Documented reports whether a concrete path is one of the document's.
func (v *Validator) Documented(path string) bool {
	_, ok := v.match(path)
	return ok
}

// Seen lists the operations and statuses checked so far, with counts.
func (v *Validator) Seen() map[string]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make(map[string]int, len(v.seen))
	for k, n := range v.seen {
		out[k] = n
	}
	return out
}
