package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
)

// QuitGrace is how long after SIGTERM or SIGINT Tusk waits for Wails to
// close the window before it shuts down by itself.
const QuitGrace = time.Second

// quitOnSignal makes SIGTERM and SIGINT quit the app from before wails.Run
// until the desktop's own handler takes over in OnStartup
// (desktop.handleSignals). Wails answers the first signal by asking GTK to
// leave its main loop (gtk_main_quit), and only the first: a signal that
// arrives before the loop runs — in the first instants after launch — is
// lost, and the app would never exit, ignoring every later SIGTERM. So Tusk
// listens too: after a signal it gives Wails QuitGrace to return, then shuts
// the state down (bounded) and exits; a second signal does that at once.
// stop ends the listening once Wails has returned.
func quitOnSignal(app *App, log *logrus.Logger, exit func(code int)) (stop func()) {
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	done := make(chan struct{})
	go func() {
		var first os.Signal
		select {
		case first = <-signals:
		case <-done:
			return
		}
		log.WithField("signal", first.String()).Info("quit requested by a signal")
		t := time.NewTimer(QuitGrace)
		defer t.Stop()
		select {
		case <-done:
			return
		case <-t.C:
			log.Warn("the window did not close after the signal; shutting down without it")
		case s := <-signals:
			log.WithField("signal", s.String()).Warn("a second signal: shutting down at once")
		}
		app.shutdown(context.Background())
		exit(0)
	}()
	return func() {
		signal.Stop(signals)
		close(done)
	}
}
