package main

// SetWindowTitle sets the window's title, for example
// "Untitled 2 — shop/postgres — Tusk". Control characters are dropped and
// long titles cut; "" restores "Tusk".
func (a *App) SetWindowTitle(title string) { a.desk.setTitle(title) }

// RequestQuit starts quitting as the window's close button does: the
// frontend then receives app:quit-requested (see QuitRequest).
func (a *App) RequestQuit() { a.desk.shell().Quit() }

// AcknowledgeQuit tells the backend the frontend received
// app:quit-requested requestID and is deciding, so no native fallback
// dialog is shown.
func (a *App) AcknowledgeQuit(requestID string) { a.desk.quit.acknowledge(requestID) }

// ConfirmQuit quits now, without asking again.
func (a *App) ConfirmQuit() { a.desk.quit.confirm() }

// CancelQuit keeps the app open.
func (a *App) CancelQuit() { a.desk.quit.cancel() }
