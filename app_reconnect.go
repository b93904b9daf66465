package main

import "github.com/tusk-app/tusk/backend/state"

// ConnectionStates returns the state of every open connection (connected
// or reconnecting) and of those lost or stopped since they were connected;
// connection:state events carry every change afterwards.
func (a *App) ConnectionStates() ([]state.ConnectionState, error) {
	st, err := a.state()
	if err != nil {
		return nil, err
	}
	return st.ConnectionStates(), nil
}

// StopReconnect stops trying to reach a connection's server and closes the
// connection (connection:state "stopped"). It reports whether the
// connection was reconnecting, and answers within a second whatever the
// network does.
func (a *App) StopReconnect(req ConnectionRef) (bool, error) {
	st, err := a.begin(req)
	if err != nil {
		return false, err
	}
	return st.StopReconnect(req.ConnectionID), nil
}
