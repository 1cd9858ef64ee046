package web

import (
	"encoding/json"
	"sort"
	"sync"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/internal/outhook"
	"arauto/internal/recipient"
	"arauto/store"
)

// The OpenAPI 3.1 document of the API, built once from the helpers below
// and served at /api/v1/openapi.json; the docs page renders the same
// document. A test validates every answer the API test suite and the
// end-to-end journeys see against it.

type doc = map[string]any

func ref(name string) doc { return doc{"$ref": "#/components/schemas/" + name} }
func str(desc string) doc { return doc{"type": "string", "description": desc} }
func integer(desc string) doc {
	return doc{"type": "integer", "format": "int64", "description": desc}
}
func number(desc string) doc  { return doc{"type": "number", "description": desc} }
func boolean(desc string) doc { return doc{"type": "boolean", "description": desc} }
func arr(items doc) doc       { return doc{"type": "array", "items": items} }
func enum(desc string, values ...string) doc {
	return doc{"type": "string", "enum": values, "description": desc}
}

// nullable lets a schema of one type also be null.
func nullable(d doc) doc {
	out := doc{}
	for k, v := range d {
		out[k] = v
	}
	out["type"] = []any{d["type"], "null"}
	return out
}

func datetime(desc string) doc {
	return nullable(doc{"type": "string", "format": "date-time", "description": desc})
}

// object is a closed object whose listed properties are all required
// (optional ones are named in optional).
func object(desc string, props doc, optional ...string) doc {
	var req []string
	for k := range props {
		isOpt := false
		for _, o := range optional {
			isOpt = isOpt || o == k
		}
		if !isOpt {
			req = append(req, k)
		}
	}
	sort.Strings(req)
	d := doc{"type": "object", "description": desc, "properties": props, "additionalProperties": false}
	if len(req) > 0 {
		d["required"] = req
	}
	return d
}

// input is an object of optional properties (a request body).
func input(desc string, props doc, required ...string) doc {
	d := doc{"type": "object", "description": desc, "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		d["required"] = required
	}
	return d
}

func pageSchema(item string) doc {
	return object("A page of "+item+"; pass next_cursor as ?cursor for the next one.", doc{
		"data":        arr(ref(item)),
		"next_cursor": nullable(str("Cursor of the next page; null on the last.")),
	})
}

func jsonBody(schema doc) doc {
	return doc{"required": true, "content": doc{"application/json": doc{"schema": schema}}}
}

func answer(desc string, schema doc) doc {
	return doc{"description": desc, "content": doc{"application/json": doc{"schema": schema}}}
}

var errorRefs = doc{
	"400": doc{"$ref": "#/components/responses/Error"},
	"401": doc{"$ref": "#/components/responses/Error"},
	"403": doc{"$ref": "#/components/responses/Error"},
	"429": doc{"$ref": "#/components/responses/Error"},
}

// op is one operation; responses get the common errors added.
func op(id, tag, summary string, responses doc, extra doc) doc {
	rs := doc{}
	for k, v := range errorRefs {
		rs[k] = v
	}
	for k, v := range responses {
		rs[k] = v
	}
	rs["default"] = doc{"$ref": "#/components/responses/Error"}
	o := doc{"operationId": id, "tags": []string{tag}, "summary": summary, "responses": rs}
	for k, v := range extra {
		o[k] = v
	}
	return o
}

func pathParam(name, desc string, schema doc) doc {
	return doc{"name": name, "in": "path", "required": true, "description": desc, "schema": schema}
}

