package inbox

import "time"

// Conversation is the team's state of the conversation with one number.
type Conversation struct {
	Phone string
	// LastReplyID is the newest reply's id; ReadUpTo the newest read;
	// ClosedUpTo the newest when it was closed.
	LastReplyID, ReadUpTo, ClosedUpTo int64
	LastReplyAt                       time.Time
	// Unread counts the replies newer than ReadUpTo (filled where asked).
	Unread int
	// AssignedTo is the user it is assigned to (0 for nobody) and
	// AssignedEmail their address.
	AssignedTo    int64
	AssignedEmail string
	ClosedAt      time.Time
}

// IsUnread reports whether a reply arrived after the last one read.
func (c Conversation) IsUnread() bool { return c.LastReplyID > c.ReadUpTo }

// IsClosed reports whether the conversation was closed and no reply came
// since.
func (c Conversation) IsClosed() bool { return c.ClosedUpTo > 0 && c.ClosedUpTo >= c.LastReplyID }
