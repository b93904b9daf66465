package main

// TitleRequest is the window's new title.
type TitleRequest struct {
	Title string `json:"title"`
	argErr
}

func (r *TitleRequest) UnmarshalJSON(b []byte) error {
	type plain TitleRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// QuitAck names the app:quit-requested the frontend received.
type QuitAck struct {
	RequestID string `json:"requestId"`
	argErr
}

func (r *QuitAck) UnmarshalJSON(b []byte) error {
	type plain QuitAck
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// SetWindowTitle sets the window's title, for example
// "Untitled 2 — shop/postgres — Tusk". Control characters are dropped and
// long titles cut; "" restores "Tusk".
func (a *App) SetWindowTitle(req TitleRequest) error {
	if bad := req.argError(); bad != nil {
		return bad
	}
	a.desk.setTitle(req.Title)
	return nil
}

// RequestQuit starts quitting as the window's close button does: the
// frontend then receives app:quit-requested (see QuitRequest).
func (a *App) RequestQuit() { a.desk.shell().Quit() }

// AcknowledgeQuit tells the backend the frontend received
// app:quit-requested requestID and is deciding, so no native fallback
// dialog is shown.
func (a *App) AcknowledgeQuit(req QuitAck) error {
	if bad := req.argError(); bad != nil {
		return bad
	}
	a.desk.quit.acknowledge(req.RequestID)
	return nil
}

// ConfirmQuit quits now, without asking again.
func (a *App) ConfirmQuit() { a.desk.quit.confirm() }

// CancelQuit keeps the app open.
func (a *App) CancelQuit() { a.desk.quit.cancel() }
