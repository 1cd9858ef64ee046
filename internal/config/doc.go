// Package config loads Arauto's configuration from ARAUTO_* environment
// variables. Load takes the lookup function instead of reading os.Getenv so
// tests can pass a map; there are no package-level globals. Every variable has
// a default, and a bad value is reported as an *Error naming the variable so
// the binary can stop with one clear line. A data directory Load creates is
// private to its owner (0700).
package config