func queryParam(name, desc string, schema doc) doc {
	return doc{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
}

var (
	idParamDoc     = pathParam("id", "The resource's id.", doc{"type": "integer", "format": "int64"})
	phoneParamDoc  = pathParam("phone", "A phone number (E.164 digits, or as written in Brazil).", doc{"type": "string"})
	limitParamDoc  = queryParam("limit", "Page size (1-500).", doc{"type": "integer", "minimum": 1, "maximum": maxPageSize})
	cursorParamDoc = queryParam("cursor", "next_cursor of the previous page.", doc{"type": "string"})
	idemHeaderDoc  = doc{"$ref": "#/components/parameters/IdempotencyKey"}
	ref404         = doc{"$ref": "#/components/responses/Error"}
)

func withIdem(params ...doc) doc { return doc{"parameters": append([]doc{idemHeaderDoc}, params...)} }

func buildOpenAPI() doc {
	states := make([]string, 0, 8)
	for _, s := range []campaign.State{campaign.Draft, campaign.Scheduled, campaign.Running, campaign.Paused, campaign.Completed, campaign.Cancelled, campaign.Failed, campaign.Archived} {
		states = append(states, string(s))
	}
	listStates := []string{string(recipient.ListUploaded), string(recipient.ListImporting), string(recipient.ListReady), string(recipient.ListFailed)}
	schemas := doc{
		"Error": object("Every error has this shape.", doc{
			"error": object("", doc{
				"code":    str("Stable machine code (validation_failed, not_found, unauthorized, rate_limited, idempotency_key_reused...)."),
				"message": str("What went wrong, in the language asked for (?lang or Accept-Language)."),
				"field":   str("The field, parameter or header at fault (empty only for server errors)."),
				"details": arr(object("", doc{"field": str(""), "code": str(""), "message": str("")})),
			}, "details"),
		}),
		"Campaign": object("A campaign.", doc{
			"id": integer(""), "name": str(""), "alias": str("Registered with the Campaign API; tags every message."),
			"channel": enum("", "", "sms", "whatsapp"), "state": enum("", states...),
			"list_id": nullable(integer("The recipient list.")), "segment_id": nullable(integer("The segment chosen as audience instead of a list (frozen into a list at launch).")), "message": str("SMS text with {{fields}}, or the WhatsApp template's name."),
			"flash": boolean(""), "extra_info": str(""), "scheduled_at": datetime("When sending starts."),
			"sent_count": integer("Messages the provider accepted."), "started_at": datetime(""), "finished_at": datetime(""),
			"last_error": str("Why the dispatcher paused it, if it did."), "created_at": datetime(""), "updated_at": datetime(""),
			"ab_test":  ref("ABTest"),
			"fallback": ref("Fallback"),
		}, "ab_test", "fallback"),
		"Fallback": object("A WhatsApp campaign's SMS fallback and what became of it (read-only; set in the console). Only on GET /campaigns/{id}.", doc{
			"text":          str("The SMS text with {{fields}}."),
			"wait_hours":    integer("Hours without a WhatsApp delivery before the SMS goes."),
			"fell_back":     integer("Recipients WhatsApp could not reach (or not in time) who got the SMS."),
			"sms_submitted": integer("Fallback SMS the provider accepted."),
			"sms_delivered": integer("Fallback SMS delivered to the handset."),
			"sms_failed":    integer("Fallback SMS not delivered."),
			"reached_any":   integer("Recipients delivered on either channel."),
		}),
		"ABTest": object("An SMS campaign's A/B test (read-only; set in the console). A share of the list tests the variants, split evenly; the rest gets the winner.", doc{
			"variants":   arr(object("", doc{"name": str("A, B, C or D; A is the campaign's message."), "message": str("SMS text with {{fields}}.")})),
			"share":      integer("Percent of the list in the test."),
			"criterion":  enum("How the scheduler judges the winner.", "delivery", "click", "reply"),
			"wait_hours": integer("Hours after the start before the scheduler chooses; 0 when chosen by hand."),
			"manual":     boolean("The winner is chosen by hand."),
			"winner":     nullable(str("The winning variant, once chosen.")),
		}),
		"CampaignCreate": input("A new campaign; list, message and schedule may come now or later.", doc{
			"name": str(""), "alias": str("Leave out to have one made from the name."), "channel": enum("", "sms", "whatsapp"),
			"list_id": integer(""), "segment_id": integer("A segment as the audience instead of a list."), "message": str("SMS text."), "flash": boolean(""), "extra_info": str(""),
			"whatsapp": ref("WhatsAppMessage"), "schedule": ref("Schedule"),
		}, "name", "channel"),
		"CampaignUpdate": input("Changes to a campaign: name and alias at any time the campaign allows; the rest while it is a draft.", doc{
			"name": str(""), "alias": str(""), "list_id": integer(""), "segment_id": integer("A segment as the audience instead of a list."), "message": str(""), "flash": boolean(""), "extra_info": str(""),
			"whatsapp": ref("WhatsAppMessage"),
		}),
		"WhatsAppMessage": doc{"type": "object", "description": "The WhatsApp message of a campaign (kind template, text, image, document, audio, location or contacts), as the campaign editor stores it.",
			"properties": doc{"kind": str("")}, "required": []string{"kind"}},
		"Schedule": input("When and how a campaign sends.", doc{
			"send_now": boolean("Start when launched."),
			"start_at": str("Wall time in zone, 2026-05-01T09:00."),
			"zone":     str("IANA zone; default America/Sao_Paulo."),
			"window":   input("", doc{"hours": arr(doc{"type": "integer", "minimum": 0, "maximum": 23}), "weekdays": arr(doc{"type": "integer", "minimum": 0, "maximum": 6})}),
			"expiry":   input("", doc{"at": str("RFC 3339 instant."), "in_minutes": doc{"type": "integer", "minimum": 0}, "date": str("2026-05-02: expires when that day ends in zone.")}),
		}),
		"Duplicate": input("Name and alias of the copy.", doc{"name": str(""), "alias": str("")}),
		"Progress": object("The dispatcher's counts.", doc{
			"campaign_id": integer(""), "state": str(""), "total": integer(""), "done": integer("Neither queued nor being sent."),
			"counts": doc{"type": "object", "additionalProperties": doc{"type": "integer"}, "description": "Messages by dispatch state."},
		}),
		"Report": object("The delivery report's figures.", doc{
			"campaign_id": integer(""), "recipients": integer(""),
			"funnel": arr(object("", doc{"key": str(""), "n": integer(""), "pct": number(""), "rate": number("")})),
			"queued": integer(""), "awaiting": integer(""), "no_receipt": integer(""), "unknown": integer(""),
			"replies": integer(""), "opt_outs": integer(""),
			"failures":               arr(object("", doc{"code": doc{"type": "integer"}, "name": str(""), "n": integer(""), "share": number("")})),
			"carriers":               arr(object("", doc{"name": str(""), "sent": integer(""), "delivered": integer(""), "failed": integer("")})),
			"latency_median_seconds": number(""), "latency_p90_seconds": number(""),
		}),
		"MessageResult": object("One recipient's result.", doc{
			"id": integer(""), "phone": str(""), "outcome": str(""), "carrier": str(""), "sent_code": doc{"type": "integer"},
			"delivered_code": doc{"type": "integer"}, "submitted_at": datetime(""), "sent_at": datetime(""), "delivered_at": datetime(""), "read_at": datetime(""),
		}),
		"List": object("A recipient list.", doc{
			"id": integer(""), "name": str(""), "file_name": str(""), "state": enum("", listStates...),
			"columns": arr(doc{"type": "string"}), "rows": doc{"type": "integer"}, "valid": doc{"type": "integer"}, "invalid": doc{"type": "integer"},
			"duplicates": doc{"type": "integer"}, "landlines": doc{"type": "integer"}, "suppressed": doc{"type": "integer"},
			"progress":   object("While importing.", doc{"rows": integer(""), "valid": integer(""), "bytes": integer(""), "total_bytes": integer("")}),
			"error_code": str(""), "error": str("Why it failed, in words."), "created_at": datetime(""),
		}, "progress"),
		"ListUpload": doc{"type": "object", "properties": doc{
			"file": doc{"type": "string", "contentMediaType": "application/octet-stream", "description": "CSV, TXT, TSV or XLSX."},
			"name": str(""), "phone_column": str("0-based column of the phone (detected when left out)."),
			"correlation_column": str("0-based column of a correlationId, or -1."), "has_header": str("true or false (detected when left out)."),
		}, "required": []string{"file"}},
		"Recipient": object("One row of a list.", doc{"row": doc{"type": "integer"}, "phone": str(""),
			"fields": doc{"type": "object", "additionalProperties": doc{"type": "string"}}}),
		"Template": object("An SMS template.", doc{
			"id": integer(""), "name": str(""), "channel": str(""), "body": str(""), "flash": boolean(""), "extra_info": str(""),
			"list_id": nullable(integer("Preview list.")), "created_at": datetime(""), "updated_at": datetime(""),
		}),
		"TemplateInput": input("A template's fields.", doc{"name": str(""), "body": str(""), "flash": boolean(""), "extra_info": str(""), "list_id": integer("")}),
		"SendMessage": input("One message to send now.", doc{
			"channel": enum("", "sms", "whatsapp"), "to": str("The number."), "text": str("SMS text, sent as written."),
			"template": input("An approved WhatsApp template.", doc{"namespace": str(""), "element_name": str(""), "language_code": str(""),
				"header_parameters": arr(doc{"type": "string"}), "body_parameters": arr(doc{"type": "string"})}, "namespace", "element_name", "language_code"),
			"correlation_id": str("Your own id (up to 64 characters), given back in answers and webhooks."),
		}, "channel", "to"),
		"Sent": object("A transactional message, stored and on its way.", doc{
			"id": str(""), "channel": str(""), "to": str(""), "correlation_id": str(""), "status": enum("", "queued", "suppressed", "sent", "cancelled"),
			"created_at": datetime(""),
		}),
		"TransactionalMessage": object("A transactional message and its delivery.", doc{
			"id": str(""), "channel": str(""), "to": str(""), "correlation_id": str(""), "status": enum("", "queued", "suppressed", "sent", "cancelled"),
			"created_at": datetime(""), "outcome": str(""), "carrier": str(""), "sent_code": doc{"type": "integer"}, "delivered_code": doc{"type": "integer"},
			"sent_at": datetime(""), "delivered_at": datetime(""), "read_at": datetime(""), "error": str(""),
		}),
		"Suppression": object("A number and whether it is on the suppression list.", doc{
			"phone": str(""), "suppressed": boolean(""), "reason": str(""), "note": str(""), "created_at": datetime(""),
		}),
		"SuppressionInput": input("", doc{"phone": str(""), "note": str("")}, "phone"),
		"Reply": object("A reply received.", doc{
			"id": integer(""), "channel": str(""), "phone": str(""), "profile_name": str(""), "kind": str(""), "text": str(""),
			"received_at": datetime(""), "campaign_id": nullable(integer("")), "message_id": nullable(integer("")), "opt_out": boolean(""),
		}),
		"Conversation": object("What was exchanged with a number, oldest first.", doc{"phone": str(""),
			"messages": arr(object("", doc{"direction": enum("", "in", "out"), "channel": str(""), "text": str(""), "at": datetime(""), "outcome": str("")}))}),
		"WebhookEvent": object("What a webhook receiver gets (POST, signed).", doc{
			"id": str(""), "type": enum("", outhook.Types...), "created_at": str(""), "data": doc{"type": "object"},
		}),
	}
	campaignPaths := doc{
		"/campaigns": doc{
			"get": op("listCampaigns", "campaigns", "List campaigns, newest first.", doc{"200": answer("A page.", pageSchema("Campaign"))},
				doc{"parameters": []doc{queryParam("q", "Name or alias contains.", doc{"type": "string"}), queryParam("archived", "true for archived ones.", doc{"type": "string"}), limitParamDoc, cursorParamDoc}}),
			"post": op("createCampaign", "campaigns", "Create a campaign (registered with the Campaign API first).",
				doc{"201": answer("Created.", ref("Campaign")), "409": ref404, "422": ref404, "502": ref404},
				merge(withIdem(), doc{"requestBody": jsonBody(ref("CampaignCreate"))})),
		},
		"/campaigns/{id}": doc{
			"parameters": []doc{idParamDoc},
			"get":        op("getCampaign", "campaigns", "One campaign.", doc{"200": answer("", ref("Campaign")), "404": ref404}, nil),
			"patch": op("updateCampaign", "campaigns", "Change a campaign.", doc{"200": answer("", ref("Campaign")), "404": ref404, "409": ref404, "422": ref404, "502": ref404},
				doc{"requestBody": jsonBody(ref("CampaignUpdate"))}),
		},
		"/campaigns/{id}/schedule": doc{"parameters": []doc{idParamDoc},
			"put": op("scheduleCampaign", "campaigns", "Set a draft's schedule.", doc{"200": answer("", ref("Campaign")), "404": ref404, "409": ref404, "422": ref404},
				doc{"requestBody": jsonBody(ref("Schedule"))})},
		"/campaigns/{id}/progress": doc{"parameters": []doc{idParamDoc},
			"get": op("campaignProgress", "campaigns", "Sending progress.", doc{"200": answer("", ref("Progress")), "404": ref404}, nil)},
		"/campaigns/{id}/report": doc{"parameters": []doc{idParamDoc},
			"get": op("campaignReport", "campaigns", "Report figures.", doc{"200": answer("", ref("Report")), "404": ref404}, nil)},
		"/campaigns/{id}/messages": doc{"parameters": []doc{idParamDoc},
			"get": op("campaignMessages", "campaigns", "Per-recipient results, in sending order.", doc{"200": answer("", pageSchema("MessageResult")), "404": ref404},
				doc{"parameters": []doc{queryParam("outcome", "Only this outcome.", enum("", store.OutcomeFilters...)), limitParamDoc, cursorParamDoc}})},
	}
	for _, action := range []struct{ name, summary string }{
		{"launch", "Run the pre-flight check and schedule the campaign (now when send_now)."},
		{"pause", "Pause a running campaign."}, {"resume", "Resume a paused campaign."}, {"cancel", "Cancel a campaign for good."},
	} {
		campaignPaths["/campaigns/{id}/"+action.name] = doc{"parameters": []doc{idParamDoc},
			"post": op(action.name+"Campaign", "campaigns", action.summary, doc{"200": answer("", ref("Campaign")), "404": ref404, "409": ref404, "422": ref404}, withIdem())}
	}
	campaignPaths["/campaigns/{id}/duplicate"] = doc{"parameters": []doc{idParamDoc},
		"post": op("duplicateCampaign", "campaigns", "A new draft like this campaign.", doc{"201": answer("", ref("Campaign")), "404": ref404, "409": ref404, "422": ref404, "502": ref404},
			merge(withIdem(), doc{"requestBody": doc{"required": false, "content": doc{"application/json": doc{"schema": ref("Duplicate")}}}}))}
	paths := doc{
		"/lists": doc{
			"get": op("listLists", "lists", "List recipient lists, newest first.", doc{"200": answer("", pageSchema("List"))},
				doc{"parameters": []doc{queryParam("state", "Only lists in this state.", enum("", listStates...)), limitParamDoc, cursorParamDoc}}),
			"post": op("uploadList", "lists", "Upload a file and import it in the background (413 when larger than the limit, before it is read).",
				doc{"202": answer("Importing.", ref("List")), "413": ref404, "422": ref404},
				merge(withIdem(), doc{"requestBody": doc{"required": true, "content": doc{"multipart/form-data": doc{"schema": ref("ListUpload")}}}})),
		},
		"/lists/{id}": doc{"parameters": []doc{idParamDoc},
			"get":    op("getList", "lists", "One list and its import status.", doc{"200": answer("", ref("List")), "404": ref404}, nil),
			"delete": op("deleteList", "lists", "Delete a list no campaign sends from.", doc{"204": doc{"description": "Deleted."}, "404": ref404, "409": ref404}, nil)},
		"/lists/{id}/rows": doc{"parameters": []doc{idParamDoc},
			"get": op("listRows", "lists", "A ready list's recipients, in file order.", doc{"200": answer("", pageSchema("Recipient")), "404": ref404, "409": ref404},
				doc{"parameters": []doc{queryParam("q", "Digits of the number, or text of a field.", doc{"type": "string"}), limitParamDoc, cursorParamDoc}})},
		"/templates": doc{
			"get":  op("listTemplates", "templates", "List SMS templates.", doc{"200": answer("", pageSchema("Template"))}, doc{"parameters": []doc{limitParamDoc, cursorParamDoc}}),
			"post": op("createTemplate", "templates", "Create a template.", doc{"201": answer("", ref("Template")), "422": ref404}, merge(withIdem(), doc{"requestBody": jsonBody(ref("TemplateInput"))})),
		},
		"/templates/{id}": doc{"parameters": []doc{idParamDoc},
			"get":    op("getTemplate", "templates", "One template.", doc{"200": answer("", ref("Template")), "404": ref404}, nil),
			"patch":  op("updateTemplate", "templates", "Change a template.", doc{"200": answer("", ref("Template")), "404": ref404, "422": ref404}, doc{"requestBody": jsonBody(ref("TemplateInput"))}),
			"delete": op("deleteTemplate", "templates", "Delete a template.", doc{"204": doc{"description": "Deleted."}, "404": ref404}, nil)},
		"/messages": doc{
			"post": op("sendMessage", "messages", "Send one SMS or WhatsApp template now (stored durably before the answer; sent by the dispatcher, exactly once).",
				doc{"202": answer("Stored and on its way.", ref("Sent")), "409": ref404, "422": ref404},
				merge(withIdem(), doc{"requestBody": jsonBody(ref("SendMessage"))}))},
		"/messages/{id}": doc{"parameters": []doc{pathParam("id", "The message's id (msg_...).", doc{"type": "string"})},
			"get": op("getMessage", "messages", "A transactional message and its delivery.", doc{"200": answer("", ref("TransactionalMessage")), "404": ref404}, nil)},
		"/suppressions": doc{
			"post": op("addSuppression", "suppression", "Put a number on the suppression list.", doc{"200": answer("It was there already.", ref("Suppression")), "201": answer("Added.", ref("Suppression")), "422": ref404},
				merge(withIdem(), doc{"requestBody": jsonBody(ref("SuppressionInput"))}))},
		"/suppressions/{phone}": doc{"parameters": []doc{phoneParamDoc},
			"get":    op("checkSuppression", "suppression", "Whether a number is on the suppression list.", doc{"200": answer("", ref("Suppression"))}, nil),
			"delete": op("removeSuppression", "suppression", "Take a number off the list.", doc{"204": doc{"description": "Removed."}, "404": ref404}, nil)},
		"/inbox": doc{
			"get": op("listReplies", "inbox", "Replies received, newest first.", doc{"200": answer("", pageSchema("Reply"))},
				doc{"parameters": []doc{queryParam("q", "Number or text.", doc{"type": "string"}), queryParam("channel", "", enum("", "sms", "whatsapp")),
					queryParam("opt_out", "true for opt-outs only.", doc{"type": "string"}), limitParamDoc, cursorParamDoc}})},
		"/inbox/{phone}": doc{"parameters": []doc{phoneParamDoc},
			"get": op("getConversation", "inbox", "One number's conversation.", doc{"200": answer("", ref("Conversation"))}, nil)},
	}
	for k, v := range campaignPaths {
		paths[k] = v
	}
	addContactsOpenAPI(schemas, paths)
	return doc{
		"openapi": "3.1.0",
		"info": doc{"title": "Arauto API", "version": "1.0.0",
			"description": "Campaigns, lists, templates, transactional messages, the suppression list and the inbox of an Arauto console. " +
				"Authenticate with an API token (made by an admin under Automation → API tokens) as `Authorization: Bearer <token>`. Errors always have the Error shape; " +
				"listings page with next_cursor; every POST accepts an Idempotency-Key (a replay gets the first answer, and nothing is done twice). " +
				"Webhook receivers get WebhookEvent bodies signed in X-Arauto-Signature: t=<unix>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">."},
		"servers":  []doc{{"url": apiPrefix}},
		"security": []doc{{"bearer": []string{}}},
		"tags":     []doc{{"name": "campaigns"}, {"name": "lists"}, {"name": "templates"}, {"name": "messages"}, {"name": "suppression"}, {"name": "inbox"}, {"name": "contacts"}, {"name": "segments"}},
		"paths":    paths,
		"components": doc{
			"schemas":         schemas,
			"securitySchemes": doc{"bearer": doc{"type": "http", "scheme": "bearer", "description": "An API token made by an admin."}},
			"parameters": doc{"IdempotencyKey": doc{"name": "Idempotency-Key", "in": "header", "required": false,
				"description": "Any unique string (up to 255 printable characters): a request sent again with the same key gets the first answer.", "schema": doc{"type": "string"}}},
			"responses": doc{"Error": answer("An error: code, message and the field at fault.", ref("Error"))},
		},
	}
}

// merge adds other's keys to d.
func merge(d, other doc) doc {
	for k, v := range other {
		d[k] = v
	}
	return d
}

var openAPIOnce = sync.OnceValue(func() []byte {
	b, err := json.MarshalIndent(buildOpenAPI(), "", "  ")
	if err != nil {
		panic("web: openapi document: " + err.Error())
	}
	return b
})

// OpenAPIDocument is the API's OpenAPI 3.1 document.
func OpenAPIDocument() []byte { return openAPIOnce() }

func (s *Server) openAPIDocument(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(OpenAPIDocument())
}
