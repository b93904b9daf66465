package main

/*
#cgo linux pkg-config: gtk+-3.0
#include <gtk/gtk.h>
#include <stdint.h>

extern void tuskRun(uintptr_t h);
extern void tuskMenuPath(uintptr_t h, char *path);

static gboolean tusk_idle(gpointer data) {
	tuskRun((uintptr_t)data);
	return G_SOURCE_REMOVE;
}

// tusk_invoke runs the Go function behind handle h on the GTK main thread.
static void tusk_invoke(uintptr_t h) { g_idle_add(tusk_idle, (gpointer)h); }

static GtkWidget *tusk_find_menubar(GtkWidget *w) {
	if (GTK_IS_MENU_BAR(w)) return w;
	if (!GTK_IS_CONTAINER(w)) return NULL;
	GList *children = gtk_container_get_children(GTK_CONTAINER(w));
	GtkWidget *found = NULL;
	for (GList *l = children; l != NULL && found == NULL; l = l->next) found = tusk_find_menubar(GTK_WIDGET(l->data));
	g_list_free(children);
	return found;
}

// tusk_main_window is the toplevel window that holds the menu bar.
static GtkWindow *tusk_main_window(void) {
	GList *tops = gtk_window_list_toplevels();
	GtkWindow *found = NULL;
	for (GList *l = tops; l != NULL && found == NULL; l = l->next) {
		GtkWindow *w = GTK_WINDOW(l->data);
		if (gtk_window_get_window_type(w) == GTK_WINDOW_TOPLEVEL && tusk_find_menubar(GTK_WIDGET(w)) != NULL) found = w;
	}
	g_list_free(tops);
	return found;
}

static GtkWidget *tusk_child_item(GtkWidget *shell, const char *label) {
	if (shell == NULL || !GTK_IS_CONTAINER(shell)) return NULL;
	GList *children = gtk_container_get_children(GTK_CONTAINER(shell));
	GtkWidget *found = NULL;
	for (GList *l = children; l != NULL && found == NULL; l = l->next) {
		if (GTK_IS_MENU_ITEM(l->data) && g_strcmp0(gtk_menu_item_get_label(GTK_MENU_ITEM(l->data)), label) == 0) found = GTK_WIDGET(l->data);
	}
	g_list_free(children);
	return found;
}

// tusk_menu_item finds the item labelled label in the top-level menu top.
static GtkWidget *tusk_menu_item(GtkWindow *win, const char *top, const char *label) {
	GtkWidget *topItem = tusk_child_item(tusk_find_menubar(GTK_WIDGET(win)), top);
	if (topItem == NULL) return NULL;
	return tusk_child_item(gtk_menu_item_get_submenu(GTK_MENU_ITEM(topItem)), label);
}

static void tusk_on_path(GtkMenuItem *item, gpointer h) {
	tuskMenuPath((uintptr_t)h, (char *)g_object_get_data(G_OBJECT(item), "tusk-path"));
}

// tusk_clear_submenu removes every item of item's submenu (creating an empty
// submenu when it has none) and returns the submenu.
static GtkWidget *tusk_clear_submenu(GtkWidget *item) {
	GtkWidget *menu = gtk_menu_item_get_submenu(GTK_MENU_ITEM(item));
	if (menu == NULL) {
		menu = gtk_menu_new();
		gtk_menu_item_set_submenu(GTK_MENU_ITEM(item), menu);
	}
	GList *children = gtk_container_get_children(GTK_CONTAINER(menu));
	for (GList *l = children; l != NULL; l = l->next) gtk_widget_destroy(GTK_WIDGET(l->data));
	g_list_free(children);
	return menu;
}

// tusk_append_item adds an item; choosing it calls tuskMenuPath(h, path).
// A NULL path makes a disabled item.
static void tusk_append_item(GtkWidget *menu, const char *label, const char *path, uintptr_t h) {
	GtkWidget *it = gtk_menu_item_new_with_label(label);
	if (path != NULL) {
		g_object_set_data_full(G_OBJECT(it), "tusk-path", g_strdup(path), g_free);
		g_signal_connect(it, "activate", G_CALLBACK(tusk_on_path), (gpointer)h);
	} else {
		gtk_widget_set_sensitive(it, FALSE);
	}
	gtk_menu_shell_append(GTK_MENU_SHELL(menu), it);
	gtk_widget_show(it);
}

static void tusk_append_separator(GtkWidget *menu) {
	GtkWidget *sep = gtk_separator_menu_item_new();
	gtk_menu_shell_append(GTK_MENU_SHELL(menu), sep);
	gtk_widget_show(sep);
}

// tusk_show_accel makes item display key+mods as its shortcut without
// registering an accelerator.
static gboolean tusk_show_accel(GtkWidget *item, guint key, GdkModifierType mods) {
	GtkWidget *child = gtk_bin_get_child(GTK_BIN(item));
	if (!GTK_IS_ACCEL_LABEL(child)) return FALSE;
	gtk_accel_label_set_accel(GTK_ACCEL_LABEL(child), key, mods);
	return TRUE;
}

static int tusk_monitor_count(GtkWindow *w) {
	return gdk_display_get_n_monitors(gtk_widget_get_display(GTK_WIDGET(w)));
}

static GdkRectangle tusk_monitor_workarea(GtkWindow *w, int i) {
	GdkRectangle r = {0, 0, 0, 0};
	GdkMonitor *m = gdk_display_get_monitor(gtk_widget_get_display(GTK_WIDGET(w)), i);
	if (m != NULL) gdk_monitor_get_workarea(m, &r);
	return r;
}

static gboolean tusk_is_maximised(GtkWindow *w) {
	return gtk_window_is_maximized(w);
}
*/
import "C"

