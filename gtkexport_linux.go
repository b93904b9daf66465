package main

// The functions GTK calls back into; cgo allows no C definitions in a file
// that exports, so they live apart from gtk_linux.go.

/*
#cgo linux pkg-config: glib-2.0
#include <glib.h>
#include <stdint.h>
*/
import "C"

import "runtime/cgo"

//export tuskRun
func tuskRun(h C.uintptr_t) {
	handle := cgo.Handle(h)
	fn := handle.Value().(func())
	handle.Delete()
	fn()
}

//export tuskMenuPath
func tuskMenuPath(h C.uintptr_t, path *C.char) {
	fn := cgo.Handle(h).Value().(func(string))
	go fn(C.GoString(path)) // off the main thread: the handler may open dialogs
}

//export tuskWebCollected
func tuskWebCollected(h C.uintptr_t, tookUS, before, after C.gint64, full C.gboolean, err *C.char) {
	text := ""
	if err != nil {
		text = C.GoString(err)
	}
	webCollected(cgo.Handle(h), int64(tookUS), int64(before), int64(after), full != 0, text)
}
