package web

import (
	"arauto/internal/inbox"
	"arauto/internal/segment"
)

// The OpenAPI part of the contact book, its segments and the answers to
// conversations (api_contacts.go, api_replies.go), added to the document
// by buildOpenAPI.

func addContactsOpenAPI(schemas, paths doc) {
	kinds := make([]string, len(segment.Kinds))
	for i, k := range segment.Kinds {
		kinds[i] = string(k)
	}
	ops := make([]string, len(segment.Ops))
	for i, o := range segment.Ops {
		ops[i] = string(o)
	}
	stamp := func(desc string) doc { return datetime(desc) }
	schemas["Contact"] = object("A contact of the contact book, known by its number.", doc{
		"phone": str("E.164 digits without +."), "name": str("The first name-like field, or empty."),
		"fields":  doc{"type": "object", "additionalProperties": doc{"type": "string"}, "description": "Fields merged from every import: the latest non-empty value wins."},
		"carrier": str(""), "opted_out": boolean("On the suppression list."),
		"last_sent_at": stamp(""), "last_delivered_at": stamp(""), "last_replied_at": stamp(""), "last_clicked_at": stamp(""),
		"created_at": stamp(""), "updated_at": stamp(""),
	})
	profile := object("A contact with where it came from, the values later imports replaced and its latest history (newest first).", doc{
		"phone": str(""), "name": str(""), "fields": doc{"type": "object", "additionalProperties": doc{"type": "string"}},
		"carrier": str(""), "opted_out": boolean(""),
		"last_sent_at": stamp(""), "last_delivered_at": stamp(""), "last_replied_at": stamp(""), "last_clicked_at": stamp(""),
		"created_at": stamp(""), "updated_at": stamp(""),
		"lists": arr(object("An import (or opt-in reply) the contact came from.", doc{
			"source_id": integer(""), "kind": enum("", "import", "keyword"), "list_id": nullable(integer("Null once the list was deleted.")),
			"list_name": str(""), "file_name": str(""), "legal_basis": str(""), "at": stamp(""),
		})),
		"field_history": arr(object("A value a later import replaced.", doc{
			"field": str(""), "old_value": str(""), "source_id": integer("The source that had given it."), "replaced_at": stamp(""),
		})),
		"history": arr(object("A message sent, a reply or an opt-out.", doc{
			"kind": enum("", "sent", "reply", "opt_out"), "at": stamp(""), "campaign_id": nullable(integer("")), "campaign": str(""),
			"channel": str(""), "state": str("A message's outcome (delivered, read, failed...)."), "text": str(""),
		})),
	})
	schemas["ContactProfile"] = profile
	rule := object("One condition of a segment.", doc{
		"kind":   enum("What the rule tests.", kinds...),
		"field":  str("The contact field (kind attr)."),
		"op":     enum("How the field compares (kind attr).", ops...),
		"values": arr(doc{"type": "string", "description": "Values compared; a list id for kind list, DDDs for ddd, states (UF) for state."}),
		"days":   doc{"type": "integer", "description": "Within how many days (delivered, replied, clicked)."},
		"not":    boolean("Select the contacts the rule would leave out."),
	}, "field", "op", "values", "days", "not")
	schemas["SegmentRule"] = rule
	schemas["Segment"] = object("A saved filter over the contact book.", doc{
		"id": integer(""), "name": str(""), "match": enum("all: every rule holds; any: at least one.", string(segment.All), string(segment.Any)),
		"rules": arr(ref("SegmentRule")), "created_at": stamp(""), "updated_at": stamp(""),
	})
	schemas["SegmentInput"] = input("A segment's name and rules (on update, what is left out stays as it is). Problems name their field, like rules[2].values.", doc{
		"name": str(""), "match": enum("", string(segment.All), string(segment.Any)), "rules": arr(ref("SegmentRule")),
	})
	schemas["SegmentCount"] = object("How many contacts a segment selects now.", doc{
		"segment_id": integer(""), "contacts": integer(""), "counted_at": stamp(""),
	})
	schemas["ReplyInput"] = input("An answer to a conversation: SMS at any time; WhatsApp free text or a file (by its public http(s) address) only inside the contact's 24-hour session.", doc{
		"channel": enum("A channel the contact wrote on.", inbox.SMS, inbox.WhatsApp), "text": str("The message, or a file's caption (audio has none)."),
		"media_kind": enum("WhatsApp only.", inbox.MediaKinds...), "media_url": str("The file's address, ending in its extension."),
	}, "channel")
	schemas["Answer"] = object("An answer sent from a conversation, queued in the outbox and sent exactly once.", doc{
		"id": integer(""), "message_id": str("Its id as a transactional message (GET /messages/{id}); empty for answers sent before answers travelled the outbox."),
		"phone": str(""), "channel": str(""), "kind": str("text or the file's kind."), "text": str(""), "media_url": str(""),
		"state":  enum("", inbox.Sending, inbox.Sent, inbox.Delivered, inbox.Read, inbox.Failed, inbox.Unknown, inbox.Accepted),
		"reason": str("Why it failed."), "by": str("Who answered (a token answers on behalf of its owner)."), "created_at": stamp(""),
	})
	schemas["Replies"] = object("The answers sent to a number, oldest first.", doc{"phone": str(""), "replies": arr(ref("Answer"))})

	phoneDoc := pathParam("phone", "The contact's number (E.164 digits, or as written in Brazil).", doc{"type": "string"})
	paths["/contacts"] = doc{
		"get": op("listContacts", "contacts", "The contact book by number (or by name when q is a name), with the contacts page's filters or a segment's.",
			doc{"200": answer("A page.", pageSchema("Contact"))},
			doc{"parameters": []doc{queryParam("q", "The start of a number, or words of any field (the last may be unfinished).", doc{"type": "string"}),
				queryParam("state", "Only numbers of this state (UF).", doc{"type": "string"}),
				queryParam("list_id", "Only contacts of this list.", doc{"type": "integer", "format": "int64"}),
				queryParam("opted_out", "true or false.", enum("", "true", "false")),
				queryParam("segment_id", "Only contacts the segment selects.", doc{"type": "integer", "format": "int64"}),
				queryParam("limit", "Page size (1-200).", doc{"type": "integer", "minimum": 1, "maximum": 200}), cursorParamDoc}}),
	}
	paths["/contacts/{phone}"] = doc{"parameters": []doc{phoneDoc},
		"get": op("getContact", "contacts", "One contact: fields, lists, field history and latest history.", doc{"200": answer("", ref("ContactProfile")), "404": ref404}, nil)}
	paths["/segments"] = doc{
		"get": op("listSegments", "segments", "The saved segments, oldest first.", doc{"200": answer("", pageSchema("Segment"))}, doc{"parameters": []doc{limitParamDoc, cursorParamDoc}}),
		"post": op("createSegment", "segments", "Save a segment (checked as the segment editor checks it).", doc{"201": answer("Created.", ref("Segment")), "422": ref404},
			merge(withIdem(), doc{"requestBody": jsonBody(ref("SegmentInput"))})),
	}
	paths["/segments/{id}"] = doc{"parameters": []doc{idParamDoc},
		"get":    op("getSegment", "segments", "One segment.", doc{"200": answer("", ref("Segment")), "404": ref404}, nil),
		"patch":  op("updateSegment", "segments", "Change a segment.", doc{"200": answer("", ref("Segment")), "404": ref404, "422": ref404}, doc{"requestBody": jsonBody(ref("SegmentInput"))}),
		"delete": op("deleteSegment", "segments", "Delete a segment (campaigns already launched keep their frozen list).", doc{"204": doc{"description": "Deleted."}, "404": ref404}, nil),
	}
	paths["/segments/{id}/count"] = doc{"parameters": []doc{idParamDoc},
		"get": op("countSegment", "segments", "How many contacts the segment selects now.", doc{"200": answer("", ref("SegmentCount")), "404": ref404}, nil)}
	paths["/conversations/{phone}/replies"] = doc{"parameters": []doc{phoneDoc},
		"get": op("listConversationReplies", "inbox", "The answers sent to a number and how their delivery went.", doc{"200": answer("", ref("Replies"))}, nil),
		"post": op("replyToConversation", "inbox", "Answer a conversation (stored in the outbox before the answer, sent exactly once; 409 when the WhatsApp session is closed or the number is blocked).",
			doc{"202": answer("Stored and on its way.", ref("Answer")), "409": ref404, "422": ref404},
			merge(withIdem(), doc{"requestBody": jsonBody(ref("ReplyInput"))}))}
}
