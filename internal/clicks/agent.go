package clicks

import "strings"

// previewAgents are the user agents of link-preview fetchers (unfurlers)
// and crawlers, lower-cased: WhatsApp, Facebook (also iMessage, which
// announces itself as facebookexternalhit and Twitterbot), Apple, Slack,
// Twitter/X, Telegram, Discord, LinkedIn, Skype, Google, and the generic
// words crawlers use.
var previewAgents = []string{
	"whatsapp", "facebookexternalhit", "facebot", "applebot", "imessage", "slackbot", "slack-imgproxy",
	"twitterbot", "telegrambot", "discordbot", "linkedinbot", "skypeuripreview", "googlebot",
	"bot", "preview", "crawler", "spider", "curl/", "wget/", "python-requests", "go-http-client",
}

// PreviewAgent reports whether a request with this User-Agent is a link
// preview or a crawler rather than a person: a known unfurler, anything
// calling itself a bot, preview, crawler or spider, a command-line client,
// or no user agent at all (every browser sends one).
func PreviewAgent(ua string) bool {
	ua = strings.ToLower(strings.TrimSpace(ua))
	if ua == "" {
		return true
	}
	for _, a := range previewAgents {
		if strings.Contains(ua, a) {
			return true
		}
	}
	return false
}
