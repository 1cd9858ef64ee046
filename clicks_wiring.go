package main

import (
	"context"

	"arauto/internal/clicks"
	"arauto/internal/config"
	"arauto/store"
)

// clickLinks makes the short links of tracked campaigns under the public
// URL, signed with the installation's secret (made on first use).
func clickLinks(ctx context.Context, cfg config.Config, st *store.Store) (*clicks.Links, error) {
	secret, err := st.ClickSecret(ctx)
	if err != nil {
		return nil, err
	}
	return clicks.NewLinks(secret, cfg.PublicURL), nil
}
