package web

import (
	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/user"
)

// public marks routes anyone may reach (sign-in and set-up pages).
const public user.Role = ""

type route struct {
	method  string
	path    string
	role    user.Role // minimum role; public for none
	handler fiber.Handler
}

// routes registers every route of the console in one list, each with the
// least role that may use it. A viewer reaches only GET pages; marketers
// change campaigns, lists and templates; admins manage users and settings.
func (s *Server) routes() {
	app := s.app
	app.Use(s.observe, s.securityHeaders, s.limitBody)

	// No session, no CSRF: machines and assets.
	app.Get("/healthz", s.healthz)
	// Short links of tracked campaigns: recipients' phones, no session.
	app.Get("/r/:code", s.shortLink)
	app.Get("/static/*", serveStatic)
	app.Post("/webhooks/wavy/:secret/:kind", s.webhook)
	app.Get("/webhooks/wavy/:secret/:kind", s.webhookQuery) // SMS replies forwarded by GET

	// The REST API (api*.go): a bearer token instead of the session
	// cookie, the same least roles as the pages, and every POST honours
	// an Idempotency-Key. Contacts and segments join here with the
	// contacts work (issue 16); replying from the inbox with the inbox
	// reply feature.
	app.Get(apiPrefix+"/openapi.json", s.openAPIDocument)
	api := []apiRoute{
		{"GET", "/campaigns", user.Viewer, idemNone, s.apiCampaigns},
		{"POST", "/campaigns", user.Marketer, idemStored, s.apiCreateCampaign},
		{"GET", "/campaigns/:id", user.Viewer, idemNone, s.apiCampaign},
		{"PATCH", "/campaigns/:id", user.Marketer, idemNone, s.apiUpdateCampaign},
		{"PUT", "/campaigns/:id/schedule", user.Marketer, idemNone, s.apiScheduleCampaign},
		{"POST", "/campaigns/:id/launch", user.Marketer, idemStored, s.apiLaunchCampaign},
		{"POST", "/campaigns/:id/pause", user.Marketer, idemStored, s.apiCampaignControl(audit.CampaignPaused)},
		{"POST", "/campaigns/:id/resume", user.Marketer, idemStored, s.apiCampaignControl(audit.CampaignResumed)},
		{"POST", "/campaigns/:id/cancel", user.Marketer, idemStored, s.apiCampaignControl(audit.CampaignCancelled)},
		{"POST", "/campaigns/:id/duplicate", user.Marketer, idemStored, s.apiDuplicateCampaign},
		{"GET", "/campaigns/:id/progress", user.Viewer, idemNone, s.apiCampaignProgress},
		{"GET", "/campaigns/:id/report", user.Viewer, idemNone, s.apiCampaignReport},
		{"GET", "/campaigns/:id/messages", user.Viewer, idemNone, s.apiCampaignMessages},

		{"GET", "/lists", user.Viewer, idemNone, s.apiLists},
		{"POST", "/lists", user.Marketer, idemStored, s.apiUploadList},
		{"GET", "/lists/:id", user.Viewer, idemNone, s.apiList},
		{"GET", "/lists/:id/rows", user.Viewer, idemNone, s.apiListRows},
		{"DELETE", "/lists/:id", user.Marketer, idemNone, s.apiDeleteList},

		{"GET", "/templates", user.Viewer, idemNone, s.apiTemplates},
		{"POST", "/templates", user.Marketer, idemStored, s.apiCreateTemplate},
		{"GET", "/templates/:id", user.Viewer, idemNone, s.apiTemplate},
		{"PATCH", "/templates/:id", user.Marketer, idemNone, s.apiUpdateTemplate},
		{"DELETE", "/templates/:id", user.Marketer, idemNone, s.apiDeleteTemplate},

		{"POST", "/messages", user.Marketer, idemOwn, s.apiSendMessage},
		{"GET", "/messages/:id", user.Viewer, idemNone, s.apiMessage},

		{"GET", "/suppressions/:phone", user.Viewer, idemNone, s.apiCheckSuppression},
		{"POST", "/suppressions", user.Marketer, idemStored, s.apiAddSuppression},
		{"DELETE", "/suppressions/:phone", user.Marketer, idemNone, s.apiRemoveSuppression},

		{"GET", "/inbox", user.Viewer, idemNone, s.apiInbox},
		{"GET", "/inbox/:phone", user.Viewer, idemNone, s.apiConversation},
		{"GET", "/conversations/:phone/replies", user.Viewer, idemNone, s.apiReplies},
		{"POST", "/conversations/:phone/replies", user.Marketer, idemStored, s.apiReply},

		{"GET", "/contacts", user.Viewer, idemNone, s.apiContacts},
		{"GET", "/contacts/:phone", user.Viewer, idemNone, s.apiContact},
		{"GET", "/segments", user.Viewer, idemNone, s.apiSegments},
		{"POST", "/segments", user.Marketer, idemStored, s.apiCreateSegment},
		{"GET", "/segments/:id", user.Viewer, idemNone, s.apiSegment},
		{"PATCH", "/segments/:id", user.Marketer, idemNone, s.apiUpdateSegment},
		{"DELETE", "/segments/:id", user.Marketer, idemNone, s.apiDeleteSegment},
		{"GET", "/segments/:id/count", user.Viewer, idemNone, s.apiSegmentCount},
	}
	for _, r := range api {
		h := r.handler
		if r.idem == idemStored {
			h = s.idempotent(h)
		}
		app.Add(r.method, apiPrefix+r.path, s.apiLanguage, s.apiAuth, s.requireToken(r.role), h)
	}
	app.Use(apiPrefix, s.apiLanguage, func(c *fiber.Ctx) error { return fiber.ErrNotFound })

	app.Use(s.withSession, s.csrf, s.setupGate)
	// Fiber matches in this order: fixed paths before :id ones.
	list := []route{
		{"GET", "/setup", public, s.setupPage},
		{"POST", "/setup", public, s.setup},
		{"GET", "/login", public, s.loginPage},
		{"POST", "/login", public, s.login},
		{"POST", "/logout", public, s.logout},
		{"POST", "/language", public, s.setLanguage},

		{"GET", "/", user.Viewer, s.dashboard},

		{"GET", "/account", user.Viewer, s.accountPage},
		{"POST", "/account/password", user.Viewer, s.changePassword},
		{"POST", "/account/timezone", user.Viewer, s.saveUserZone},

		{"GET", "/users", user.Admin, s.usersPage},
		{"POST", "/users", user.Admin, s.createUser},
		{"POST", "/users/:id/role", user.Admin, s.setUserRole},
		{"POST", "/users/:id/disabled", user.Admin, s.setUserDisabled},
		{"POST", "/users/:id/password", user.Admin, s.resetUserPassword},

		{"GET", "/settings", user.Admin, s.settingsPage},
		{"POST", "/settings/provider", user.Admin, s.saveProvider},
		{"POST", "/settings/test", user.Admin, s.testConnection},
		{"POST", "/settings/optout", user.Admin, s.saveOptOut},
		{"POST", "/settings/polling", user.Admin, s.savePolling},
		{"POST", "/settings/timezone", user.Admin, s.saveOrgZone},
		{"POST", "/settings/frequency", user.Admin, s.saveFrequency},
		{"POST", "/settings/optin", user.Admin, s.saveOptIn},
		// The doors to Wavy: HTTPS, SMPP, SFTP (settings_transport.go).
		{"POST", "/settings/transport/door", user.Admin, s.saveDoors},
		{"POST", "/settings/transport/smpp", user.Admin, s.saveSMPP},
		{"POST", "/settings/transport/sftp", user.Admin, s.saveSFTP},
		{"POST", "/settings/transport/test/smpp", user.Admin, s.testSMPP},
		{"POST", "/settings/transport/test/sftp", user.Admin, s.testSFTP},
		{"POST", "/settings/transport/sftp/forget-key", user.Admin, s.forgetHostKey},
		{"POST", "/settings/billing", user.Admin, s.saveBilling},
		{"POST", "/settings/breaker", user.Admin, s.saveBreaker},
		{"POST", "/settings/clicks", user.Admin, s.saveClickSettings},
		{"POST", "/settings/whatsapp", user.Admin, s.saveWhatsAppSettings},
		// Storage and retention (storage.go).
		{"GET", "/settings/storage", user.Admin, s.storageCard},
		{"POST", "/settings/retention", user.Admin, s.saveRetention},
		{"POST", "/settings/retention/run", user.Admin, s.pruneNow},
		{"POST", "/settings/compact", user.Admin, s.compactNow},

		// Automation (tokens.go, outhooks.go, audit.go, apidocs.go): API
		// tokens, outgoing webhooks and their delivery log, the audit log.
		{"GET", "/automation", user.Admin, s.automationPage},
		{"GET", "/automation/tokens", user.Admin, s.tokensPage},
		{"POST", "/automation/tokens", user.Admin, s.createToken},
		{"POST", "/automation/tokens/:id/revoke", user.Admin, s.revokeToken},
		{"GET", "/automation/webhooks", user.Admin, s.outhooksPage},
		{"POST", "/automation/webhooks", user.Admin, s.createOuthook},
		{"GET", "/automation/webhooks/:id", user.Admin, s.outhookPage},
		{"POST", "/automation/webhooks/:id", user.Admin, s.updateOuthook},
		{"POST", "/automation/webhooks/:id/rotate", user.Admin, s.rotateOuthook},
		{"POST", "/automation/webhooks/:id/delete", user.Admin, s.deleteOuthook},
		{"POST", "/automation/webhooks/:id/deliveries/:delivery/retry", user.Admin, s.retryOuthookDelivery},
		{"GET", "/audit", user.Admin, s.auditPage},
		{"GET", "/audit/export.csv", user.Admin, s.exportAuditCSV},
		{"GET", "/api-docs", user.Viewer, s.apiDocsPage},

		// Campaigns (campaigns.go): every change of the campaign itself
		// goes to the Campaign API on apigw first.
		{"GET", "/campaigns", user.Viewer, s.campaignsPage},
		{"GET", "/campaigns/new", user.Marketer, s.newCampaignPage},
		{"GET", "/campaigns/alias", user.Marketer, s.suggestAlias},
		{"POST", "/campaigns", user.Marketer, s.createCampaign},
		{"POST", "/campaigns/sync", user.Marketer, s.syncCampaigns},
		{"GET", "/campaigns/:id", user.Viewer, s.campaignPage},
		{"GET", "/campaigns/:id/edit", user.Marketer, s.editCampaignPage},
		{"POST", "/campaigns/:id", user.Marketer, s.updateCampaign},
		{"POST", "/campaigns/:id/archive", user.Marketer, s.archiveCampaign},
		{"POST", "/campaigns/:id/delete", user.Marketer, s.deleteCampaign},
		// Reusing a campaign (campaign_reuse.go).
		{"GET", "/campaigns/:id/duplicate", user.Marketer, s.duplicateCampaignPage},
		{"POST", "/campaigns/:id/duplicate", user.Marketer, s.duplicateCampaign},
		{"POST", "/campaigns/:id/non-responders", user.Marketer, s.reuseNonResponders},
		{"POST", "/campaigns/:id/non-clickers", user.Marketer, s.reuseNonClickers},
		// Test sends to one's own numbers (testsend.go).
		{"POST", "/campaigns/:id/test", user.Marketer, s.sendTest},
		{"POST", "/account/test-numbers", user.Marketer, s.saveTestSeeds},
		// Preparing a draft (campaign_editors.go, whatsapp.go).
		{"GET", "/campaigns/:id/list", user.Marketer, s.campaignListPage},
		{"POST", "/campaigns/:id/list", user.Marketer, s.saveCampaignList},
		{"GET", "/campaigns/:id/message", user.Marketer, s.campaignMessagePage},
		{"POST", "/campaigns/:id/message", user.Marketer, s.saveCampaignMessage},
		{"POST", "/campaigns/:id/whatsapp/preview", user.Marketer, s.previewWhatsApp},
		{"POST", "/campaigns/:id/whatsapp/library", user.Marketer, s.useLibraryTemplate},
		// A WhatsApp campaign's SMS fallback (fallback.go).
		{"GET", "/campaigns/:id/fallback", user.Marketer, s.campaignFallbackPage},
		{"POST", "/campaigns/:id/fallback", user.Marketer, s.saveCampaignFallback},
		// An SMS campaign's A/B test (abtest.go).
		{"GET", "/campaigns/:id/abtest", user.Marketer, s.campaignABTestPage},
		{"POST", "/campaigns/:id/abtest", user.Marketer, s.saveCampaignABTest},
		{"GET", "/campaigns/:id/abtest/variant/:v", user.Marketer, s.campaignABVariantPage},
		{"POST", "/campaigns/:id/abtest/variant/:v", user.Marketer, s.saveCampaignABVariant},
		{"POST", "/campaigns/:id/abtest/choose", user.Marketer, s.chooseABWinner},
		{"POST", mediaUploadPath, user.Marketer, s.uploadWhatsAppMedia},
		{"GET", "/campaigns/:id/schedule", user.Marketer, s.campaignSchedulePage},
		{"POST", "/campaigns/:id/schedule", user.Marketer, s.saveCampaignSchedule},
		{"POST", "/campaigns/:id/schedule/preview", user.Marketer, s.previewCampaignSchedule},
		// Launching and driving the dispatcher (campaign_launch.go), live
		// progress (campaign_progress.go).
		{"GET", "/campaigns/:id/review", user.Viewer, s.campaignReviewPage},
		{"POST", "/campaigns/:id/launch", user.Marketer, s.launchCampaign},
		{"POST", "/campaigns/:id/unschedule", user.Marketer, s.unscheduleCampaign},
		{"POST", "/campaigns/:id/pause", user.Marketer, s.pauseCampaign},
		{"POST", "/campaigns/:id/resume", user.Marketer, s.resumeCampaign},
		{"POST", "/campaigns/:id/cancel", user.Marketer, s.cancelCampaign},
		{"GET", "/campaigns/:id/progress", user.Viewer, s.campaignProgress},
		{"GET", "/campaigns/:id/events", user.Viewer, s.campaignEvents},
		{"GET", "/campaigns/:id/sftp-file", user.Marketer, s.campaignFile},
		// Reports and exports (report.go, export.go).
		{"GET", "/campaigns/:id/report", user.Viewer, s.reportPage},
		{"GET", "/campaigns/:id/report/live", user.Viewer, s.reportLive},
		{"GET", "/campaigns/:id/report/events", user.Viewer, s.reportEvents},
		{"GET", "/campaigns/:id/report/export.csv", user.Viewer, s.exportCSV},
		{"GET", "/campaigns/:id/report/export.xlsx", user.Viewer, s.exportXLSX},

		// Recipient lists (lists.go, carriers.go).
		{"GET", "/lists", user.Viewer, s.listsPage},
		{"POST", "/lists", user.Marketer, s.uploadList},
		{"GET", "/lists/:id", user.Viewer, s.listPage},
		{"GET", "/lists/:id/mapping", user.Marketer, s.mappingPage},
		{"POST", "/lists/:id/import", user.Marketer, s.importList},
		{"GET", "/lists/:id/events", user.Viewer, s.listEvents},
		{"GET", "/lists/:id/rejected.xlsx", user.Viewer, s.rejectedXLSX},
		{"POST", "/lists/:id/delete", user.Marketer, s.deleteList},
		{"POST", "/lists/:id/carriers", user.Marketer, s.checkCarriers},

		// Message templates and the composer (templates.go, compose.go).
		{"GET", "/templates", user.Viewer, s.templatesPage},
		// The WhatsApp template library (walibrary.go), before /templates/:id.
		{"GET", "/templates/whatsapp", user.Viewer, s.libraryPage},
		{"GET", "/templates/whatsapp/new", user.Marketer, s.newLibraryPage},
		{"POST", "/templates/whatsapp", user.Marketer, s.createLibraryTemplate},
		{"GET", "/templates/whatsapp/:id", user.Viewer, s.libraryTemplatePage},
		{"POST", "/templates/whatsapp/:id", user.Marketer, s.updateLibraryTemplate},
		{"POST", "/templates/whatsapp/:id/delete", user.Marketer, s.deleteLibraryTemplate},
		{"GET", "/templates/new", user.Marketer, s.newTemplatePage},
		{"POST", "/templates", user.Marketer, s.createTemplate},
		{"GET", "/templates/:id", user.Viewer, s.templatePage},
		{"POST", "/templates/:id", user.Marketer, s.updateTemplate},
		{"POST", "/templates/:id/delete", user.Marketer, s.deleteTemplate},
		{"POST", "/compose/count", user.Marketer, s.composeCount},
		{"POST", "/compose/transliterate", user.Marketer, s.composeTransliterate},
		{"GET", "/compose/fields", user.Marketer, s.composeFields},
		{"GET", "/compose/template", user.Marketer, s.composeTemplate},
		{"POST", "/compose/cost", user.Marketer, s.composeCost},

		// The contact book, its segments and the data subject requests
		// (contacts.go, segments.go, privacy.go).
		{"GET", "/contacts", user.Viewer, s.contactsPage},
		{"GET", "/contacts/segments", user.Viewer, s.segmentsPage},
		{"GET", "/contacts/segments/new", user.Marketer, s.newSegmentPage},
		{"POST", "/contacts/segments", user.Marketer, s.createSegment},
		{"POST", "/contacts/segments/preview", user.Marketer, s.previewSegment},
		{"POST", "/contacts/segments/editor", user.Marketer, s.editSegmentRules},
		{"GET", "/contacts/segments/:id", user.Viewer, s.segmentPage},
		{"GET", "/contacts/segments/:id/count", user.Viewer, s.segmentCount},
		{"POST", "/contacts/segments/:id", user.Marketer, s.updateSegment},
		{"POST", "/contacts/segments/:id/delete", user.Marketer, s.deleteSegment},
		{"GET", "/contacts/privacy", user.Admin, s.privacyPage},
		{"POST", "/contacts/privacy/export", user.Admin, s.exportNumber},
		{"POST", "/contacts/privacy/erase", user.Admin, s.eraseNumber},
		{"GET", "/contacts/:phone", user.Viewer, s.contactPage},

		// Replies and the suppression list (inbox.go, suppression.go).
		{"GET", "/inbox", user.Viewer, s.inboxPage},
		{"GET", "/inbox/:phone", user.Viewer, s.conversationPage},
		{"GET", "/inbox/:phone/events", user.Viewer, s.conversationEvents},
		// Answering, assigning and closing a conversation (inbox_answer.go).
		{"POST", "/inbox/:phone/answer", user.Marketer, s.answerReply},
		{"POST", "/inbox/:phone/assign", user.Marketer, s.assignConversation},
		{"POST", "/inbox/:phone/close", user.Marketer, s.closeConversation},
		{"POST", "/inbox/:phone/reopen", user.Marketer, s.reopenConversation},
		{"GET", "/suppression", user.Viewer, s.suppressionPage},
		{"POST", "/suppression", user.Marketer, s.addSuppression},
		{"POST", "/suppression/import", user.Marketer, s.importSuppressions},
		{"GET", "/suppression/export.csv", user.Viewer, s.exportSuppressionsCSV},
		{"GET", "/suppression/export.xlsx", user.Viewer, s.exportSuppressionsXLSX},
		{"POST", "/suppression/:phone/delete", user.Marketer, s.removeSuppression},
	}
	for _, r := range list {
		handlers := []fiber.Handler{r.handler}
		if r.role != public {
			handlers = []fiber.Handler{s.require(r.role), r.handler}
		}
		app.Add(r.method, r.path, handlers...)
	}
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
