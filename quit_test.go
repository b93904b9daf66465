package main

import (
	"syscall"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
)

// TestSignalQuitsWithoutTheWindow: SIGTERM while Wails is not answering it
// (before the GTK main loop runs) still shuts the app down and exits after
// QuitGrace; a second signal does it at once. Which path ended it is read
// from the log, not from the clock: on a loaded machine two signals sent
// close together may arrive as one, so the second is sent only once the
// first was heard.
func TestSignalQuitsWithoutTheWindow(t *testing.T) {
	for _, twice := range []bool{false, true} {
		app, _ := newTestApp(t)
		log := logrus.New()
		hook := logtest.NewLocal(log)
		exited := make(chan int, 1)
		stop := quitOnSignal(app, log, func(code int) { exited <- code })
		start := time.Now()
		if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if twice {
			waitLog(t, hook, "quit requested by a signal")
			_ = syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
		}
		select {
		case code := <-exited:
			t.Logf("second signal %v: exited with %d after %v", twice, code, time.Since(start))
		case <-time.After(QuitGrace + 30*time.Second):
			t.Fatal("the app never exited after SIGTERM")
		}
		want := "the window did not close after the signal; shutting down without it"
		if twice {
			want = "a second signal: shutting down at once"
		}
		waitLog(t, hook, want)
		if _, err := app.AppInfo(); err == nil {
			if _, err := app.st.Store().LoadConnections(t.Context()); err == nil {
				t.Error("the state was not closed before exiting")
			}
		}
		stop()
	}
}

// waitLog waits (at most 30 s) for a log entry with the message msg.
func waitLog(t *testing.T, hook *logtest.Hook, msg string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for _, e := range hook.AllEntries() {
			if e.Message == msg {
				return
			}
		}
	}
	t.Fatalf("no log entry %q within 30 s", msg)
}
