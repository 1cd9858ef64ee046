// Package smpp is the SMPP 3.4 wire format as Wavy speaks it (seed 000,
// "API SMPP"): the PDU codec, the text codings of short_message, the
// concatenation header and the delivery-receipt text. It is pure (no I/O
// beyond Read from the reader it is given) and imports nothing of the
// project, so the client (internal/smpp/esme) and the simulator
// (internal/sandbox) share the wire and nothing else. No SMPP library is
// reachable from the module proxy, so this one is written here; it covers
// what Arauto needs, not all of SMPP.
//
// # PDUs
//
// bind_transceiver, bind_transmitter, bind_receiver and their responses,
// submit_sm/_resp, deliver_sm/_resp, enquire_link/_resp, unbind/_resp and
// generic_nack, each a Body type. Append/Marshal encode; Unmarshal and
// Read decode. The decoder never trusts a length: command_length is
// bounded by MaxLength before anything is allocated, C-octet strings must
// end in a NUL within their field's limit (system_id 16, password 9,
// system_type 13, addresses 21, times 17, message_id 65 octets, NUL
// included), sm_length is at most 254 and within the PDU, optional
// parameters (TLVs) must fit the body and, for the tags with a fixed size,
// have it. A bad command_length wraps ErrFraming (the connection cannot be
// resynchronised); any other fault is an *Error carrying the header and the
// command_status to answer (ESME_RINVCMDID, ESME_RINVCMDLEN,
// ESME_RINVPARLEN, ESME_RINVDSTADR ...). Unknown TLVs are kept, as 3.4
// asks. Responses with a non-OK status may come without a body. A native
// fuzz test (FuzzUnmarshal, seed corpus in testdata/fuzz) checks that the
// decoder never panics and that everything it accepts encodes back to the
// same PDU.
//
// # Text
//
// The seeds allow data_coding 0 (GSM-7), 1 (Latin-1), 8 (UCS-2) and
// 0x10/0x18 (flash GSM-7/UCS-2), and say the GSM 03.38 extension table is
// not supported by carriers. So Coding picks GSM-7 only for texts made of
// the basic table; a text with { } [ ] ~ ^ | \ € or a form feed, like one
// with any other character outside GSM-7, goes as UCS-2, which reaches
// the handset exactly as written (at 70 characters a part rather than
// 160). Nothing is transliterated behind the user's back. Latin-1 is used
// only when asked (TextOptions.Latin1) for texts that fit it. GSM-7 is sent
// one septet per octet, as SMPP does. Long texts are cut into parts behind
// a concatenation UDH (esm_class 0x40), 8-bit reference by default
// (153 septets, 134 octets or 67 UTF-16 units a part) or 16-bit (152, 133,
// 66); parts end between characters, never inside a surrogate pair, and
// CountParts gives the number of submit_sm a text costs, which is what an
// SMPP account's throughput (80 a second a bind) is counted in.
// DecodeText reads what arrives, extension table included.
//
// # Receipts
//
// Receipt formats and parses the Appendix B text ("id:... sub:...
// dlvrd:... submit date:... done date:... stat:DELIVRD err:000 text:...")
// with dates in UTC, the server time zone the seeds give. The seeds add
// four vendor TLVs to receipts: 0x1403 and 0x1404 carry the first-level
// status code and name (2 SENT_SUCCESS), 0x1405 and 0x1406 the second
// level (4 DELIVERED_SUCCESS, 104 NOT_DELIVERED); their encoding is not
// documented, so they are written as C-octet strings and TLVs.Code reads
// digits or a binary integer. TagCorrelationID (0x1400) is the tag Arauto
// puts its correlationId in on submit_sm; the seeds name none, see
// internal/smpp/esme for why it is a TLV and what depends on it.
package smpp
