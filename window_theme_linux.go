//go:build linux

package main

/*
#cgo pkg-config: gtk+-3.0
#include <stdlib.h>
#include <string.h>
#include <gtk/gtk.h>

static GtkCssProvider *startup_css;

static int tusk_gtk_init(void) { return gtk_init_check(NULL, NULL); }

// tusk_prefers_dark reads the desktop's preference as GtkSettings has it:
// a dark variant asked for, or a theme named "…-dark".
static int tusk_prefers_dark(void) {
	GtkSettings *s = gtk_settings_get_default();
	if (!s) return 0;
	gboolean dark = FALSE;
	gchar *name = NULL;
	g_object_get(s, "gtk-application-prefer-dark-theme", &dark, "gtk-theme-name", &name, NULL);
	if (name) {
		gchar *lower = g_ascii_strdown(name, -1);
		if (g_str_has_suffix(lower, "-dark") || strstr(lower, ":dark")) dark = TRUE;
		g_free(lower);
		g_free(name);
	}
	return dark;
}

static void tusk_paint_windows(const char *css) {
	GdkScreen *screen = gdk_screen_get_default();
	if (!screen || startup_css) return;
	startup_css = gtk_css_provider_new();
	gtk_css_provider_load_from_data(startup_css, css, -1, NULL);
	gtk_style_context_add_provider_for_screen(screen, GTK_STYLE_PROVIDER(startup_css), GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static gboolean unpaint(gpointer data) {
	(void)data;
	if (startup_css) {
		gtk_style_context_remove_provider_for_screen(gdk_screen_get_default(), GTK_STYLE_PROVIDER(startup_css));
		g_object_unref(startup_css);
		startup_css = NULL;
	}
	return G_SOURCE_REMOVE;
}

// tusk_unpaint_windows may be called from any thread.
static void tusk_unpaint_windows(void) { g_idle_add(unpaint, NULL); }
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"unsafe"

	"github.com/wailsapp/wails/v2/pkg/options"
)

// GTK wants one thread: keep main on the process's main thread from the
// start, since it calls GTK before Wails does.
func init() { runtime.LockOSThread() }

var gtkReady = sync.OnceValue(func() bool {
	// As Wails does before its own gtk_init: X11 unless in a Wayland session.
	if t := os.Getenv("XDG_SESSION_TYPE"); os.Getenv("GDK_BACKEND") == "" && (t == "" || t == "unspecified" || t == "x11") {
		_ = os.Setenv("GDK_BACKEND", "x11")
	}
	return C.tusk_gtk_init() == 1
})

// desktopPrefersDark reports whether GTK is set to a dark theme. Call it
// from main only (GTK's thread).
func desktopPrefersDark() bool {
	return gtkReady() && C.tusk_prefers_dark() == 1
}

// paintWindows gives GTK windows the app's background until unpaintWindows,
// so the window's first frames (before the webview draws) are the app's
// colour, not the GTK theme's. Call it from main only, before Wails runs.
func paintWindows(bg options.RGBA) {
	if !gtkReady() {
		return
	}
	css := C.CString(fmt.Sprintf("window { background-color: #%02x%02x%02x; }", bg.R, bg.G, bg.B))
	defer C.free(unsafe.Pointer(css))
	C.tusk_paint_windows(css)
}

// unpaintWindows gives windows their theme's background again (the webview
// covers the main window by then; dialogs keep the desktop's look). Safe
// from any goroutine.
func unpaintWindows() { C.tusk_unpaint_windows() }
