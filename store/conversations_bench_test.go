package store

import (
	"context"
	"fmt"
	"testing"
)

// seedInbound stores n replies from phones distinct numbers in one
// transaction, as the applier does, and marks all but unread of the
// conversations read.
func seedInbound(b *testing.B, s *Store, n, phones, unread int) {
	b.Helper()
	tx, err := s.w.Begin()
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := tx.Prepare(`INSERT INTO inbound (channel, provider_id, phone, kind, text, received_at) VALUES ('sms', ?, ?, 'TEXT', 'oi', ?)`)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := stmt.Exec(fmt.Sprint("mo-", i), fmt.Sprintf("55119%08d", i%phones), int64(1_760_000_000_000+i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := s.w.Exec("UPDATE conversations SET read_upto = last_in_id WHERE phone >= ?", fmt.Sprintf("55119%08d", unread)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkUnreadConversations is the navigation badge's query on every
// page, with 1,000,000 replies from 200,000 numbers, 500 of them unread.
func BenchmarkUnreadConversations(b *testing.B) {
	s := openTestStore(b)
	seedInbound(b, s, 1_000_000, 200_000, 500)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n, err := s.UnreadConversations(ctx)
		if err != nil || n != 500 {
			b.Fatalf("UnreadConversations() = %d, %v; want 500", n, err)
		}
	}
}

// BenchmarkReplyInsert measures storing replies with the conversations
// trigger against the same inserts without it, side by side.
func BenchmarkReplyInsert(b *testing.B) {
	for _, trigger := range []bool{true, false} {
		b.Run(fmt.Sprint("trigger=", trigger), func(b *testing.B) {
			s := openTestStore(b)
			if !trigger {
				if _, err := s.w.Exec("DROP TRIGGER inbound_conversation"); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			seedInbound(b, s, b.N, max(b.N/5, 1), 0)
		})
	}
}
