package batchfile

import (
	"strconv"
	"strings"
	"time"
)

// Extension is the suffix of batch file names, as in the seeds' example.
const Extension = ".txt"

// MaxSeqDigits bounds the sequence so it fits a signed 64-bit integer.
const MaxSeqDigits = 18

// Name is a batch file name: <SUBCONTA>.<YYYYMMDD>.<SEQUENCIA>.txt. The
// seeds accept the sub-account's numeric id or its reference name; a file
// named otherwise is still sent, but through the account's default
// sub-account, which is why names are checked before upload.
type Name struct {
	SubAccount string
	Date       time.Time // only year, month and day are used
	Seq        uint64
}

// String formats the name with the .txt extension.
func (n Name) String() string {
	return n.SubAccount + "." + n.Date.Format("20060102") + "." + strconv.FormatUint(n.Seq, 10) + Extension
}

// Check reports whether the name can be written.
func (n Name) Check() error {
	if err := CheckSubAccount(n.SubAccount); err != nil {
		return err
	}
	if len(strconv.FormatUint(n.Seq, 10)) > MaxSeqDigits {
		return &Problem{Code: CodeName, Field: "SEQUENCIA", Detail: "at most 18 digits"}
	}
	return nil
}

// CheckSubAccount reports whether s can stand for the sub-account in a
// file name: letters, digits, "_" or "-", at most 64 characters.
func CheckSubAccount(s string) error {
	if s == "" {
		return &Problem{Code: CodeEmpty, Field: "SUBCONTA"}
	}
	if len(s) > 64 {
		return &Problem{Code: CodeTooLong, Field: "SUBCONTA", Detail: "at most 64 characters"}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return &Problem{Code: CodeBadValue, Field: "SUBCONTA", Detail: "letters, digits, _ and - only"}
		}
	}
	return nil
}

// ParseName reads a batch file name; the .txt extension is optional.
func ParseName(s string) (Name, error) {
	bad := &Problem{Code: CodeName, Detail: s}
	base := strings.TrimSuffix(s, Extension)
	parts := strings.Split(base, ".")
	if len(parts) != 3 {
		return Name{}, bad
	}
	if CheckSubAccount(parts[0]) != nil || len(parts[1]) != 8 || parts[2] == "" || len(parts[2]) > MaxSeqDigits {
		return Name{}, bad
	}
	d, err := time.Parse("20060102", parts[1])
	if err != nil {
		return Name{}, bad
	}
	for i := 0; i < len(parts[2]); i++ {
		if parts[2][i] < '0' || parts[2][i] > '9' {
			return Name{}, bad
		}
	}
	seq, err := strconv.ParseUint(parts[2], 10, 64)
	if err != nil {
		return Name{}, bad
	}
	return Name{SubAccount: parts[0], Date: d, Seq: seq}, nil
}
