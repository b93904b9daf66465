package main

import (
	"context"
	"fmt"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tusk-app/tusk/backend/state"
)

// startup is Wails' OnStartup hook. When the data directory could not be
// created (FR-027a) it asks the user for another location, or exits.
func (a *App) startup(ctx context.Context) {
	a.mu.Lock()
	a.ctx = ctx
	missing := a.st == nil
	a.mu.Unlock()
	if a.emitter != nil {
		a.emitter.start(ctx)
	}
	a.desk.start(ctx)
	a.log.WithField("since_process_start_ms", time.Since(a.started).Milliseconds()).Info("window started")
	if missing {
		a.chooseDataDir(ctx, wailsPrompt{ctx})
	}
}

// prompt is what chooseDataDir needs from the desktop: a yes/no question, a
// folder picker and a way to quit. Wails provides it at run time; tests fake it.
type prompt interface {
	Ask(title, message string) bool
	PickFolder(title string) (string, error)
	Quit()
}

// chooseDataDir asks until a usable directory is chosen (and adopts a state
// there) or the user declines, in which case the app quits. It reports
// whether a state was adopted.
func (a *App) chooseDataDir(ctx context.Context, p prompt) bool {
	wanted, reason := a.wantedDataDir, a.dataDirErr
	for {
		msg := fmt.Sprintf("Tusk cannot use its data directory %q:\n%v\n\nChoose another location? (No exits Tusk.)", wanted, reason)
		if !p.Ask("Data directory unavailable", msg) {
			a.log.Warn("no data directory chosen; exiting")
			p.Quit()
			return false
		}
		dir, err := p.PickFolder("Choose a folder for Tusk's data")
		if err != nil || dir == "" {
			continue
		}
		opts := state.Options{DataDir: dir, Log: a.log}
		if a.emitter != nil {
			opts.Emitter = a.emitter
		}
		st, err := state.New(ctx, opts)
		if err != nil {
			wanted, reason = dir, err
			continue
		}
		a.log.WithField("data_dir", dir).Info("using the data directory chosen by the user for this session")
		a.adoptState(st)
		return true
	}
}

// wailsPrompt asks through native dialogs.
type wailsPrompt struct{ ctx context.Context }

func (w wailsPrompt) Ask(title, message string) bool {
	answer, err := runtime.MessageDialog(w.ctx, runtime.MessageDialogOptions{
		Type:          runtime.QuestionDialog,
		Title:         title,
		Message:       message,
		Buttons:       []string{"Choose another location", "Exit"},
		DefaultButton: "Choose another location",
		CancelButton:  "Exit",
	})
	// GTK question dialogs answer Yes/No whatever the button labels.
	return err == nil && (answer == "Yes" || answer == "Choose another location")
}

func (w wailsPrompt) PickFolder(title string) (string, error) {
	return runtime.OpenDirectoryDialog(w.ctx, runtime.OpenDialogOptions{Title: title, CanCreateDirectories: true})
}

func (w wailsPrompt) Quit() { runtime.Quit(w.ctx) }

// shutdown is Wails' OnShutdown hook: close the state (waiting for background
// work), then flush and close the log. Safe to call more than once.
func (a *App) shutdown(context.Context) {
	a.memory.Close()
	a.mu.Lock()
	st := a.st
	a.mu.Unlock()
	if st != nil {
		if err := st.Close(); err != nil {
			a.log.WithError(err).Error("closing state")
		}
	}
	a.log.Info("tusk stopped")
	if err := a.logs.Close(); err != nil {
		fmt.Println("tusk: flushing logs:", err)
	}
}
