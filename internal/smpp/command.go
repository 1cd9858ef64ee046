package smpp

import "fmt"

// CommandID identifies the operation of a PDU (SMPP 3.4 §5.1.2.1). A
// response has the id of its request with bit 31 set.
type CommandID uint32

// The operations this package encodes and decodes.
const (
	GenericNackID         CommandID = 0x80000000
	BindReceiverID        CommandID = 0x00000001
	BindReceiverRespID    CommandID = 0x80000001
	BindTransmitterID     CommandID = 0x00000002
	BindTransmitterRespID CommandID = 0x80000002
	SubmitSMID            CommandID = 0x00000004
	SubmitSMRespID        CommandID = 0x80000004
	DeliverSMID           CommandID = 0x00000005
	DeliverSMRespID       CommandID = 0x80000005
	UnbindID              CommandID = 0x00000006
	UnbindRespID          CommandID = 0x80000006
	BindTransceiverID     CommandID = 0x00000009
	BindTransceiverRespID CommandID = 0x80000009
	EnquireLinkID         CommandID = 0x00000015
	EnquireLinkRespID     CommandID = 0x80000015
)

var commandNames = map[CommandID]string{
	GenericNackID:         "generic_nack",
	BindReceiverID:        "bind_receiver",
	BindReceiverRespID:    "bind_receiver_resp",
	BindTransmitterID:     "bind_transmitter",
	BindTransmitterRespID: "bind_transmitter_resp",
	SubmitSMID:            "submit_sm",
	SubmitSMRespID:        "submit_sm_resp",
	DeliverSMID:           "deliver_sm",
	DeliverSMRespID:       "deliver_sm_resp",
	UnbindID:              "unbind",
	UnbindRespID:          "unbind_resp",
	BindTransceiverID:     "bind_transceiver",
	BindTransceiverRespID: "bind_transceiver_resp",
	EnquireLinkID:         "enquire_link",
	EnquireLinkRespID:     "enquire_link_resp",
}

// String returns the specification's name, or the hex value when unknown.
func (id CommandID) String() string {
	if n, ok := commandNames[id]; ok {
		return n
	}
	return fmt.Sprintf("command 0x%08x", uint32(id))
}

// IsResponse reports whether id is a response (bit 31 set).
func (id CommandID) IsResponse() bool { return id&0x80000000 != 0 }

// Response returns the id of the response to a request.
func (id CommandID) Response() CommandID { return id | 0x80000000 }

// Status is a command_status (SMPP 3.4 §5.1.3). It implements error, so an
// SMSC's refusal can travel as one; StatusOK is not an error to return.
type Status uint32

// The statuses Arauto sends, receives or classifies.
const (
	StatusOK                 Status = 0x00000000 // ESME_ROK
	StatusInvalidMsgLen      Status = 0x00000001 // ESME_RINVMSGLEN
	StatusInvalidCmdLen      Status = 0x00000002 // ESME_RINVCMDLEN
	StatusInvalidCmdID       Status = 0x00000003 // ESME_RINVCMDID
	StatusInvalidBindStatus  Status = 0x00000004 // ESME_RINVBNDSTS
	StatusAlreadyBound       Status = 0x00000005 // ESME_RALYBND
	StatusInvalidPriority    Status = 0x00000006 // ESME_RINVPRTFLG
	StatusInvalidRegDelivery Status = 0x00000007 // ESME_RINVREGDLVFLG
	StatusSystemError        Status = 0x00000008 // ESME_RSYSERR
	StatusInvalidSourceAddr  Status = 0x0000000A // ESME_RINVSRCADR
	StatusInvalidDestAddr    Status = 0x0000000B // ESME_RINVDSTADR
	StatusInvalidMessageID   Status = 0x0000000C // ESME_RINVMSGID
	StatusBindFailed         Status = 0x0000000D // ESME_RBINDFAIL
	StatusInvalidPassword    Status = 0x0000000E // ESME_RINVPASWD
	StatusInvalidSystemID    Status = 0x0000000F // ESME_RINVSYSID
	StatusMsgQueueFull       Status = 0x00000014 // ESME_RMSGQFUL
	StatusInvalidServiceType Status = 0x00000015 // ESME_RINVSERTYP
	StatusInvalidESMClass    Status = 0x00000043 // ESME_RINVESMCLASS
	StatusSubmitFailed       Status = 0x00000045 // ESME_RSUBMITFAIL
	StatusInvalidSourceTON   Status = 0x00000048 // ESME_RINVSRCTON
	StatusInvalidSourceNPI   Status = 0x00000049 // ESME_RINVSRCNPI
	StatusInvalidDestTON     Status = 0x00000050 // ESME_RINVDSTTON
	StatusInvalidDestNPI     Status = 0x00000051 // ESME_RINVDSTNPI
	StatusInvalidSystemType  Status = 0x00000053 // ESME_RINVSYSTYP
	StatusThrottled          Status = 0x00000058 // ESME_RTHROTTLED
	StatusInvalidSchedule    Status = 0x00000061 // ESME_RINVSCHED
	StatusInvalidExpiry      Status = 0x00000062 // ESME_RINVEXPIRY
	StatusTempAppError       Status = 0x00000064 // ESME_RX_T_APPN
	StatusPermAppError       Status = 0x00000065 // ESME_RX_P_APPN
	StatusRejectAppError     Status = 0x00000066 // ESME_RX_R_APPN
	StatusInvalidTLVStream   Status = 0x000000C0 // ESME_RINVOPTPARSTREAM
	StatusTLVNotAllowed      Status = 0x000000C1 // ESME_ROPTPARNOTALLWD
	StatusInvalidTLVLength   Status = 0x000000C2 // ESME_RINVPARLEN
	StatusMissingTLV         Status = 0x000000C3 // ESME_RMISSINGOPTPARAM
	StatusInvalidTLVValue    Status = 0x000000C4 // ESME_RINVOPTPARAMVAL
	StatusDeliveryFailure    Status = 0x000000FE // ESME_RDELIVERYFAILURE
	StatusUnknownError       Status = 0x000000FF // ESME_RUNKNOWNERR
	// StatusInvalidDataCoding is ESME_RINVDCS, defined by SMPP 5.0 and
	// answered by 3.4 SMSCs for a data_coding they do not support.
	StatusInvalidDataCoding Status = 0x00000104
)

