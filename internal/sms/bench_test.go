package sms

import (
	"strings"
	"testing"
)

var (
	gsm1280 = strings.Repeat("Oferta {30%} na loja! Só hoje, é já. ", 40)[:1280]
	ucs1280 = string([]rune(strings.Repeat("Promoção imperdível 😀 só hoje! ", 50))[:1280])
)

func BenchmarkMeasure1280(b *testing.B) {
	for _, rule := range []Rule{Wavy, GSM} {
		for _, bb := range []struct{ name, text string }{{"GSM", gsm1280}, {"UCS2", ucs1280}} {
			b.Run(string(rule)+"/"+bb.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					rule.Measure(bb.text)
				}
			})
		}
	}
}

func BenchmarkAnalyze1280(b *testing.B) {
	for _, bb := range []struct{ name, text string }{{"GSM", gsm1280}, {"UCS2", ucs1280}} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Analyze(bb.text, Wavy)
			}
		})
	}
}

func BenchmarkSplit1280(b *testing.B) {
	for _, bb := range []struct{ name, text string }{{"GSM", gsm1280}, {"UCS2", ucs1280}} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				GSM.Split(bb.text)
			}
		})
	}
}
