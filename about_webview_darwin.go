package main

// webViewVersion names the engine: WKWebView is the system's WebKit and
// follows the macOS version.
func webViewVersion() string {
	return "WKWebView (system WebKit)"
}
