package main

import (
	"github.com/tusk-app/tusk/backend/storage"
)

// HistoryRequest pages through (or searches) the query history.
type HistoryRequest struct {
	// Search is full-text: every word must match as a prefix; "" lists the
	// most recent entries.
	Search string                `json:"search"`
	Filter storage.HistoryFilter `json:"filter"`
}

// History returns history entries, newest first.
func (a *App) History(req HistoryRequest) ([]storage.HistoryEntry, error) {
	st, err := a.state()
	if err != nil {
		return nil, err
	}
	if req.Search == "" {
		return st.Store().LoadHistory(a.ctx0(), req.Filter)
	}
	return st.Store().SearchHistory(a.ctx0(), req.Search, req.Filter)
}

// ClearHistory deletes the history of one connection, or all history when
// connectionID is "", and returns how many entries went.
func (a *App) ClearHistory(connectionID string) (int64, error) {
	st, err := a.state()
	if err != nil {
		return 0, err
	}
	if connectionID == "" {
		return st.Store().ClearAllHistory(a.ctx0())
	}
	return st.Store().ClearHistory(a.ctx0(), connectionID)
}

// SavedQueries lists the saved queries in folder and its subfolders ("" or
// "/" for all).
func (a *App) SavedQueries(folder string) ([]storage.SavedQuery, error) {
	st, err := a.state()
	if err != nil {
		return nil, err
	}
	if folder == "" || folder == storage.RootFolder {
		return st.Store().LoadSavedQueries(a.ctx0())
	}
	return st.Store().LoadSavedQueriesInFolder(a.ctx0(), folder)
}

// SavedQueryFolders lists every folder that holds saved queries, with their
// parents and the root.
func (a *App) SavedQueryFolders() ([]string, error) {
	st, err := a.state()
	if err != nil {
		return nil, err
	}
	return st.Store().LoadFolders(a.ctx0())
}

// SaveQuery creates a saved query (empty ID) or updates one.
func (a *App) SaveQuery(q storage.SavedQuery) (storage.SavedQuery, error) {
	st, err := a.state()
	if err != nil {
		return storage.SavedQuery{}, err
	}
	if q.ID == "" {
		return st.Store().CreateSavedQuery(a.ctx0(), q)
	}
	return st.Store().UpdateSavedQuery(a.ctx0(), q)
}

// MoveSavedQuery moves a saved query to folder.
func (a *App) MoveSavedQuery(id, folder string) (storage.SavedQuery, error) {
	st, err := a.state()
	if err != nil {
		return storage.SavedQuery{}, err
	}
	return st.Store().MoveSavedQuery(a.ctx0(), id, folder)
}

// DeleteSavedQuery deletes a saved query.
func (a *App) DeleteSavedQuery(id string) error {
	st, err := a.state()
	if err != nil {
		return err
	}
	return st.Store().DeleteSavedQuery(a.ctx0(), id)
}
