package outhook

import (
	"encoding/json"
	"strconv"
	"time"

	"arauto/internal/delivery"
)

// Fact is a change the store recorded for receivers: its kind (message,
// dispatch, reply, suppression, campaign, list), the row it is about and a
// snapshot of the row's columns at that moment (JSON).
type Fact struct {
	ID      int64
	Kind    string
	Subject int64
	Data    []byte
	At      time.Time
}

// Event is one thing to tell receivers.
type Event struct {
	ID   string
	Type string
	// OrderKey names the subject whose events keep their order.
	OrderKey string
	At       time.Time
	Data     map[string]any
}

// Body is the JSON a receiver gets.
func (e Event) Body() []byte {
	b, _ := json.Marshal(struct {
		ID        string         `json:"id"`
		Type      string         `json:"type"`
		CreatedAt string         `json:"created_at"`
		Data      map[string]any `json:"data"`
	}{e.ID, e.Type, e.At.UTC().Format(time.RFC3339Nano), e.Data})
	return b
}

// Ref is what the API knows of a transactional message: its public id
// and the caller's correlation id.
type Ref struct{ ID, CorrelationID string }

type messageFact struct {
	CampaignID       int64  `json:"campaign_id"`
	Phone            string `json:"phone"`
	State            string `json:"state"`
	Carrier          string `json:"carrier"`
	Error            string `json:"error"`
	OldSentCode      int    `json:"old_sent_code"`
	OldDeliveredCode int    `json:"old_delivered_code"`
	OldReadAt        int64  `json:"old_read_at"`
	SentCode         int    `json:"sent_code"`
	DeliveredCode    int    `json:"delivered_code"`
	SentAt           int64  `json:"sent_at"`
	DeliveredAt      int64  `json:"delivered_at"`
	ReadAt           int64  `json:"read_at"`
}

// outcomeEvent is the event type of a delivery outcome, or "".
func outcomeEvent(outcome string) string {
	switch outcome {
	case "read":
		return MessageRead
	case "delivered":
		return MessageDelivered
	case "not-delivered", "expired", "failed":
		return MessageFailed
	}
	return ""
}

func ms(v int64) any {
	if v == 0 {
		return nil
	}
	return time.UnixMilli(v).UTC().Format(time.RFC3339Nano)
}

