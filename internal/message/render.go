package message

import "strings"

// Renderer renders the messages of several templates, compiling each
// (template, columns) pair once: a conversation shows messages of a few
// campaigns, each many times. The zero Renderer is ready to use.
type Renderer struct {
	compiled map[string]*Compiled
}

// Render fills template's placeholders with fields, in the order of
// columns. A template that cannot be compiled is returned as written.
func (r *Renderer) Render(template string, columns, fields []string) string {
	key := template + "\x00" + strings.Join(columns, "\x00")
	c, seen := r.compiled[key]
	if !seen {
		if r.compiled == nil {
			r.compiled = map[string]*Compiled{}
		}
		c, _ = Compile(template, columns)
		r.compiled[key] = c
	}
	if c == nil {
		return template
	}
	return c.Render(fields)
}
