package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"arauto/internal/message"
)

// SaveWhatsAppMedia stores a file uploaded for a campaign's WhatsApp
// message and sets its ID.
func (s *Store) SaveWhatsAppMedia(ctx context.Context, m *message.MediaUpload, at time.Time) error {
	res, err := insertRow(ctx, s.w, `INSERT INTO whatsapp_media (campaign_id, file_name, type, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		m.CampaignID, m.FileName, m.Type, m.Size, m.Data, toMS(at))
	if err != nil {
		return fmt.Errorf("store: save whatsapp media of campaign %d: %w", m.CampaignID, err)
	}
	m.ID, _ = res.LastInsertId()
	return nil
}

// WhatsAppMedia returns a file uploaded for the campaign, with its data
// when withData. A file of another campaign is ErrNotFound.
func (s *Store) WhatsAppMedia(ctx context.Context, campaignID, id int64, withData bool) (message.MediaUpload, error) {
	m := message.MediaUpload{ID: id, CampaignID: campaignID}
	data := "''"
	if withData {
		data = "data"
	}
	err := s.r.QueryRowContext(ctx, "SELECT file_name, type, size, "+data+" FROM whatsapp_media WHERE id = ? AND campaign_id = ?", id, campaignID).
		Scan(&m.FileName, &m.Type, &m.Size, &m.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("store: whatsapp media %d of campaign %d: %w", id, campaignID, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("store: whatsapp media %d of campaign %d: %w", id, campaignID, err)
	}
	return m, nil
}