// Expand turns a fact into the events it means (none, one, or a few in
// order). refs names the transactional messages among the facts'
// messages.
func Expand(f Fact, refs map[int64]Ref) []Event {
	id := "evt_" + strconv.FormatInt(f.ID, 10)
	var out []Event
	add := func(typ, key string, data map[string]any) {
		eid := id
		if len(out) > 0 {
			eid += "_" + strconv.Itoa(len(out))
		}
		out = append(out, Event{ID: eid, Type: typ, OrderKey: key, At: f.At, Data: data})
	}
	switch f.Kind {
	case "message", "dispatch":
		var m messageFact
		if json.Unmarshal(f.Data, &m) != nil {
			return nil
		}
		data := map[string]any{"message_id": f.Subject, "campaign_id": m.CampaignID, "phone": m.Phone}
		if r, ok := refs[f.Subject]; ok {
			data["transactional_id"], data["correlation_id"] = r.ID, r.CorrelationID
			delete(data, "campaign_id")
		}
		key := "message:" + strconv.FormatInt(f.Subject, 10)
		if f.Kind == "dispatch" {
			data["outcome"], data["reason"] = "failed", m.Error
			add(MessageFailed, key, data)
			return out
		}
		now := delivery.Status{State: m.State, Carrier: m.Carrier, SentCode: m.SentCode, DeliveredCode: m.DeliveredCode}
		before := now
		before.SentCode, before.DeliveredCode = m.OldSentCode, m.OldDeliveredCode
		if m.ReadAt != 0 {
			now.ReadAt = time.UnixMilli(m.ReadAt)
		}
		if m.OldReadAt != 0 {
			before.ReadAt = time.UnixMilli(m.OldReadAt)
		}
		data["carrier"], data["sent_code"], data["delivered_code"] = m.Carrier, m.SentCode, m.DeliveredCode
		data["sent_at"], data["delivered_at"], data["read_at"] = ms(m.SentAt), ms(m.DeliveredAt), ms(m.ReadAt)
		was, is := outcomeEvent(before.Outcome()), outcomeEvent(now.Outcome())
		if is == "" || is == was {
			return nil
		}
		// Read implies delivered: a receiver that never heard of the
		// delivery hears of it first.
		if is == MessageRead && was != MessageDelivered && m.DeliveredCode != 0 {
			d := clone(data)
			d["outcome"] = "delivered"
			add(MessageDelivered, key, d)
		}
		data["outcome"] = now.Outcome()
		add(is, key, data)
	case "reply":
		var r struct {
			Channel     string `json:"channel"`
			Phone       string `json:"phone"`
			Text        string `json:"text"`
			Kind        string `json:"kind"`
			ProfileName string `json:"profile_name"`
			CampaignID  *int64 `json:"campaign_id"`
			MessageID   *int64 `json:"message_id"`
			OptOut      int    `json:"opt_out"`
			ReceivedAt  int64  `json:"received_at"`
		}
		if json.Unmarshal(f.Data, &r) != nil {
			return nil
		}
		add(ReplyReceived, "phone:"+r.Phone, map[string]any{"reply_id": f.Subject, "channel": r.Channel, "phone": r.Phone,
			"text": r.Text, "kind": r.Kind, "profile_name": r.ProfileName, "campaign_id": r.CampaignID, "message_id": r.MessageID,
			"opt_out": r.OptOut != 0, "received_at": ms(r.ReceivedAt)})
	case "suppression":
		var s struct {
			Phone     string `json:"phone"`
			Reason    string `json:"reason"`
			Note      string `json:"note"`
			CreatedAt int64  `json:"created_at"`
		}
		if json.Unmarshal(f.Data, &s) != nil {
			return nil
		}
		// Opting out is the person's own choice: a keyword reply, or the
		// provider's 204 opt-out. Numbers an operator blocks are not.
		if s.Reason != delivery.SuppressOptOut && s.Reason != delivery.SuppressOptedOut {
			return nil
		}
		add(OptedOut, "phone:"+s.Phone, map[string]any{"phone": s.Phone, "reason": s.Reason, "note": s.Note, "at": ms(s.CreatedAt)})
	case "campaign":
		var c struct {
			Name      string `json:"name"`
			Alias     string `json:"alias"`
			Channel   string `json:"channel"`
			From      string `json:"from"`
			To        string `json:"to"`
			LastError string `json:"last_error"`
		}
		if json.Unmarshal(f.Data, &c) != nil {
			return nil
		}
		data := map[string]any{"campaign_id": f.Subject, "name": c.Name, "alias": c.Alias, "channel": c.Channel, "from": c.From, "to": c.To}
		if c.LastError != "" && c.To == "paused" {
			data["reason"] = c.LastError
		}
		add(CampaignStateChange, "campaign:"+strconv.FormatInt(f.Subject, 10), data)
	case "list":
		var l struct {
			Name       string `json:"name"`
			State      string `json:"state"`
			RowsTotal  int64  `json:"rows_total"`
			Valid      int64  `json:"valid"`
			Invalid    int64  `json:"invalid"`
			Duplicates int64  `json:"duplicates"`
			ErrorCode  string `json:"error_code"`
		}
		if json.Unmarshal(f.Data, &l) != nil {
			return nil
		}
		data := map[string]any{"list_id": f.Subject, "name": l.Name, "state": l.State, "rows": l.RowsTotal, "valid": l.Valid,
			"invalid": l.Invalid, "duplicates": l.Duplicates}
		if l.ErrorCode != "" {
			data["error_code"] = l.ErrorCode
		}
		add(ImportFinished, "list:"+strconv.FormatInt(f.Subject, 10), data)
	case "click":
		var c struct {
			CampaignID int64    `json:"campaign_id"`
			Phone      string   `json:"phone"`
			NewLinks   int64    `json:"new_links"`
			ClickedAt  int64    `json:"clicked_at"`
			Clicks     int64    `json:"clicks"`
			URLs       []string `json:"urls"`
		}
		if json.Unmarshal(f.Data, &c) != nil {
			return nil
		}
		// One event per link the recipient clicked for the first time.
		for i := 0; i < 16; i++ {
			if c.NewLinks&(1<<i) == 0 {
				continue
			}
			data := map[string]any{"message_id": f.Subject, "campaign_id": c.CampaignID, "phone": c.Phone, "link": i,
				"first_clicked_at": ms(c.ClickedAt), "clicks": c.Clicks}
			if i < len(c.URLs) {
				data["url"] = c.URLs[i]
			}
			add(MessageClicked, "message:"+strconv.FormatInt(f.Subject, 10), data)
		}
	}
	return out
}

func clone(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
