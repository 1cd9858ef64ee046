package views

// FieldErrors maps a form field name to the (translated) problem with it.
type FieldErrors map[string]string

// Form is the state of a submitted form shown again after a problem: the
// values typed (never passwords) and what was wrong with each field.
type Form struct {
	Values map[string]string
	Errors FieldErrors
	// Message is a problem with the form as a whole.
	Message string
}

// Value returns the typed value of a field.
func (f Form) Value(name string) string { return f.Values[name] }

// Err returns the problem with a field, or "".
func (f Form) Err(name string) string { return f.Errors[name] }

func errID(name string) string { return name + "-error" }
