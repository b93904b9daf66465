package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"

	"github.com/tusk-app/tusk/backend/state"
)

// The app's background per theme: --bg in frontend/src/app.css and the
// inline styles of frontend/index.html (a test keeps them equal). The window
// shows it from its first frame, before the webview has painted anything.
var backgrounds = map[string]options.RGBA{
	"light": {R: 0xfb, G: 0xfb, B: 0xfc, A: 255},
	"dark":  {R: 0x16, G: 0x18, B: 0x1c, A: 255},
}

// initialTheme is the theme the window opens in: the one the user chose
// (ui_state "theme", written by frontend/src/lib/theme.svelte.ts), else the
// desktop's preference.
func initialTheme(st *state.State) string {
	if st != nil {
		if raw, err := st.Store().LoadUIState(context.Background(), "theme"); err == nil {
			var saved string
			if json.Unmarshal(raw, &saved) == nil && (saved == "light" || saved == "dark") {
				return saved
			}
		}
	}
	if desktopPrefersDark() {
		return "dark"
	}
	return "light"
}

// themedIndex is asset middleware that opens index.html in theme: it sets
// data-theme on <html>, so the page's inline styles and the app pick the same
// colours as the window from the first frame.
func themedIndex(theme string) assetserver.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || (r.URL.Path != "/" && r.URL.Path != "/index.html") {
				next.ServeHTTP(w, r)
				return
			}
			rec := &htmlRecorder{header: http.Header{}, code: http.StatusOK}
			next.ServeHTTP(rec, r)
			body := rec.body.Bytes()
			if rec.code == http.StatusOK && strings.HasPrefix(rec.header.Get("Content-Type"), "text/html") {
				body = bytes.Replace(body, []byte("<html "), []byte(`<html data-theme="`+theme+`" `), 1)
				rec.header.Del("Content-Length")
			}
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.code)
			_, _ = w.Write(body)
		})
	}
}

// htmlRecorder keeps a response in memory (index.html is a few kB).
type htmlRecorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (h *htmlRecorder) Header() http.Header         { return h.header }
func (h *htmlRecorder) WriteHeader(code int)        { h.code = code }
func (h *htmlRecorder) Write(p []byte) (int, error) { return h.body.Write(p) }
