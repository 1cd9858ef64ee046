package views

import (
	"context"
	"strconv"

	"arauto/internal/i18n"
	"arauto/internal/wavy"
)

// statusLabel is a provider status code in the reader's words ("Recusada
// pela operadora"). The provider's own name and number stay on the page,
// smaller, through statusCode, for whoever talks to support.
func statusLabel(ctx context.Context, code int) string {
	key := "status.code." + strconv.Itoa(code)
	if _, known := wavy.LookupStatus(code); !known || !i18n.Has(EnvFrom(ctx).Lang, key) {
		return T(ctx, "status.code.unknown")
	}
	return T(ctx, key)
}

// statusCode is the provider's name and number of a status code, the
// secondary line under statusLabel: "REJECTED_BY_CARRIER · 103".
func statusCode(code int) string {
	if sc, ok := wavy.LookupStatus(code); ok {
		return sc.Name + " · " + strconv.Itoa(code)
	}
	return strconv.Itoa(code)
}
