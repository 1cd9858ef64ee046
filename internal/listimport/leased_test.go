package listimport_test

import (
	"context"
	"testing"
	"time"

	"arauto/internal/events"
	"arauto/internal/lease"
	"arauto/internal/listimport"
	"arauto/internal/recipient"
)

// TestLeasedImportIsTakenOverOnce: two instances over one store; the list's
// import was started by a third that died holding its lease. Until the
// lease expires nobody imports it, and both show its recorded progress;
// then exactly one of the two takes it over and imports it whole.
func TestLeasedImportIsTakenOverOnce(t *testing.T) {
	st, _ := openStore(t)
	ctx := context.Background()
	const ttl = 300 * time.Millisecond
	type instance struct {
		jobs *listimport.Jobs
		hub  *events.Hub
	}
	var inst []instance
	for _, h := range []string{"a", "b"} {
		hub := events.New()
		jobs := listimport.New(st, hub, nil, &lease.Keeper{Store: st, Holder: h, TTL: ttl})
		t.Cleanup(jobs.Shutdown)
		inst = append(inst, instance{jobs, hub})
	}
	// The dead instance took the list's lease before storing the list, so
	// nobody else may start it yet.
	now := time.Now()
	if ok, err := st.AcquireLease(ctx, listimport.LeaseName(1), "dead", now, now.Add(2*ttl)); err != nil || !ok {
		t.Fatalf("got %v, %v taking the lease, want true", ok, err)
	}
	path := saveUpload(t, clients)
	l, err := inst[0].jobs.Upload(ctx, listimport.Upload{Path: path, FileName: "clientes.csv", Size: int64(len(clients)), Region: "BR", Start: true})
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != 1 {
		t.Fatalf("got list %d, want 1", l.ID)
	}
	if err := st.SetListProgress(ctx, l.ID, recipient.Progress{Rows: 1, Valid: 1, TotalBytes: int64(len(clients))}); err != nil {
		t.Fatal(err)
	}
	for i, in := range inst {
		p, running := in.jobs.Progress(ctx, l.ID)
		if !running || p.Rows != 1 {
			t.Errorf("instance %d: got progress %+v running=%v, want the recorded 1 row, running", i, p, running)
		}
	}
	var done []<-chan events.Event
	for _, in := range inst {
		ch, cancel := in.hub.Subscribe(listimport.Topic(l.ID))
		t.Cleanup(cancel)
		done = append(done, ch)
		if err := in.jobs.Resume(ctx); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(ttl / 2)
	if got, _ := st.ListByID(ctx, l.ID); got.State != recipient.ListImporting {
		t.Fatalf("got state %s while the dead instance's lease lasts, want importing", got.State)
	}
	for _, in := range inst {
		in.jobs.StartResumer(50 * time.Millisecond)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := st.ListByID(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == recipient.ListReady {
			if got.Valid != 2 || got.Rows != 2 {
				t.Errorf("got %d rows, %d valid, want 2 and 2", got.Rows, got.Valid)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got state %s after the lease expired, want ready", got.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // a second import would finish by now
	dones := 0
	for _, ch := range done {
		for len(ch) > 0 {
			if e := <-ch; e.Name == "done" {
				dones++
			}
		}
	}
	if dones != 1 {
		t.Errorf("got %d imports finished, want 1", dones)
	}
	for i, in := range inst {
		if _, running := in.jobs.Progress(ctx, l.ID); running {
			t.Errorf("instance %d: got the import running after it finished, want not", i)
		}
	}
}
