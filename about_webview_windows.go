package main

import "github.com/wailsapp/go-webview2/webviewloader"

// webViewVersion is the installed WebView2 runtime.
func webViewVersion() string {
	v, err := webviewloader.GetAvailableCoreWebView2BrowserVersionString("")
	if err != nil || v == "" {
		return "WebView2 (not found)"
	}
	return "WebView2 " + v
}
