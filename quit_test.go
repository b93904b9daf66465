package main

import (
	"syscall"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
)

// TestSignalQuitsWithoutTheWindow: SIGTERM while Wails is not answering it
// (before the GTK main loop runs) still shuts the app down and exits,
// within QuitGrace; a second signal does it at once.
func TestSignalQuitsWithoutTheWindow(t *testing.T) {
	for _, twice := range []bool{false, true} {
		app, _ := newTestApp(t)
		exited := make(chan int, 1)
		stop := quitOnSignal(app, logrus.New(), func(code int) { exited <- code })
		start := time.Now()
		if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if twice {
			time.Sleep(50 * time.Millisecond)
			_ = syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
		}
		select {
		case code := <-exited:
			took := time.Since(start)
			t.Logf("second signal %v: exited with %d after %v", twice, code, took)
			if twice && took > time.Second {
				t.Errorf("a second signal took %v", took)
			}
		case <-time.After(QuitGrace + 3*time.Second):
			t.Fatal("the app never exited after SIGTERM")
		}
		if _, err := app.AppInfo(); err == nil {
			if _, err := app.st.Store().LoadConnections(t.Context()); err == nil {
				t.Error("the state was not closed before exiting")
			}
		}
		stop()
	}
}

// TestSignalAfterWailsReturnedIsNotOurs: once Wails has returned (stop),
// the listener is gone.
func TestSignalAfterWailsReturnedIsNotOurs(t *testing.T) {
	app, _ := newTestApp(t)
	exited := make(chan int, 1)
	stop := quitOnSignal(app, logrus.New(), func(code int) { exited <- code })
	stop()
	select {
	case <-exited:
		t.Fatal("exited without a signal")
	case <-time.After(100 * time.Millisecond):
	}
}
