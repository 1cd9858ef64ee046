package web

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"arauto/views"
)

// The API's documentation page: the OpenAPI document itself, rendered on
// the server (no script, no CDN), so it can never disagree with it.

var apiDocsOnce = sync.OnceValue(func() views.APIDocsData {
	var d struct {
		Info struct {
			Title, Version, Description string
		}
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			Schemas map[string]struct {
				Description string
				Properties  map[string]struct {
					Type        any
					Format      string
					Description string
					Ref         string `json:"$ref"`
					Items       *struct {
						Ref  string `json:"$ref"`
						Type any
					}
					Enum []string
				}
				Required []string
			}
		}
	}
	if err := json.Unmarshal(OpenAPIDocument(), &d); err != nil {
		panic("web: api docs: " + err.Error())
	}
	out := views.APIDocsData{Title: d.Info.Title, Version: d.Info.Version, Description: d.Info.Description}
	refName := func(r string) string { return strings.TrimPrefix(r, "#/components/schemas/") }
	for path, ops := range d.Paths {
		for method, raw := range ops {
			if method == "parameters" {
				continue
			}
			var o struct {
				OperationID string `json:"operationId"`
				Summary     string
				Tags        []string
				Parameters  []struct {
					Name, In string
					Ref      string `json:"$ref"`
				}
				RequestBody *struct {
					Content map[string]struct {
						Schema struct {
							Ref string `json:"$ref"`
						}
					}
				} `json:"requestBody"`
				Responses map[string]json.RawMessage
			}
			if err := json.Unmarshal(raw, &o); err != nil {
				panic("web: api docs: " + err.Error())
			}
			op := views.APIOperation{ID: o.OperationID, Method: strings.ToUpper(method), Path: path, Summary: o.Summary}
			if len(o.Tags) > 0 {
				op.Tag = o.Tags[0]
			}
			for _, p := range o.Parameters {
				switch {
				case p.Ref != "":
					op.Params = append(op.Params, "Idempotency-Key (header)")
				default:
					op.Params = append(op.Params, fmt.Sprintf("%s (%s)", p.Name, p.In))
				}
			}
			if o.RequestBody != nil {
				for _, c := range o.RequestBody.Content {
					op.Body = refName(c.Schema.Ref)
				}
			}
			for code := range o.Responses {
				if code != "default" {
					op.Responses = append(op.Responses, code)
				}
			}
			sort.Strings(op.Responses)
			out.Operations = append(out.Operations, op)
		}
	}
	sort.Slice(out.Operations, func(i, j int) bool {
		a, b := out.Operations[i], out.Operations[j]
		if a.Tag != b.Tag {
			return a.Tag < b.Tag
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Method < b.Method
	})
	for name, sc := range d.Components.Schemas {
		s := views.APISchema{Name: name, Description: sc.Description}
		req := map[string]bool{}
		for _, r := range sc.Required {
			req[r] = true
		}
		for pname, p := range sc.Properties {
			typ := fmt.Sprint(p.Type)
			switch {
			case p.Ref != "":
				typ = refName(p.Ref)
			case p.Items != nil && p.Items.Ref != "":
				typ = "array of " + refName(p.Items.Ref)
			case p.Items != nil:
				typ = fmt.Sprintf("array of %v", p.Items.Type)
			}
			if len(p.Enum) > 0 {
				typ += " (" + strings.Join(p.Enum, " | ") + ")"
			}
			s.Fields = append(s.Fields, views.APIField{Name: pname, Type: typ, Description: p.Description, Required: req[pname]})
		}
		sort.Slice(s.Fields, func(i, j int) bool { return s.Fields[i].Name < s.Fields[j].Name })
		out.Schemas = append(out.Schemas, s)
	}
	sort.Slice(out.Schemas, func(i, j int) bool { return out.Schemas[i].Name < out.Schemas[j].Name })
	return out
})

func (s *Server) apiDocsPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, views.APIDocsPage(apiDocsOnce()))
}
