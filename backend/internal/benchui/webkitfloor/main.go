//go:build linux

// Command webkitfloor is bench-ui's anchor for startup and idle memory: the
// least a Go program with a WebKitGTK window can do. It links GTK and
// WebKitGTK 4.1 through cgo as the app does (through Wails), opens a
// 1024×768 window with one web view under the app's settings (hardware
// acceleration never), loads a page of a few bytes, and prints
// "first paint <ms since the page's navigation started>" once the page's
// first frame is painted, measured the way the app measures its own
// (frontend/src/lib/startup.svelte.ts: requestAnimationFrame, then the
// first task after the frame). It
// then stays idle until it is killed, for bench-ui to read its memory.
//
// Whatever the app takes beyond these figures is Wails' and Tusk's; what
// this takes is WebKitGTK's on this machine, which no web UI on it beats.
package main

/*
#cgo pkg-config: gtk+-3.0 webkit2gtk-4.1
#include <stdio.h>
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

static void on_message(WebKitUserContentManager *m, WebKitJavascriptResult *r, gpointer data) {
	(void)m; (void)data;
	JSCValue *v = webkit_javascript_result_get_js_value(r);
	printf("first paint %.1f\n", jsc_value_to_double(v));
	fflush(stdout);
}

static void floor_run(void) {
	gtk_init(NULL, NULL);
	GtkWidget *win = gtk_window_new(GTK_WINDOW_TOPLEVEL);
	gtk_window_set_default_size(GTK_WINDOW(win), 1024, 768);
	g_signal_connect(win, "destroy", G_CALLBACK(gtk_main_quit), NULL);

	WebKitUserContentManager *ucm = webkit_user_content_manager_new();
	g_signal_connect(ucm, "script-message-received::floor", G_CALLBACK(on_message), NULL);
	webkit_user_content_manager_register_script_message_handler(ucm, "floor");
	GtkWidget *view = webkit_web_view_new_with_user_content_manager(ucm);
	WebKitSettings *s = webkit_web_view_get_settings(WEBKIT_WEB_VIEW(view));
	webkit_settings_set_hardware_acceleration_policy(s, WEBKIT_HARDWARE_ACCELERATION_POLICY_NEVER);

	gtk_container_add(GTK_CONTAINER(win), view);
	webkit_web_view_load_html(WEBKIT_WEB_VIEW(view),
		"<!doctype html><html><body style=\"background:#fbfbfc;font:13px sans-serif\">"
		"<p>floor</p><script>requestAnimationFrame(() => { const c = new MessageChannel();"
		" c.port1.onmessage = () => window.webkit.messageHandlers.floor.postMessage(performance.now());"
		" c.port2.postMessage(null); })</script></body></html>",
		"about:blank");
	gtk_widget_show_all(win);
	gtk_main();
}
*/
import "C"

import "runtime"

func main() {
	runtime.LockOSThread() // GTK lives on the main thread
	C.floor_run()
}
