// Package sandbox is an in-process simulator of the Wavy / Sinch messaging
// API (api-messaging.wavy.global) and its Campaign API (apigw.wavy.global),
// written from the seeds in shared/seeds independently of internal/wavy so
// that it catches the client's misreadings. It is the product's default
// provider and the server behind `arauto sandbox`.
//
// Contract:
//
//   - A *Sandbox is an http.Handler serving, on one mux, the SMS API
//     (/v1/send-sms GET and POST, /v1/send-bulk-sms, /v1/sms/status/search,
//     /v1/sms/status/list, /v1/sms/receive/list and /search), the carrier
//     lookup (/v1/carrier/lookup), the WhatsApp API (/v1/whatsapp/send,
//     /v1/session) and the Campaign API (/api/v1/campaigns[/{id}],
//     /api/v1/campaign/{id}). Requests are validated as documented: 400 for
//     missing destination or messageText, more than 1000 messages, texts
//     over 1280 characters (counted by sms.Length, in UTF-16 units as the
//     Java backend does), correlationIds over 64, extraInfo over 255,
//     conflicting expiry or scheduling fields; 401 for bad UserName /
//     AuthenticationToken headers; 429 past 700 requests/s per IP, and past
//     1 status query/s per IP; 404 (JSON) for unknown paths; 405 for wrong
//     methods.
//   - The network is simulated deterministically: carriers come from a hash
//     of the number, outcomes, delays and replies from Options.Seed plus the
//     correlationId (or the number). OI and Sercomtel numbers never get a
//     delivery report. Opt-out replies (SAIR) block later sends to the number
//     with status 204. Free-form WhatsApp messages fail with 210
//     INVALID_SESSION unless the recipient opened a session by replying in
//     the last 24 hours (or Options.WhatsAppOpenSessions is set).
//     Options.WhatsAppUnreachable (--whatsapp-unreachable) makes a share of
//     numbers, chosen by a hash of the number, users without WhatsApp: 202
//     on every WhatsApp send, SMS as usual (for the SMS fallback).
//     expiresDate and scheduledDate are read in the request's timeZone,
//     or in the account's zone (America/Sao_Paulo) without one.
//   - Every documented status code, and every WhatsApp reply type
//     (text, button with payload, image, audio, document, location with
//     address, contacts, text from an ad with its referral), can be asked
//     for deterministically with the magic numbers 55 DD 97777 0CCC and
//     55 DD 97777 1KKK (magic.go lists them). Options.NoCreditAfter (and
//     SetNoCreditAfter, CreditPath, --no-credit-after) makes every SMS
//     after the first N get 201 NO_CREDIT until credit is given back.
//   - Webhooks (SMS callbacks and DLRs to StatusURL, SMS MOs to MOURL,
//     WhatsApp statuses and MOs to WhatsAppURL) are posted as JSON in the
//     seeds' shapes by one scheduler goroutine and a fixed pool of workers,
//     retried with exponential backoff and dropped after
//     Options.WebhookAttempts tries. No goroutine runs unless a webhook URL
//     is configured; Close stops them all and waits.
//   - The status and MO endpoints report what the simulation has reached at
//     Options.Now, so they work without any webhook.
//   - The ledger (Ledger, SentCount, Messages, Inbound, Campaigns) lets tests
//     assert exactly-once sending and the planned outcomes. Faults (SetFaults)
//     inject 429/500/503 answers, latency and accept-then-500.
//   - Memory is bounded: a day after the provider's three-day status
//     horizon (in the sandbox's own time) the ledger forgets messages,
//     their strings and correlationIds, in chunks (prune.go); Messages
//     lists those kept and Ledger counts the Pruned. `arauto sandbox` keeps
//     the ledger outside the Go heap (Options.OffHeapLedger, offheap.go)
//     and sets a soft memory limit of 96 MB on what is left unless
//     GOMEMLIMIT says otherwise.
//   - The SFTP door (ServeSFTP, `arauto sandbox --sftp-addr`) is an SSH
//     server with a generated host key, the API's username and token as
//     credentials, and an in-memory home with upload, success and error.
//     A file landing in upload is validated whole (internal/batchfile: the
//     SMS and WhatsApp template layouts); a valid one has every row accepted
//     into the ledger like an HTTPS send and moves to success, an invalid
//     one moves to error with its problems in error/<name>.log, and nothing
//     of it is sent.
//   - ServeSMPP adds Wavy's SMPP 3.4 door (smpp.go, smpp_deliver.go) on
//     any listener (tls.NewListener for TLS; `arauto sandbox --smpp-addr`
//     serves plain TCP): binds with system_id Username, password Token and
//     system_type MovileSMSC; submit_sm validated like the HTTPS API and
//     entered into the same ledger (one message per part of a concatenated
//     text, each with the correlationId of TLV 0x1400), so the status
//     search finds them and their fates, carriers and timing are planned
//     alike; receipts (first level ACCEPTD/REJECTD/EXPIRED, second level
//     DELIVRD/UNDELIV, with stat/err and the TLVs 0x1403-0x1406 of the
//     seeds' table) and replies to messages whose source was the system_id
//     go back as deliver_sm to the binds that receive, round robin, held
//     until one is bound and sent again when refused. SMPP messages get no
//     webhooks. 80 submit_sm a second per bind (Options.SMPPRate) and a
//     window of 10 are enforced with ESME_RTHROTTLED and ESME_RMSGQFUL;
//     Faults inject throttling, slow answers and connections dropped
//     mid-window after the message was recorded; DropSMPPBinds cuts binds
//     and SMPPStats counts what happened.
//   - All methods are safe for concurrent use.
package sandbox
