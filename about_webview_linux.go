package main

/*
#cgo !webkit2_41 pkg-config: webkit2gtk-4.0
#cgo webkit2_41 pkg-config: webkit2gtk-4.1
#include <webkit2/webkit2.h>
*/
import "C"

import "fmt"

// webViewVersion is the WebKitGTK library loaded at run time, which may be
// newer than the one Tusk was built against.
func webViewVersion() string {
	return fmt.Sprintf("WebKitGTK %d.%d.%d",
		C.webkit_get_major_version(), C.webkit_get_minor_version(), C.webkit_get_micro_version())
}
