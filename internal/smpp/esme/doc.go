// Package esme is Arauto's SMPP 3.4 client for Wavy (an ESME, External
// Short Message Entity, in SMPP's terms): a pool of binds that submits
// SMS and turns the receipts and MOs that come back into the values the
// HTTPS webhooks produce. internal/smpp is its wire format;
// internal/dispatch/smppsender adapts it to the dispatcher.
//
// # What the seeds fix, and where it lives
//
//   - Transport: TLS to port 2444 (Config.TLS; certificates verified,
//     ServerName the host) or plain TCP to a configured host and port for
//     the VPN (2443) or a local TLS proxy. The host should be a name: every
//     (re)connect resolves it and bind i takes address i modulo their
//     number, moving to the next address after a failed attempt, so binds
//     spread over Wavy's proxies.
//   - Binds: Binds (default 4, the seeds' minimum) transceivers, or as many
//     transmitters plus ReceiverBinds receivers; system_type MovileSMSC;
//     interface_version 0x34; addr_ton/npi 1/1 everywhere; source address
//     = system_id unless set, which the seeds require for MOs to come back.
//   - Flow: a window of 10 submit_sm awaiting answers per bind; at most 80
//     submit_sm a second per bind (a token bucket of one, so never a
//     burst); Capacity() = Binds x Rate = 320 a second, and Parts(text)
//     the submit_sm a text costs: a campaign's ETA is the sum of its parts
//     over Capacity. enquire_link every 30 s (the seeds allow 30-59); a
//     peer silent past the interval plus twice ResponseTimeout is dead.
//   - ESME_RTHROTTLED and ESME_RMSGQFUL pause the bind (250 ms, doubling
//     per episode up to 8 s, reset by the next acceptance) and the refused
//     part is written again, on any bind, until the caller's deadline. A
//     dropped bind reconnects at once; failed attempts and repeated quick
//     losses back off from ReconnectMin (1 s) to ReconnectMax (1 min).
//   - Messages: text coded and split by internal/smpp (GSM-7 basic table,
//     otherwise UCS-2, or Latin-1 if enabled; flash as 0x10/0x18; UDH
//     concatenation, 8-bit references unless Ref16), registered_delivery 1,
//     validity_period the message's expiry as an absolute UTC time or 24 h
//     relative by default. Texts over 1280 characters (Wavy's limit,
//     internal/sms.MaxLength) are refused before the wire. The SMSC's
//     message_id is a UUID at Wavy; the server's time zone is UTC.
//
// # The correlationId over SMPP (decision)
//
// The seeds give the correlationId only for HTTPS and SFTP, and describe
// SMPP without it; yet exactly-once needs it: a submit_sm in flight when
// a connection drops (or the process dies) has no message_id, and the only
// way to learn whether Wavy has it is the status search by correlationId
// (POST /v1/sms/status/search). The text cannot carry it (it reaches the
// handset), so it travels as an optional parameter: a C-octet string of at
// most 64 characters in TLV 0x1400 (Config.CorrelationTag), the first tag
// of the vendor range in which the seeds place Wavy's own receipt TLVs
// (0x1403-0x1406). Every part of a concatenated message carries it. The
// sandbox files it like the HTTPS correlationId, so its status search finds
// SMPP messages. Before production, Wavy's support must confirm the tag
// (or name theirs, which goes in CorrelationTag): if Wavy ignored it, the
// status search could not find SMPP messages, and reconciliation would
// resend them. Receipts do not echo it in the seeds; when one carries the
// tag it fills SMSStatus.CorrelationID, otherwise statuses carry only the
// message id (the id Submit returned), which the event store must then
// match on.
//
// # Outcomes and exactly once
//
// Submit returns, per message, Accepted (with the id of each part),
// Rejected (a permanent refusal, or a message invalid before the wire),
// TryLater (a temporary refusal), Unsent (never written: no bind, the
// deadline or Close came first) or Unknown (written, and the answer lost
// to a dropped connection or ResponseTimeout). Only Unknown messages may
// be at Wavy without Arauto knowing; smppsender leaves them to the
// dispatcher's reconciliation by correlationId. The parts of a long
// message are written in order; parts not yet written when a connection
// drops go on another bind with the same UDH, so the handset still
// reassembles them; a message with a written part whose answer was lost
// is Unknown. A message some of whose parts were accepted and others
// refused is Accepted (Wavy has it and bills it) with Result.Err saying so.
//
// # Receipts and MOs
//
// deliver_sm are converted (StatusFromReceipt, MOFromDeliver) and handed
// to Config.Inbound, one at a time per bind in arrival order; the
// deliver_sm_resp goes only after Inbound returned: ESME_ROK, or
// ESME_RX_T_APPN when it failed (the SMSC delivers again later) or when no
// Inbound is configured, and ESME_RX_P_APPN for what can never be read.
// Receipts map to the same codes and names as the HTTPS callbacks and DLRs
// (see StatusFromReceipt); SMPP receipts carry no carrier. MOs take
// their id from receipted_message_id when the SMSC sends one, else a new
// UUID; concatenated MOs are reassembled (at most 1000 pending, 10 min
// each) before they are handed over.
//
// New starts the binds in the background; WaitBound waits for them and
// reports a refused account (ErrUnauthorized). Close unbinds politely.
// Passwords are never logged.
package esme
