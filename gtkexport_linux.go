package main

// The functions GTK calls back into; cgo allows no C definitions in a file
// that exports, so they live apart from gtk_linux.go.

/*
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
