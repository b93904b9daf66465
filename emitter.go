package main

import (
	"context"
	"sync/atomic"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// wailsEmitter sends backend events (event.Emitter) to the frontend with
// runtime.EventsEmit once Wails has started; events before that are dropped
// (the frontend reads the current state when it loads). Safe for concurrent
// use.
type wailsEmitter struct {
	ctx atomic.Pointer[context.Context]
}

// start records Wails' context; called from OnStartup.
func (w *wailsEmitter) start(ctx context.Context) { w.ctx.Store(&ctx) }

// Emit implements event.Emitter.
func (w *wailsEmitter) Emit(name string, payload any) {
	if ctx := w.ctx.Load(); ctx != nil {
		runtime.EventsEmit(*ctx, name, payload)
	}
}
