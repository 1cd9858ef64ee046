package schedule_test

import (
	"fmt"
	"time"

	"arauto/internal/i18n"
	"arauto/internal/schedule"
)

func ExampleLocalToUTC() {
	// 00:30 did not exist in Sao Paulo on 2018-11-04 (DST began at midnight).
	at, _ := schedule.LocalToUTC(time.Date(2018, 11, 4, 0, 30, 0, 0, time.UTC), "America/Sao_Paulo")
	fmt.Println(at)
	// Output: 2018-11-04 03:00:00 +0000 UTC
}

func ExampleWindow_Describe() {
	w := schedule.Window{
		Hours:    []int{9, 10, 11, 18},
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
	}
	fmt.Println(w.Describe(i18n.Lang("pt-BR")))
	fmt.Println(w.Describe(i18n.Lang("en")))
	// Output:
	// seg a sex, 09h–12h e 18h
	// Mon–Fri, 09:00–12:00 and 18:00–19:00
}

func ExampleNextSend() {
	s := schedule.Schedule{
		SendNow: true,
		Window:  schedule.Window{Hours: []int{11, 12, 18}},
	}
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC) // 09:00 in Sao Paulo
	next, state := schedule.NextSend(s, now)
	loc, _ := s.Location()
	fmt.Println(next.In(loc).Format("15:04"), state)
	// Output: 11:00 waiting_window
}
