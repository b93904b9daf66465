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
	argErr
}

func (r *HistoryRequest) UnmarshalJSON(b []byte) error {
	type plain HistoryRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// FolderRequest names a folder of saved queries ("" or "/" for all).
type FolderRequest struct {
	Folder string `json:"folder"`
	argErr
}

func (r *FolderRequest) UnmarshalJSON(b []byte) error {
	type plain FolderRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// SaveQueryRequest creates a saved query (empty ID) or updates one.
type SaveQueryRequest struct {
	storage.SavedQuery
	argErr
}

func (r *SaveQueryRequest) UnmarshalJSON(b []byte) error {
	type plain SaveQueryRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// MoveSavedQueryRequest moves a saved query to Folder.
type MoveSavedQueryRequest struct {
	ID     string `json:"id"`
	Folder string `json:"folder"`
	argErr
}

func (r *MoveSavedQueryRequest) UnmarshalJSON(b []byte) error {
	type plain MoveSavedQueryRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// History returns history entries, newest first.
func (a *App) History(req HistoryRequest) ([]storage.HistoryEntry, error) {
	st, err := a.begin(req)
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
func (a *App) ClearHistory(req ConnectionRef) (int64, error) {
	st, err := a.begin(req)
	if err != nil {
		return 0, err
	}
	if req.ConnectionID == "" {
		return st.Store().ClearAllHistory(a.ctx0())
	}
	return st.Store().ClearHistory(a.ctx0(), req.ConnectionID)
}

// SavedQueries lists the saved queries in folder and its subfolders ("" or
// "/" for all).
func (a *App) SavedQueries(req FolderRequest) ([]storage.SavedQuery, error) {
	st, err := a.begin(req)
	if err != nil {
		return nil, err
	}
	if req.Folder == "" || req.Folder == storage.RootFolder {
		return st.Store().LoadSavedQueries(a.ctx0())
	}
	return st.Store().LoadSavedQueriesInFolder(a.ctx0(), req.Folder)
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
func (a *App) SaveQuery(req SaveQueryRequest) (storage.SavedQuery, error) {
	st, err := a.begin(req)
	if err != nil {
		return storage.SavedQuery{}, err
	}
	if req.ID == "" {
		return st.Store().CreateSavedQuery(a.ctx0(), req.SavedQuery)
	}
	return st.Store().UpdateSavedQuery(a.ctx0(), req.SavedQuery)
}

// MoveSavedQuery moves a saved query to folder.
func (a *App) MoveSavedQuery(req MoveSavedQueryRequest) (storage.SavedQuery, error) {
	st, err := a.begin(req)
	if err != nil {
		return storage.SavedQuery{}, err
	}
	return st.Store().MoveSavedQuery(a.ctx0(), req.ID, req.Folder)
}

// DeleteSavedQuery deletes a saved query.
func (a *App) DeleteSavedQuery(req IDRequest) error {
	st, err := a.begin(req)
	if err != nil {
		return err
	}
	return st.Store().DeleteSavedQuery(a.ctx0(), req.ID)
}