var statusNames = map[Status]string{
	StatusOK:                 "ESME_ROK",
	StatusInvalidMsgLen:      "ESME_RINVMSGLEN",
	StatusInvalidCmdLen:      "ESME_RINVCMDLEN",
	StatusInvalidCmdID:       "ESME_RINVCMDID",
	StatusInvalidBindStatus:  "ESME_RINVBNDSTS",
	StatusAlreadyBound:       "ESME_RALYBND",
	StatusInvalidPriority:    "ESME_RINVPRTFLG",
	StatusInvalidRegDelivery: "ESME_RINVREGDLVFLG",
	StatusSystemError:        "ESME_RSYSERR",
	StatusInvalidSourceAddr:  "ESME_RINVSRCADR",
	StatusInvalidDestAddr:    "ESME_RINVDSTADR",
	StatusInvalidMessageID:   "ESME_RINVMSGID",
	StatusBindFailed:         "ESME_RBINDFAIL",
	StatusInvalidPassword:    "ESME_RINVPASWD",
	StatusInvalidSystemID:    "ESME_RINVSYSID",
	StatusMsgQueueFull:       "ESME_RMSGQFUL",
	StatusInvalidServiceType: "ESME_RINVSERTYP",
	StatusInvalidESMClass:    "ESME_RINVESMCLASS",
	StatusSubmitFailed:       "ESME_RSUBMITFAIL",
	StatusInvalidSourceTON:   "ESME_RINVSRCTON",
	StatusInvalidSourceNPI:   "ESME_RINVSRCNPI",
	StatusInvalidDestTON:     "ESME_RINVDSTTON",
	StatusInvalidDestNPI:     "ESME_RINVDSTNPI",
	StatusInvalidSystemType:  "ESME_RINVSYSTYP",
	StatusThrottled:          "ESME_RTHROTTLED",
	StatusInvalidSchedule:    "ESME_RINVSCHED",
	StatusInvalidExpiry:      "ESME_RINVEXPIRY",
	StatusTempAppError:       "ESME_RX_T_APPN",
	StatusPermAppError:       "ESME_RX_P_APPN",
	StatusRejectAppError:     "ESME_RX_R_APPN",
	StatusInvalidTLVStream:   "ESME_RINVOPTPARSTREAM",
	StatusTLVNotAllowed:      "ESME_ROPTPARNOTALLWD",
	StatusInvalidTLVLength:   "ESME_RINVPARLEN",
	StatusMissingTLV:         "ESME_RMISSINGOPTPARAM",
	StatusInvalidTLVValue:    "ESME_RINVOPTPARAMVAL",
	StatusDeliveryFailure:    "ESME_RDELIVERYFAILURE",
	StatusUnknownError:       "ESME_RUNKNOWNERR",
	StatusInvalidDataCoding:  "ESME_RINVDCS",
}

// String returns the specification's name (ESME_RTHROTTLED), or the hex
// value for a status this package does not name.
func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("status 0x%08x", uint32(s))
}

// Error makes a non-OK status usable as an error.
func (s Status) Error() string { return "smpp: " + s.String() }

// Temporary reports whether a refusal may succeed if the same PDU is sent
// again later: throttling, a full queue, a system or temporary application
// error. Every other non-OK status is a permanent refusal of that PDU.
func (s Status) Temporary() bool {
	switch s {
	case StatusThrottled, StatusMsgQueueFull, StatusSystemError, StatusTempAppError:
		return true
	}
	return false
}

// Credentials reports whether the status refuses the account itself
// (system_id, password or system_type), so retrying cannot help until the
// settings change.
func (s Status) Credentials() bool {
	switch s {
	case StatusInvalidPassword, StatusInvalidSystemID, StatusInvalidSystemType:
		return true
	}
	return false
}
