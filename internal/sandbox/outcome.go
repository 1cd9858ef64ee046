package sandbox

import "strings"

// Status codes and names of the seeds' "Códigos de Status de Envio".
const (
	codeSentSuccess        = 2
	codeDeliveredSuccess   = 4
	codeExpired            = 101
	codeCarrierError       = 102
	codeRejectedByCarrier  = 103
	codeNotDelivered       = 104
	codeMediaUnretryable   = 105
	codeNoCredit           = 201
	codeInvalidDestination = 202
	codeBlacklisted        = 203
	codeOptOut             = 204
	codeMessageLimit       = 205
	codeInvalidMessageText = 207
	codeInvalidContent     = 209
	codeInvalidSession     = 210
	codeCountryNotAllowed  = 213
	codeInvalidConfig      = 214
	codeQuotaBlocked       = 215
	codeInternalError      = 301
	codeMessageSplit       = 401
)

// statusNames maps every code the sandbox emits to its name.
var statusNames = map[int]string{
	codeSentSuccess:        "SENT_SUCCESS",
	codeDeliveredSuccess:   "DELIVERED_SUCCESS",
	codeExpired:            "EXPIRED",
	codeCarrierError:       "CARRIER_COMMUNICATION_ERROR",
	codeRejectedByCarrier:  "REJECTED_BY_CARRIER",
	codeNotDelivered:       "NOT_DELIVERED",
	codeMediaUnretryable:   "WA_MO_MEDIA_UNRETRYABLE_EXCEPTION",
	codeNoCredit:           "NO_CREDIT",
	codeInvalidDestination: "INVALID_DESTINATION_NUMBER",
	codeBlacklisted:        "BLACKLISTED",
	codeOptOut:             "DESTINATION_BLOCKED_BY_OPTOUT",
	codeMessageLimit:       "DESTINATION_MESSAGE_LIMIT_REACHED",
	codeInvalidMessageText: "INVALID_MESSAGE_TEXT",
	codeInvalidContent:     "INVALID_CONTENT",
	codeInvalidSession:     "INVALID_SESSION",
	codeCountryNotAllowed:  "COUNTRY_NOT_ALLOWED_FOR_CUSTOMER",
	codeInvalidConfig:      "INVALID_CUSTOMER_CONFIGURATION",
	codeQuotaBlocked:       "CUSTOMER_QUOTA_BLOCKED",
	codeInternalError:      "INTERNAL_ERROR",
	codeMessageSplit:       "MESSAGE_SPLIT",
}

// StatusName returns the documented name of a sent or delivered status
// code, or "" for codes the sandbox does not know.
func StatusName(code int) string { return statusNames[code] }

// fateCodes gives the sent and delivered codes of each fate.
var fateCodes = [numFates][2]uint16{
	fateDelivered:          {codeSentSuccess, codeDeliveredSuccess},
	fateNotDelivered:       {codeSentSuccess, codeNotDelivered},
	fateExpired:            {codeExpired, 0},
	fateInvalidDestination: {codeInvalidDestination, 0},
	fateBlacklisted:        {codeBlacklisted, 0},
	fateOptedOut:           {codeOptOut, 0},
	fateMessageLimit:       {codeMessageLimit, 0},
	fateRejected:           {codeRejectedByCarrier, 0},
	fateCarrierError:       {codeCarrierError, 0},
	fateNoCredit:           {codeNoCredit, 0},
	fateInternalError:      {codeInternalError, 0},
}

// replySim is the index of "Sim" in replyPhrases, the text of the replies
// magic numbers ask for.
const replySim = 3

// replyPhrases are what recipients answer. The opt-out words come first.
var replyPhrases = [...]string{
	"SAIR", "sair", "Parar",
	"Sim", "Obrigado!", "Quero saber mais", "Qual o valor?", "Não tenho interesse",
	"ok", "Como funciona?", "Pode me ligar?", "Já comprei, obrigado",
}

// profileNames are the WhatsApp profile names of replying users.
var profileNames = [...]string{
	"Maria Silva", "João Santos", "Ana Oliveira", "Pedro Souza", "Juliana Lima",
	"Carlos Pereira", "Fernanda Costa", "Lucas Rodrigues", "Beatriz Almeida", "Rafael Gomes",
}

// IsOptOutWord reports whether an MO text is an opt-out request (SAIR,
// PARAR, CANCELAR or STOP, in any case, surrounding blanks ignored).
func IsOptOutWord(text string) bool {
	t := strings.TrimSpace(text)
	for _, w := range [...]string{"SAIR", "PARAR", "CANCELAR", "STOP"} {
		if strings.EqualFold(t, w) {
			return true
		}
	}
	return false
}

// plan is everything decided about one message at accept time, relative
// to the moment it is released to the carrier.
type plan struct {
	sentCode   uint16
	dlrCode    uint16 // 0: no delivery report will come
	carrier    uint8
	read       bool      // WhatsApp: the message will be read
	reply      bool      // the recipient will answer
	kind       replyKind // what the answer holds (WhatsApp)
	phrase     uint8     // index into replyPhrases
	sentDelay  int64     // ms after release
	dlrDelay   uint32
	readDelay  uint32
	replyDelay int64 // ms after the last status
}

// scaled multiplies a realistic delay in ms by the delay scale.
func (s *Sandbox) scaled(ms float64) int64 {
	if s.scale == 0 {
		return 0
	}
	return int64(ms * s.scale)
}

