package views

import (
	"slices"

	"arauto/internal/inbox"
	"arauto/internal/user"
)

// ReplyTeam is the state of a reply's conversation, as the inbox shows it.
type ReplyTeam struct {
	// New marks a reply newer than the last one read.
	New           bool
	AssignedEmail string
	Closed        bool
}

// AnswerView is an answer sent from a conversation.
type AnswerView struct {
	Channel, Kind, Text, MediaURL string
	// State is sending, accepted, failed or unknown; Reason says why it failed.
	State, Reason string
	UserEmail     string
}

// ConversationTeam is the team's side of a conversation.
type ConversationTeam struct {
	State inbox.Conversation
	// Users are those a conversation may be assigned to.
	Users []*user.User
	// Channels are those the contact replied on; the answer goes by one.
	Channels []string
	// WhatsAppOpen says the contact's 24-hour WhatsApp session is open.
	WhatsAppOpen bool
	// Form is the answer being written (values and problems).
	Form Form
	// NewSince marks replies with an id above it as new on this visit.
	NewSince int64
}

func (t ConversationTeam) hasChannel(ch string) bool { return slices.Contains(t.Channels, ch) }

func answerStateBadge(state string) string {
	switch state {
	case inbox.Accepted, inbox.Sent, inbox.Delivered, inbox.Read:
		return "badge-ok"
	case inbox.Failed:
		return "badge-err"
	}
	return "badge-sandbox"
}
