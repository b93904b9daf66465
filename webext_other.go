//go:build !linux

package main

import "github.com/sirupsen/logrus"

// webMemory does nothing off Linux: WebView2 and WKWebView collect by
// themselves, and there is no web extension to ask.
type webMemory struct{}

func setupWebExtension(*logrus.Logger) *webMemory { return nil }

func (*webMemory) collect() {}