func (s *Sandbox) scaled32(ms float64) uint32 {
	v := s.scaled(ms)
	if v > 1<<31 {
		v = 1 << 31
	}
	return uint32(v)
}

// streamFor seeds the draws of one message from the sandbox seed, the
// correlationId (or the number when there is none) and the number.
func (s *Sandbox) streamFor(corrID, dest string, salt uint64) stream {
	key := corrID
	if key == "" {
		key = dest
	}
	h := fnv64(s.seedHash^salt, key)
	h = fnv64(h, dest)
	return stream{s: mix64(h)}
}

// planSMS decides the fate and timing of an SMS. It reads only immutable
// sandbox fields and is safe without the lock.
func (s *Sandbox) planSMS(dest string, valid bool, corrID string) plan {
	rs := s.streamFor(corrID, dest, 0x534d53)
	var p plan
	f := pickFate(&s.cum, rs.float())
	kind := kindInvalid
	if valid {
		kind = classifyNumber(dest)
	}
	switch kind {
	case kindMobileBR:
		p.carrier = carrierFor(dest)
	case kindForeign:
		f = fateInvalidDestination
		p.sentCode = codeCountryNotAllowed
	default:
		f = fateInvalidDestination
	}
	codes := fateCodes[f]
	if p.sentCode == 0 {
		p.sentCode = codes[0]
	}
	p.dlrCode = codes[1]
	if noDeliveryReport(p.carrier) {
		p.dlrCode = 0
	}
	p.sentDelay = s.scaled(800 + 9000*cube(rs.float()))
	u := rs.float()
	switch {
	case f == fateNotDelivered:
		p.dlrDelay = s.scaled32(60_000 + 30*60_000*u*u)
	case rs.float() < 0.03:
		p.dlrDelay = s.scaled32(120_000 + 10*60_000*u)
	default:
		p.dlrDelay = s.scaled32(1500 + 90_000*cube(u))
	}
	reached := f == fateDelivered
	if reached && s.replyRate > 0 && rs.float() < s.replyRate {
		p.reply = true
		p.phrase = pickPhrase(rs.float())
		p.replyDelay = s.scaled(15_000 + 15*60_000*sq(rs.float()))
	}
	if mg := magicFor(dest, chSMS); mg.present {
		mg.apply(&p, chSMS)
		if p.reply && p.replyDelay == 0 {
			p.replyDelay = s.scaled(15_000)
		}
	}
	return p
}

// planWhatsApp decides the fate and timing of a WhatsApp message.
func (s *Sandbox) planWhatsApp(dest string, valid, group bool, corrID string) plan {
	rs := s.streamFor(corrID, dest, 0x5741)
	var p plan
	f := pickFate(&s.cum, rs.float())
	if !group && (!valid || classifyNumber(dest) == kindInvalid || classifyNumber(dest) == kindLandlineBR || s.notOnWhatsApp(dest)) {
		f = fateInvalidDestination
	}
	switch f {
	case fateDelivered:
		p.sentCode, p.dlrCode = codeSentSuccess, codeDeliveredSuccess
	case fateNotDelivered:
		p.sentCode, p.dlrCode = codeSentSuccess, codeNotDelivered
	case fateExpired:
		p.sentCode, p.dlrCode = codeSentSuccess, codeExpired
	case fateInvalidDestination:
		p.sentCode = codeInvalidDestination
	case fateBlacklisted, fateOptedOut:
		p.sentCode = codeOptOut
	case fateRejected, fateMessageLimit, fateNoCredit:
		p.sentCode = codeRejectedByCarrier
	case fateCarrierError:
		p.sentCode = codeCarrierError
	default:
		p.sentCode = codeInternalError
	}
	p.sentDelay = s.scaled(300 + 2700*rs.float())
	p.dlrDelay = s.scaled32(500 + 10_000*sq(rs.float()))
	if p.dlrCode == codeDeliveredSuccess {
		p.read = s.readRate > 0 && rs.float() < s.readRate
		p.readDelay = s.scaled32(5000 + 30*60_000*sq(rs.float()))
		if s.replyRate > 0 && rs.float() < s.replyRate {
			p.reply = true
			p.phrase = pickPhrase(rs.float())
			p.replyDelay = s.scaled(10_000 + 10*60_000*sq(rs.float()))
		}
	}
	if mg := magicFor(dest, chWhatsApp); mg.present && !group {
		mg.apply(&p, chWhatsApp)
		if p.reply {
			// Who answers has read the message.
			p.read = true
			if p.readDelay == 0 {
				p.readDelay = s.scaled32(5000)
			}
			if p.replyDelay == 0 {
				p.replyDelay = s.scaled(10_000)
			}
		}
	}
	return p
}

// pickPhrase chooses a reply: about a third are opt-outs, mostly "SAIR".
func pickPhrase(u float64) uint8 {
	switch {
	case u < 0.25:
		return 0
	case u < 0.30:
		return 1
	case u < 0.33:
		return 2
	}
	rest := len(replyPhrases) - 3
	return uint8(3 + int((u-0.33)/0.67*float64(rest))%rest)
}

func sq(x float64) float64   { return x * x }
func cube(x float64) float64 { return x * x * x }

// notOnWhatsApp reports whether a number is one of the share
// Options.WhatsAppUnreachable of numbers without WhatsApp: a hash of the
// number alone, so the answer is the same on every send.
func (s *Sandbox) notOnWhatsApp(dest string) bool {
	r := s.opts.WhatsAppUnreachable
	return r > 0 && float64(mix64(fnv64(0x77a, dest))>>11)/(1<<53) < r
}
