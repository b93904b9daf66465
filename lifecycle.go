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
	a.log.WithField("since_process_start_ms", time.Since(a.started).Milliseconds()).Info("window started")
	if missing {
		a.chooseDataDir(ctx)
	}
}

// chooseDataDir loops on a native dialog until a usable directory is chosen
// or the user gives up, in which case the app quits.
func (a *App) chooseDataDir(ctx context.Context) {
	reason := a.dataDirErr
	for {
		msg := fmt.Sprintf("Tusk cannot use its data directory %q:\n%v\n\nChoose another location? (No exits Tusk.)", a.wantedDataDir, reason)
		answer, err := runtime.MessageDialog(ctx, runtime.MessageDialogOptions{
			Type:          runtime.QuestionDialog,
			Title:         "Data directory unavailable",
			Message:       msg,
			Buttons:       []string{"Choose another location", "Exit"},
			DefaultButton: "Choose another location",
			CancelButton:  "Exit",
		})
		if err != nil || (answer != "Yes" && answer != "Choose another location") {
			a.log.Warn("no data directory chosen; exiting")
			runtime.Quit(ctx)
			return
		}
		dir, err := runtime.OpenDirectoryDialog(ctx, runtime.OpenDialogOptions{Title: "Choose a folder for Tusk's data", CanCreateDirectories: true})
		if err != nil || dir == "" {
			continue
		}
		st, err := state.New(ctx, state.Options{DataDir: dir, Log: a.log})
		if err != nil {
			a.wantedDataDir, reason = dir, err
			continue
		}
		a.log.WithField("data_dir", dir).Info("using the data directory chosen by the user for this session")
		a.adoptState(st)
		return
	}
}

// shutdown is Wails' OnShutdown hook: close the state (waiting for background
// work), then flush and close the log. Safe to call more than once.
func (a *App) shutdown(context.Context) {
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
