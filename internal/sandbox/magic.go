package sandbox

// Magic numbers make every documented outcome reachable on purpose, by a
// test or by a person trying the console: a Brazilian mobile number whose
// subscriber part starts with MagicPrefix chooses its fate with its last
// four digits, whatever the seed and the outcome weights.
//
//   - 55 DD 97777 0CCC: the message gets the documented status code CCC.
//     SMS: sent codes 101 102 103 201 202 203 204 205 207 213 214 215 301
//     (no delivery report follows), delivered codes 104 and 401 (after
//     SENT_SUCCESS), 4 (delivered) and 2 (SENT_SUCCESS without a delivery
//     report, as OI and Sercomtel). WhatsApp: sent codes 102 103 202 204
//     207 209 210 301, delivered codes 101 104 105 (after SENT_SUCCESS),
//     4, and 2 (SENT_SUCCESS and then nothing: a phone that is off, what
//     the SMS fallback's wait is for).
//   - 55 DD 97777 1KKK: the message is delivered and the recipient
//     answers with reply kind KKK (001 text, 002 button, 003 image, 004
//     audio, 005 document, 006 location, 007 contacts, 008 text from an
//     ad, with its referral); an SMS recipient answers with text.
//
// Other numbers of the block, and codes a channel does not document, take
// the ordinary draw. No real list is likely to hold the block: it is one
// ten-thousandth of each DDD's numbers, and tests that number recipients
// sequentially (55 DD 9 0000 0000 onwards) never reach it.
const MagicPrefix = "97777"

// replyKind is the content of a reply.
type replyKind uint8

// The reply kinds, in the order of the magic numbers 1001 to 1008.
const (
	replyText replyKind = iota
	replyButton
	replyImage
	replyAudio
	replyDocument
	replyLocation
	replyContacts
	replyReferral
	numReplyKinds
)

// replyKindNames are the kinds as Inbound reports them.
var replyKindNames = [numReplyKinds]string{"TEXT", "BUTTON", "IMAGE", "AUDIO", "DOCUMENT", "LOCATION", "CONTACTS", "REFERRAL"}

// magicCodes lists, per channel, the codes a magic number may ask for and
// whether each is a delivered code (it follows SENT_SUCCESS).
var magicCodes = [2]map[uint16]bool{
	chSMS: {
		codeExpired: false, codeCarrierError: false, codeRejectedByCarrier: false, codeNoCredit: false,
		codeInvalidDestination: false, codeBlacklisted: false, codeOptOut: false, codeMessageLimit: false,
		codeInvalidMessageText: false, codeCountryNotAllowed: false, codeInvalidConfig: false,
		codeQuotaBlocked: false, codeInternalError: false,
		codeSentSuccess: false, codeDeliveredSuccess: true, codeNotDelivered: true, codeMessageSplit: true,
	},
	chWhatsApp: {
		codeCarrierError: false, codeRejectedByCarrier: false, codeInvalidDestination: false, codeOptOut: false,
		codeInvalidMessageText: false, codeInvalidContent: false, codeInvalidSession: false, codeInternalError: false,
		codeDeliveredSuccess: true, codeExpired: true, codeNotDelivered: true, codeMediaUnretryable: true,
		codeSentSuccess: false,
	},
}

// magic is what a magic number asks for.
type magic struct {
	code    uint16 // a status code, or 0
	reply   bool   // the recipient answers
	kind    replyKind
	present bool
}

// magicFor reads the magic of a normalised destination on a channel.
func magicFor(dest string, channel uint8) magic {
	if len(dest) != 13 || dest[:2] != "55" || dest[4:9] != MagicPrefix {
		return magic{}
	}
	v := 0
	for _, c := range []byte(dest[10:]) {
		if c < '0' || c > '9' {
			return magic{}
		}
		v = v*10 + int(c-'0')
	}
	switch dest[9] {
	case '0':
		if _, ok := magicCodes[channel][uint16(v)]; ok {
			return magic{code: uint16(v), present: true}
		}
	case '1':
		if v >= 1 && v <= int(numReplyKinds) {
			k := replyKind(v - 1)
			if channel == chSMS {
				k = replyText
			}
			return magic{reply: true, kind: k, present: true}
		}
	}
	return magic{}
}

// apply forces the plan of a message to what the magic number asks.
func (mg magic) apply(p *plan, channel uint8) {
	if !mg.present {
		return
	}
	if mg.reply {
		p.sentCode, p.dlrCode = codeSentSuccess, codeDeliveredSuccess
		p.reply, p.kind, p.phrase = true, mg.kind, replySim
		return
	}
	p.reply, p.read = false, false
	switch {
	case mg.code == codeSentSuccess:
		p.sentCode, p.dlrCode = codeSentSuccess, 0
	case magicCodes[channel][mg.code]:
		p.sentCode, p.dlrCode = codeSentSuccess, mg.code
	default:
		p.sentCode, p.dlrCode = mg.code, 0
	}
}