import (
	"errors"
	"runtime/cgo"
	"time"
	"unsafe"

	"github.com/tusk-app/tusk/backend/command"
	"github.com/tusk-app/tusk/backend/window"
)

// gtkShell does what Wails v2 cannot on Linux, directly with GTK on its
// main thread:
//
//   - Replace the items of a submenu at run time. Wails' Linux
//     MenuSetApplicationMenu/MenuUpdateApplicationMenu build a new menu bar
//     that is never shown and reset the table its click handler reads, so
//     the next click on the visible menu dereferences nil and the app dies.
//   - Show a shortcut next to an item without registering it (native:false
//     commands), so Edit → Copy reads "Ctrl+C" while the key stays with the
//     webview.
//   - Read the monitors' work areas and move the window in absolute
//     coordinates (Wails' WindowSetPosition is relative to the current
//     monitor while WindowGetPosition is absolute).
//
// The menu items are found by their labels, which come from the catalogue.
type gtkShell struct {
	// onPath receives the path of a chosen item; "" for the clear item.
	onPath cgo.Handle
}

func newGTKShell(onPath func(path string)) *gtkShell {
	return &gtkShell{onPath: cgo.NewHandle(onPath)}
}

// errNoWindow: the GTK main loop did not answer (not started yet, or gone).
var errNoWindow = errors.New("the window is not available")

// onMain runs fn on the GTK main thread and waits for it, at most a few
// seconds: during shutdown the main loop may never run it. Never call it
// from the main thread.
func onMain(fn func()) error {
	done := make(chan struct{})
	h := cgo.NewHandle(func() {
		defer close(done)
		fn()
	})
	C.tusk_invoke(C.uintptr_t(h))
	select {
	case <-done:
		return nil
	case <-time.After(3 * time.Second):
		return errNoWindow
	}
}

func cstr(s string) (*C.char, func()) {
	p := C.CString(s)
	return p, func() { C.free(unsafe.Pointer(p)) }
}

// setSubmenu replaces the items of the submenu labelled label in the
// top-level menu top. Items with an empty Path are disabled; a separator
// item has the label "-".
func (g *gtkShell) setSubmenu(top, label string, items []menuEntry) error {
	var found bool
	err := onMain(func() {
		win := C.tusk_main_window()
		if win == nil {
			return
		}
		ctop, free1 := cstr(top)
		defer free1()
		clabel, free2 := cstr(label)
		defer free2()
		item := C.tusk_menu_item(win, ctop, clabel)
		if item == nil {
			return
		}
		found = true
		menu := C.tusk_clear_submenu(item)
		for _, it := range items {
			if it.Label == "-" {
				C.tusk_append_separator(menu)
				continue
			}
			l, freeL := cstr(it.Label)
			var p *C.char
			freeP := func() {}
			if it.Path != "" || it.Clear {
				p, freeP = cstr(it.Path)
			}
			C.tusk_append_item(menu, l, p, C.uintptr_t(g.onPath))
			freeL()
			freeP()
		}
		C.gtk_widget_set_sensitive(item, C.TRUE)
	})
	if err == nil && !found {
		err = errors.New("the menu item " + top + " → " + label + " was not found")
	}
	return err
}

