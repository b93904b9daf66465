package main

/*
#cgo webkit2_41 pkg-config: webkit2gtk-4.1
#cgo !webkit2_41 pkg-config: webkit2gtk-4.0
#include <webkit2/webkit2.h>
#include <stdint.h>
#include <stdlib.h>

extern void tuskWebCollected(uintptr_t h, gint64 took_us, gint64 before, gint64 after, gboolean full, char *err);

static void tusk_webext_dir(const char *dir) {
	webkit_web_context_set_web_extensions_directory(webkit_web_context_get_default(), dir);
}

static WebKitWebView *tusk_find_webview(GtkWidget *w) {
	if (WEBKIT_IS_WEB_VIEW(w)) return WEBKIT_WEB_VIEW(w);
	if (!GTK_IS_CONTAINER(w)) return NULL;
	GList *children = gtk_container_get_children(GTK_CONTAINER(w));
	WebKitWebView *found = NULL;
	for (GList *l = children; l != NULL && found == NULL; l = l->next) found = tusk_find_webview(GTK_WIDGET(l->data));
	g_list_free(children);
	return found;
}

static void tusk_collected(GObject *view, GAsyncResult *res, gpointer h) {
	GError *err = NULL;
	WebKitUserMessage *reply = webkit_web_view_send_message_to_page_finish(WEBKIT_WEB_VIEW(view), res, &err);
	if (reply == NULL) {
		tuskWebCollected((uintptr_t)h, 0, 0, 0, FALSE, err != NULL ? err->message : "no reply");
		g_clear_error(&err);
		return;
	}
	GVariant *p = webkit_user_message_get_parameters(reply);
	gint64 took = 0, before = 0, after = 0;
	gboolean full = FALSE;
	if (p != NULL && g_variant_is_of_type(p, G_VARIANT_TYPE("(xxxb)"))) g_variant_get(p, "(xxxb)", &took, &before, &after, &full);
	tuskWebCollected((uintptr_t)h, took, before, after, full, NULL);
	g_object_unref(reply);
}

// tusk_web_collect asks the page's web extension to collect; the answer goes
// to tuskWebCollected(h, …). 0: there is no web view (yet, or any more).
static int tusk_web_collect(uintptr_t h) {
	GList *tops = gtk_window_list_toplevels();
	WebKitWebView *view = NULL;
	for (GList *l = tops; l != NULL && view == NULL; l = l->next) view = tusk_find_webview(GTK_WIDGET(l->data));
	g_list_free(tops);
	if (view == NULL) return 0;
	webkit_web_view_send_message_to_page(view, webkit_user_message_new("tusk:collect", NULL), NULL, tusk_collected, (gpointer)h);
	return 1;
}
*/
import "C"

import (
	"errors"
	"os"
	"path/filepath"
	"runtime/cgo"
	"time"
	"unsafe"

	"github.com/sirupsen/logrus"
)

// webExtensionFile is the web extension's library (webext/, built by
// scripts/webext.sh).
const webExtensionFile = "libtusk-webext.so"

// webExtensionDir finds the directory holding the web extension: TUSK_WEBEXT_DIR,
// webext/ beside the executable (a build, the tarball), or ../lib/tusk/webext
// (the .deb and .rpm install the app in /usr/bin). "" when there is none.
func webExtensionDir() string {
	if dir := os.Getenv("TUSK_WEBEXT_DIR"); dir != "" {
		return dir
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	for _, dir := range []string{
		filepath.Join(filepath.Dir(exe), "webext"),
		filepath.Join(filepath.Dir(exe), "..", "lib", "tusk", "webext"),
	} {
		if _, err := os.Stat(filepath.Join(dir, webExtensionFile)); err == nil {
			return filepath.Clean(dir)
		}
	}
	return ""
}

// webMemory asks the web process to give memory back, through the web
// extension; without one it does nothing.
type webMemory struct {
	log *logrus.Logger
	dir string
}

// setupWebExtension points WebKit at the web extension. It must run on the
// GTK thread before the web view loads its page (the web process reads the
// directory when it starts): main's thread, before wails.Run.
func setupWebExtension(log *logrus.Logger) *webMemory {
	w := &webMemory{log: log, dir: webExtensionDir()}
	if w.dir == "" {
		log.Info("web extension: not found; the web process gives memory back only when it collects by itself")
		return w
	}
	dir := C.CString(w.dir)
	defer C.free(unsafe.Pointer(dir))
	C.tusk_webext_dir(dir)
	log.Info("web extension: found in " + w.dir)
	return w
}

// collect asks the web process for a full collection, and logs its answer:
// "web process memory collected", or why not.
func (w *webMemory) collect() {
	if w == nil || w.dir == "" {
		return
	}
	asked := time.Now()
	h := cgo.NewHandle(func(took time.Duration, before, after int64, full bool, err error) {
		if err != nil {
			w.log.WithError(err).Warn("web process memory not collected")
			return
		}
		w.log.WithFields(logrus.Fields{
			"took_ms":   took.Milliseconds(),
			"answer_ms": time.Since(asked).Milliseconds(),
			"before_mb": before >> 20,
			"after_mb":  after >> 20,
			"full":      full,
		}).Info("web process memory collected")
	})
	var sent C.int
	if err := onMain(func() { sent = C.tusk_web_collect(C.uintptr_t(h)) }); err != nil || sent == 0 {
		h.Delete()
	}
}

// webCollected hands the web extension's answer to the callback behind h.
func webCollected(h cgo.Handle, tookUS, before, after int64, full bool, errText string) {
	fn := h.Value().(func(time.Duration, int64, int64, bool, error))
	h.Delete()
	var err error
	if errText != "" {
		err = errors.New(errText)
	}
	go fn(time.Duration(tookUS)*time.Microsecond, before, after, full, err)
}
