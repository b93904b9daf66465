package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The window's colours must be the page's: a drift shows as a flash of
// another colour at every start.
func TestBackgroundsMatchTheFrontend(t *testing.T) {
	css, err := os.ReadFile("frontend/src/app.css")
	if err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile("frontend/index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		theme, file, pattern string
		text                 []byte
	}{
		{"light", "app.css", `(?s):root \{[^}]*--bg: (#[0-9a-f]{6})`, css},
		{"dark", "app.css", `(?s):root\[data-theme='dark'\] \{[^}]*--bg: (#[0-9a-f]{6})`, css},
		{"light", "index.html", `html \{ background: (#[0-9a-f]{6})`, index},
		{"dark", "index.html", `html\[data-theme='dark'\] \{ background: (#[0-9a-f]{6})`, index},
	} {
		m := regexp.MustCompile(c.pattern).FindSubmatch(c.text)
		if m == nil {
			t.Errorf("%s: no %s background found (pattern %s)", c.file, c.theme, c.pattern)
			continue
		}
		bg := backgrounds[c.theme]
		if want := fmt.Sprintf("#%02x%02x%02x", bg.R, bg.G, bg.B); string(m[1]) != want {
			t.Errorf("%s: %s background %s, the window's is %s", c.file, c.theme, m[1], want)
		}
	}
}

func TestThemedIndex(t *testing.T) {
	page := `<!doctype html><html lang="en"><head></head><body></body></html>`
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/app.js" {
			w.Header().Set("Content-Type", "text/javascript")
			_, _ = io.WriteString(w, "const html = '<html lang>';")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", fmt.Sprint(len(page)))
		_, _ = io.WriteString(w, page)
	})
	h := themedIndex("dark")(next)
	for _, c := range []struct{ path, want string }{
		{"/", `<html data-theme="dark" lang="en">`},
		{"/index.html", `<html data-theme="dark" lang="en">`},
		{"/app.js", "const html = '<html lang>';"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("GET %s = %d %q; want it to contain %q", c.path, rec.Code, rec.Body.String(), c.want)
		}
		if cl := rec.Header().Get("Content-Length"); cl != "" && cl != fmt.Sprint(rec.Body.Len()) {
			t.Errorf("GET %s: Content-Length %s for %d bytes", c.path, cl, rec.Body.Len())
		}
	}
}

func TestInitialThemeIsTheSavedOne(t *testing.T) {
	app, _ := newTestApp(t)
	st, err := app.state()
	if err != nil {
		t.Fatal(err)
	}
	for _, theme := range []string{"dark", "light"} {
		if err := st.Store().SaveUIState(context.Background(), "theme", []byte(`"`+theme+`"`)); err != nil {
			t.Fatal(err)
		}
		if got := initialTheme(st); got != theme {
			t.Errorf("saved %q: initialTheme = %q", theme, got)
		}
	}
}
