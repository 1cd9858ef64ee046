package wavy

import (
	"fmt"
	"slices"
	"strings"
)

// Phase is the level of a status: sent (carrier or WhatsApp server),
// delivered (handset) or read (WhatsApp only).
type Phase int

// The phases, in the order a message goes through them.
const (
	// PhaseSent is the first status (callback): did the carrier take the message.
	PhaseSent Phase = iota + 1
	// PhaseDelivered is the second status (DLR): did the handset get it.
	PhaseDelivered
	// PhaseRead is WhatsApp's read receipt.
	PhaseRead
)

// String returns "sent", "delivered" or "read".
func (p Phase) String() string {
	switch p {
	case PhaseSent:
		return "sent"
	case PhaseDelivered:
		return "delivered"
	case PhaseRead:
		return "read"
	default:
		return "unknown"
	}
}

// StatusCode is one entry of the provider's status-code catalogue.
type StatusCode struct {
	// Code is the numeric code (sentStatusCode/deliveredStatusCode); 0 for
	// READ_SUCCESS, which has only a name.
	Code int
	// Name is the documented name, e.g. SENT_SUCCESS.
	Name string
	// Phase is the level the code belongs to.
	Phase Phase
	// MeaningPT is the documented meaning, in Portuguese.
	MeaningPT string
	// MeaningEN is the meaning in English.
	MeaningEN string
	// Final means no further status changes the outcome (a DLR may still
	// follow SENT_SUCCESS, a read receipt may follow DELIVERED_SUCCESS).
	Final bool
	// Success means the message progressed (sent, delivered or read).
	Success bool
	// Billed means the message counts for billing: the carrier accepted it
	// (SENT_SUCCESS, the billing event) and so every later status.
	Billed bool
	// Suppress means the number must not be messaged again: blacklisted by
	// the customer (203) or opted out (204).
	Suppress bool
	// AccountLimit means the account, not the message, is the problem: its
	// credit or quota is exhausted (201 NO_CREDIT, 215
	// CUSTOMER_QUOTA_BLOCKED). The campaign must pause; see ErrAccountLimit.
	AccountLimit bool
}

// Err returns the error the status stands for when it concerns the whole
// account (AccountLimit): one matching ErrAccountLimit, and so ErrTryLater.
// It returns nil for every other status.
func (sc StatusCode) Err() error {
	if !sc.AccountLimit {
		return nil
	}
	return fmt.Errorf("wavy: status %d %s: %w", sc.Code, sc.Name, ErrAccountLimit)
}

