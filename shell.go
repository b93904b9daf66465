package main

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tusk-app/tusk/backend/window"
)

// shell is the part of Wails' runtime the desktop features use; tests
// replace it with a fake.
type shell interface {
	OpenFileDialog(opts runtime.OpenDialogOptions) (string, error)
	SaveFileDialog(opts runtime.SaveDialogOptions) (string, error)
	// Ask shows a native yes/no question and reports whether the answer
	// was yes.
	Ask(title, message, yes, no string) bool
	SetTitle(title string)
	// Focus brings the window to the front (un-minimising it).
	Focus()
	// Quit closes the window, through OnBeforeClose.
	Quit()
	// UpdateMenu redraws the application menu after its items changed
	// (not used on Linux, see gtkShell).
	UpdateMenu()
	// WindowState reads the window's geometry through Wails.
	WindowState() window.State
}

// wailsShell is shell over Wails' runtime.
type wailsShell struct{ ctx context.Context }

func (w wailsShell) OpenFileDialog(opts runtime.OpenDialogOptions) (string, error) {
	return runtime.OpenFileDialog(w.ctx, opts)
}

func (w wailsShell) SaveFileDialog(opts runtime.SaveDialogOptions) (string, error) {
	return runtime.SaveFileDialog(w.ctx, opts)
}

func (w wailsShell) Ask(title, message, yes, no string) bool {
	answer, err := runtime.MessageDialog(w.ctx, runtime.MessageDialogOptions{
		Type: runtime.QuestionDialog, Title: title, Message: message,
		Buttons: []string{yes, no}, DefaultButton: yes, CancelButton: no,
	})
	// GTK question dialogs answer Yes/No whatever the button labels.
	return err == nil && (answer == "Yes" || answer == yes)
}

func (w wailsShell) SetTitle(title string) { runtime.WindowSetTitle(w.ctx, title) }

func (w wailsShell) Focus() {
	runtime.WindowShow(w.ctx)
	runtime.WindowUnminimise(w.ctx) // gtk_window_present on Linux
}

func (w wailsShell) Quit() { runtime.Quit(w.ctx) }

func (w wailsShell) UpdateMenu() { runtime.MenuUpdateApplicationMenu(w.ctx) }

func (w wailsShell) WindowState() window.State {
	x, y := runtime.WindowGetPosition(w.ctx)
	wd, h := runtime.WindowGetSize(w.ctx)
	return window.State{X: x, Y: y, Width: wd, Height: h, Maximised: runtime.WindowIsMaximised(w.ctx)}
}
