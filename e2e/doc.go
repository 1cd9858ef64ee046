// Package e2e drives the real console in a real browser: playwright-go with
// Debian's Chromium and the npm playwright-core driver (see
// scripts/e2e-setup.sh). TestMain builds the arauto binary once; every test
// starts its own server on 127.0.0.1:0 with a fresh data directory.
//
// The suite never skips: without a browser or driver it fails, saying to run
// `make e2e-setup`. Screenshots of every journey's key pages, and of any page
// where a test failed, are saved under e2e/screenshots/ (git-ignored).
package e2e
