package sms

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
)

// segmentsResult is one output line of RunSegments for a good input line.
type segmentsResult struct {
	Encoding Encoding `json:"encoding"`
	Units    int      `json:"units"`
	Segments int      `json:"segments"`
}

// segmentsError is one output line of RunSegments for a bad input line.
type segmentsError struct {
	Error string `json:"error"`
}

// RunSegments implements `arauto segments [--rule wavy|gsm]`. args are the
// arguments after the command name; --rule chooses the billing rule
// (default wavy, see Rule). It reads one JSON string per line from in (for
// example "Olá mundo") and writes one JSON object per line to out:
// {"encoding":"GSM-7"|"UCS-2","units":N,"segments":N}, GSM-7 naming the 160
// table and UCS-2 the 70 table. Blank lines are skipped. A line that is not
// exactly one JSON string produces {"error":"line N: ..."} (N counts every
// input line from 1, blank ones included) and processing continues. Lines
// of any length are accepted. Output is flushed whenever the input has no
// more buffered data, so the command works interactively. The error
// returned is only for bad arguments or failing to read in or write out.
func RunSegments(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("segments", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	ruleName := fs.String("rule", string(Default), "billing rule: wavy or gsm")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("sms: segments: %w (usage: arauto segments [--rule wavy|gsm])", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("sms: segments: unexpected argument %q (usage: arauto segments [--rule wavy|gsm])", fs.Arg(0))
	}
	rule, err := ParseRule(*ruleName)
	if err != nil {
		return fmt.Errorf("sms: segments: %w", err)
	}
	r := bufio.NewReaderSize(in, 64<<10)
	w := bufio.NewWriter(out)
	for lineNo := 1; ; lineNo++ {
		line, readErr := r.ReadBytes('\n')
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			_ = w.Flush()
			return fmt.Errorf("sms: segments: read line %d: %w", lineNo, readErr)
		}
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			var v any
			if text, err := decodeJSONString(trimmed); err != nil {
				v = segmentsError{Error: fmt.Sprintf("line %d: %v", lineNo, err)}
			} else {
				c := rule.Measure(text)
				v = segmentsResult{Encoding: c.Encoding, Units: c.Units, Segments: c.Segments}
			}
			b, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("sms: segments: encode line %d: %w", lineNo, err)
			}
			b = append(b, '\n')
			if _, err := w.Write(b); err != nil {
				return fmt.Errorf("sms: segments: write line %d: %w", lineNo, err)
			}
		}
		if readErr != nil || r.Buffered() == 0 {
			if err := w.Flush(); err != nil {
				return fmt.Errorf("sms: segments: write line %d: %w", lineNo, err)
			}
		}
		if readErr != nil { // io.EOF
			return nil
		}
	}
}

// decodeJSONString decodes b, which must be a single JSON string and nothing
// else (null, numbers, objects and trailing data are rejected).
func decodeJSONString(b []byte) (string, error) {
	if b[0] != '"' {
		return "", fmt.Errorf("not a JSON string: %s", preview(b))
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", fmt.Errorf("not a JSON string: %w", err)
	}
	return s, nil
}

// preview shortens b for an error message.
func preview(b []byte) string {
	const limit = 40
	if len(b) <= limit {
		return string(b)
	}
	return string(bytes.ToValidUTF8(b[:limit], nil)) + "…"
}