// catalogue lists every sent, delivered and read status documented for SMS
// and WhatsApp, ordered by phase then code.
var catalogue = []StatusCode{
	{Code: 2, Name: "SENT_SUCCESS", Phase: PhaseSent,
		MeaningPT: "Entregue na operadora com sucesso (Este é o status que deve ser considerado para efeito de cobrança.) No WhatsApp: mensagem recebida pelo servidor do WhatsApp (uma marca de seleção).",
		MeaningEN: "Accepted by the carrier (the status that counts for billing). On WhatsApp: received by the WhatsApp server (one check mark).",
		Success:   true, Billed: true},
	{Code: 101, Name: "EXPIRED", Phase: PhaseSent,
		MeaningPT: "Expirado antes de ser entregue ao aparelho. (No WhatsApp chega como código de entrega, após o envio 2.)",
		MeaningEN: "Expired before reaching the handset. (WhatsApp reports it as a delivered code after sent code 2.)",
		Final:     true},
	{Code: 102, Name: "CARRIER_COMMUNICATION_ERROR", Phase: PhaseSent,
		MeaningPT: "Erro de comunicação com a operadora. No WhatsApp: erro ao fazer upload de mídia para o WhatsApp.",
		MeaningEN: "Communication error with the carrier. On WhatsApp: media upload to WhatsApp failed.",
		Final:     true},
	{Code: 103, Name: "REJECTED_BY_CARRIER", Phase: PhaseSent,
		MeaningPT: "Operadora rejeitou a mensagem. No WhatsApp: ocorreu erro de comunicação com o WhatsApp.",
		MeaningEN: "The carrier rejected the message. On WhatsApp: communication error with WhatsApp.",
		Final:     true},
	{Code: 201, Name: "NO_CREDIT", Phase: PhaseSent,
		MeaningPT: "O limite de mensagens setado pelo administrador de sua empresa, para sua conta ou sub conta, foi excedido. Ou, caso sua empresa utilize o modelo pré-pago de créditos, ele terminou.",
		MeaningEN: "The message limit set by the company administrator for the account or sub-account was exceeded, or prepaid credit ran out.",
		Final:     true, AccountLimit: true},
	{Code: 202, Name: "INVALID_DESTINATION_NUMBER", Phase: PhaseSent,
		MeaningPT: "O número de destino é inválido (Não é um número de celular válido). No WhatsApp: contato de WhatsApp inválido.",
		MeaningEN: "The destination number is invalid (not a valid mobile number). On WhatsApp: invalid WhatsApp contact.",
		Final:     true},
	{Code: 203, Name: "BLACKLISTED", Phase: PhaseSent,
		MeaningPT: "O número de destino está na lista bloqueada, e foi inserido manualmente por sua empresa.",
		MeaningEN: "The destination number is on the block list, added manually by the company.",
		Final:     true, Suppress: true},
	{Code: 204, Name: "DESTINATION_BLOCKED_BY_OPTOUT", Phase: PhaseSent,
		MeaningPT: "O número de destino solicitou opt-out, e não quer receber mais mensagens desta sub conta. (Este status é específico para contas de mobile marketing).",
		MeaningEN: "The destination opted out and does not want more messages from this sub-account (mobile-marketing accounts).",
		Final:     true, Suppress: true},
	{Code: 205, Name: "DESTINATION_MESSAGE_LIMIT_REACHED", Phase: PhaseSent,
		MeaningPT: "O número de destino já recebeu a quantidade máxima de mensagens que uma mesma empresa pode enviar, dentro de um período de tempo. (Este status é específico para contas de Mobile Marketing, e esta é uma regra das operadoras).",
		MeaningEN: "The destination already received the most messages one company may send within a period (a carrier rule for mobile-marketing accounts).",
		Final:     true},
	{Code: 207, Name: "INVALID_MESSAGE_TEXT", Phase: PhaseSent,
		MeaningPT: "O texto da mensagem contém palavras que não são aceitas pela operadora. Estas palavras podem ser de baixo calão, ou, caso sua conta seja de Mobile Marketing, podem ser de grandes marcas. No WhatsApp: valor de parâmetro inválido.",
		MeaningEN: "The text contains words the carrier refuses (profanity or, for mobile-marketing accounts, big brands). On WhatsApp: invalid parameter value.",
		Final:     true},
	{Code: 209, Name: "INVALID_CONTENT", Phase: PhaseSent,
		MeaningPT: "Tipo de mensagem UNKNOWN inválido. (WhatsApp)",
		MeaningEN: "Invalid UNKNOWN message type. (WhatsApp)",
		Final:     true},
	{Code: 210, Name: "INVALID_SESSION", Phase: PhaseSent,
		MeaningPT: "Sessão ou janela de atendimento não está aberta e nenhum Template de fallback está configurado. (WhatsApp)",
		MeaningEN: "No customer-service session or window is open and no fallback template is configured. (WhatsApp)",
		Final:     true},
	{Code: 213, Name: "COUNTRY_NOT_ALLOWED_FOR_CUSTOMER", Phase: PhaseSent,
		MeaningPT: "O cliente não tem permissão para enviar mensagens para o país do número receptor desejado.",
		MeaningEN: "The customer may not send messages to the destination's country.",
		Final:     true},
	{Code: 214, Name: "INVALID_CUSTOMER_CONFIGURATION", Phase: PhaseSent,
		MeaningPT: "Algumas configurações do cliente estão inválidas ou faltando.",
		MeaningEN: "Some customer settings are invalid or missing.",
		Final:     true},
	{Code: 215, Name: "CUSTOMER_QUOTA_BLOCKED", Phase: PhaseSent,
		MeaningPT: "O quota do cliente está bloqueado ou atingiu seu limite.",
		MeaningEN: "The customer's quota is blocked or exhausted.",
		Final:     true, AccountLimit: true},
	{Code: 301, Name: "INTERNAL_ERROR", Phase: PhaseSent,
		MeaningPT: "Um ou mais problemas ocorreram com a nossa plataforma, assim as mensagens não puderam ser processadas e enviadas. No WhatsApp: não foi possível verificar o contato na API do WhatsApp.",
		MeaningEN: "The provider's platform failed and the message could not be processed. On WhatsApp: the contact could not be verified with the WhatsApp API.",
		Final:     true},

	{Code: 4, Name: "DELIVERED_SUCCESS", Phase: PhaseDelivered,
		MeaningPT: "Entregue no aparelho com sucesso. No WhatsApp: mensagem entregue para o destinatário (duas marcas de seleção).",
		MeaningEN: "Delivered to the handset. On WhatsApp: delivered to the recipient (two check marks).",
		Final:     true, Success: true, Billed: true},
	{Code: 104, Name: "NOT_DELIVERED", Phase: PhaseDelivered,
		MeaningPT: "A operadora aceitou a mensagem, mas não conseguiu entregar no aparelho. Possíveis causas: aparelho desligado ou fora de área de serviço por tempo determinado; número válido, mas inativo. No WhatsApp: limite atingido, template inexistente, fora da janela de 24h, falha de upload de mídia, conta inelegível.",
		MeaningEN: "The carrier accepted the message but could not deliver it to the handset (handset off or out of coverage for the retry period, or an inactive number). On WhatsApp: rate limit, missing template, outside the 24h window, media upload failure or ineligible account.",
		Final:     true, Billed: true},
	{Code: 105, Name: "WA_MO_MEDIA_UNRETRYABLE_EXCEPTION", Phase: PhaseDelivered,
		MeaningPT: "Falha definitiva de mídia no WhatsApp (a documentação não descreve este código).",
		MeaningEN: "Permanent WhatsApp media failure (the documentation gives no description).",
		Final:     true, Billed: true},
	{Code: 401, Name: "MESSAGE_SPLIT", Phase: PhaseDelivered,
		MeaningPT: "Ocorre quando a mensagem de SMS atinge seu formato válido; de 160 caractéres sem acento ou 70 sem acentuação. A mensagem final será formatada de acordo com o limite de caracteres, e aparecerá nos relatórios finais de acordo com essa formatação.",
		MeaningEN: "The SMS exceeded one segment (160 GSM or 70 accented characters) and was split; reports show the split parts. Informational.",
		Billed:    true},

	{Code: 0, Name: "READ_SUCCESS", Phase: PhaseRead,
		MeaningPT: "Mensagem lida pelo destinatário (duas marcas de seleção azuis). (WhatsApp)",
		MeaningEN: "Read by the recipient (two blue check marks). (WhatsApp)",
		Final:     true, Success: true, Billed: true},
}

