package i18n

// Lang is a language that speaks the catalogue: T bound to it, for domain
// packages that compose sentences from catalogue keys without knowing the
// catalogue (schedule.Window.Describe takes one). Any tag is accepted, as
// Normalize maps it.
type Lang string

// T translates key into the language, formatting args into it.
func (l Lang) T(key string, args ...any) string { return T(Normalize(string(l)), key, args...) }