// showShortcuts displays the shortcut of every catalogue command that is in
// a menu without a native accelerator.
func (g *gtkShell) showShortcuts(cat *command.Catalogue) error {
	return onMain(func() {
		win := C.tusk_main_window()
		if win == nil {
			return
		}
		for _, cmd := range cat.Commands {
			if cmd.Menu == "" || cmd.Shortcut == "" || cmd.Submenu != "" || cmd.NativeShortcut() {
				continue
			}
			sc, err := command.ParseShortcut(cmd.Shortcut)
			if err != nil {
				continue
			}
			key, mods := gtkKey(sc)
			if key == 0 {
				continue
			}
			ctop, free1 := cstr(cmd.Menu)
			clabel, free2 := cstr(cmd.Label)
			if item := C.tusk_menu_item(win, ctop, clabel); item != nil {
				C.tusk_show_accel(item, key, mods)
			}
			free1()
			free2()
		}
	})
}

// gtkNames are GDK key names of the catalogue's named keys.
var gtkNames = map[string]string{
	"Enter": "Return", "Tab": "Tab", "Escape": "Escape", "Backspace": "BackSpace", "Delete": "Delete",
	"Space": "space", "Home": "Home", "End": "End", "PageUp": "Page_Up", "PageDown": "Page_Down",
	"ArrowLeft": "Left", "ArrowRight": "Right", "ArrowUp": "Up", "ArrowDown": "Down",
}

func gtkKey(sc command.Shortcut) (C.guint, C.GdkModifierType) {
	var key C.guint
	name := gtkNames[sc.Key]
	if name == "" && len(sc.Key) > 1 { // F1…F12
		name = sc.Key
	}
	if name != "" {
		n, free := cstr(name)
		key = C.gdk_keyval_from_name(n)
		free()
	} else {
		key = C.gdk_unicode_to_keyval(C.guint32([]rune(sc.Key)[0]))
	}
	var mods C.GdkModifierType
	if sc.Mod || sc.Ctrl {
		mods |= C.GDK_CONTROL_MASK
	}
	if sc.Shift {
		mods |= C.GDK_SHIFT_MASK
	}
	if sc.Alt {
		mods |= C.GDK_MOD1_MASK
	}
	return key, mods
}

// geometry returns the window's state and the monitors' work areas.
func (g *gtkShell) geometry() (window.State, []window.Rect, error) {
	var st window.State
	var mons []window.Rect
	var ok bool
	err := onMain(func() {
		win := C.tusk_main_window()
		if win == nil {
			return
		}
		ok = true
		var x, y, w, h C.gint
		C.gtk_window_get_position(win, &x, &y)
		C.gtk_window_get_size(win, &w, &h)
		st = window.State{X: int(x), Y: int(y), Width: int(w), Height: int(h), Maximised: C.tusk_is_maximised(win) != 0}
		for i := range int(C.tusk_monitor_count(win)) {
			r := C.tusk_monitor_workarea(win, C.int(i))
			mons = append(mons, window.Rect{X: int(r.x), Y: int(r.y), Width: int(r.width), Height: int(r.height)})
		}
	})
	if err == nil && !ok {
		err = errNoWindow
	}
	return st, mons, err
}

// place moves and sizes the window once it is shown. Wails centres the
// window from an idle callback queued when it shows it; this waits until
// the window is visible and then queues the move behind that callback.
func (g *gtkShell) place(restore func(monitors []window.Rect) window.Placement) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		var visible bool
		if err := onMain(func() {
			win := C.tusk_main_window()
			visible = win != nil && C.gtk_widget_get_visible((*C.GtkWidget)(unsafe.Pointer(win))) != 0
		}); err != nil {
			return err
		}
		if visible {
			break
		}
		if time.Now().After(deadline) {
			return errNoWindow
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, mons, err := g.geometry()
	if err != nil {
		return err
	}
	p := restore(mons)
	return onMain(func() {
		win := C.tusk_main_window()
		if win == nil {
			return
		}
		if p.Maximised { // Wails maximises it; un-maximising gives the saved size
			return
		}
		C.gtk_window_resize(win, C.gint(p.Width), C.gint(p.Height))
		if p.HasPosition {
			C.gtk_window_move(win, C.gint(p.X), C.gint(p.Y))
		}
	})
}

// newToolkit returns the GTK toolkit; onPath receives the path of a chosen
// Open Recent item ("" for Clear Recent Files).
func newToolkit(onPath func(path string)) toolkit { return newGTKShell(onPath) }