var (
	byCode = map[int]StatusCode{}
	byName = map[string]StatusCode{}
)

// nameAliases maps misspellings found in the documentation to catalogue names.
var nameAliases = map[string]string{
	"EXPIREDINVALID_DESTINATION_NUMBER": "INVALID_DESTINATION_NUMBER",
}

func init() {
	for _, sc := range catalogue {
		if sc.Code != 0 {
			byCode[sc.Code] = sc
		}
		byName[sc.Name] = sc
	}
	for alias, name := range nameAliases {
		byName[alias] = byName[name]
	}
}

// LookupStatus returns the catalogue entry for a numeric sent or delivered
// code. READ_SUCCESS has no number; find it with LookupStatusName.
func LookupStatus(code int) (StatusCode, bool) {
	sc, ok := byCode[code]
	return sc, ok
}

// LookupStatusName returns the catalogue entry for a status name. Matching
// ignores case and treats spaces and dashes as underscores
// ("CARRIER COMMUNICATION ERROR" finds CARRIER_COMMUNICATION_ERROR); known
// misspellings in the documentation are accepted.
func LookupStatusName(name string) (StatusCode, bool) {
	n := strings.ToUpper(strings.TrimSpace(name))
	n = strings.NewReplacer(" ", "_", "-", "_").Replace(n)
	sc, ok := byName[n]
	return sc, ok
}

// StatusCodes returns the whole catalogue, ordered by phase then code.
func StatusCodes() []StatusCode {
	return slices.Clone(catalogue)
}
