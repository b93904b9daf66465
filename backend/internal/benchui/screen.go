package main

/*
#cgo pkg-config: x11 xdamage xfixes
#include <stdint.h>
#include <stdlib.h>
#include <poll.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xdamage.h>

typedef struct {
	Display *dpy;
	Window root;
	Damage damage;
	int event_base;
	int width, height;
} watch;

static int cmp_u32(const void *a, const void *b) {
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

// open_watch connects to the display and asks for damage reports on the
// whole root window. Returns NULL and sets *why (1: no display, 2: no
// DAMAGE extension) on failure.
static watch *open_watch(const char *name, int *why) {
	Display *dpy = XOpenDisplay(name);
	if (!dpy) { *why = 1; return NULL; }
	int ev, err;
	if (!XDamageQueryExtension(dpy, &ev, &err)) { XCloseDisplay(dpy); *why = 2; return NULL; }
	watch *w = calloc(1, sizeof *w);
	w->dpy = dpy;
	w->root = DefaultRootWindow(dpy);
	w->event_base = ev;
	w->width = DisplayWidth(dpy, DefaultScreen(dpy));
	w->height = DisplayHeight(dpy, DefaultScreen(dpy));
	w->damage = XDamageCreate(dpy, w->root, XDamageReportNonEmpty);
	XFlush(dpy);
	return w;
}

// wait_damage waits up to timeout_ms for the screen to change; returns 1 on
// damage (and resets it), 0 on timeout.
static int wait_damage(watch *w, int timeout_ms) {
	for (;;) {
		while (XPending(w->dpy)) {
			XEvent e;
			XNextEvent(w->dpy, &e);
			if (e.type == w->event_base + XDamageNotify) {
				XDamageSubtract(w->dpy, w->damage, None, None);
				XFlush(w->dpy);
				return 1;
			}
		}
		struct pollfd p = { .fd = ConnectionNumber(w->dpy), .events = POLLIN };
		if (poll(&p, 1, timeout_ms) <= 0) return 0;
	}
}

// grab samples every 4th pixel of every 4th line of the screen below its
// top 64 lines (the window's menu bar is drawn by GTK at once; the question
// is what the webview shows) and reports the most common colour (0xRRGGBB)
// and that colour's share in 1/10000.
static int grab(watch *w, uint32_t *colour, int *share) {
	const int top = 64;
	if (w->height <= top) return 0;
	XImage *img = XGetImage(w->dpy, w->root, 0, top, w->width, w->height - top, AllPlanes, ZPixmap);
	if (!img) return 0;
	int n = 0, cap = (w->width / 4 + 1) * ((w->height - top) / 4 + 1);
	uint32_t *px = malloc(cap * sizeof *px);
	for (int y = 0; y < w->height - top; y += 4)
		for (int x = 0; x < w->width; x += 4)
			px[n++] = XGetPixel(img, x, y) & 0xffffff;
	XDestroyImage(img);
	qsort(px, n, sizeof *px, cmp_u32);
	int best = 0, run = 1;
	uint32_t bestc = px[0];
	for (int i = 1; i <= n; i++) {
		if (i < n && px[i] == px[i - 1]) { run++; continue; }
		if (run > best) { best = run; bestc = px[i - 1]; }
		run = 1;
	}
	free(px);
	*colour = bestc;
	*share = (int)((long)best * 10000 / n);
	return 1;
}

static void close_watch(watch *w) {
	XDamageDestroy(w->dpy, w->damage);
	XCloseDisplay(w->dpy);
	free(w);
}
*/
import "C"

import (
	"fmt"
	"os"
	"sync"
	"time"
	"unsafe"
)

// screenFrame is what the screen showed after one change.
type screenFrame struct {
	At     time.Time
	Colour uint32  // most common colour, 0xRRGGBB
	Share  float64 // of the screen, 0..1
}

// uniform reports a frame that is one colour: a window not painted yet
// (or the bare root window) rather than a UI.
func (f screenFrame) uniform() bool { return f.Share >= 0.995 }

// screenWatch records a frame each time the X screen changes (XDAMAGE), so
// the harness sees what a user would: when the window appears, in which
// colour, and when the UI is drawn in it. Frames closer than minGap are
// skipped to keep the watcher's own CPU use small.
type screenWatch struct {
	mu     sync.Mutex // guards frames
	frames []screenFrame

	stop chan struct{}
	done chan struct{}
}

const minGap = 4 * time.Millisecond

func watchScreen() (*screenWatch, error) {
	name := C.CString(os.Getenv("DISPLAY"))
	defer C.free(unsafe.Pointer(name))
	var w *C.watch
	var why C.int
	// The X server may refuse a connection for a moment while the last
	// launch's clients go away.
	for try := 0; w == nil && try < 20; try++ {
		if try > 0 {
			time.Sleep(100 * time.Millisecond)
		}
		w = C.open_watch(name, &why)
	}
	switch {
	case w == nil && why == 2:
		return nil, fmt.Errorf("the X server on %s has no DAMAGE extension", os.Getenv("DISPLAY"))
	case w == nil:
		return nil, fmt.Errorf("cannot connect to the X server on %q (is DISPLAY set, under xvfb-run?)", os.Getenv("DISPLAY"))
	}
	s := &screenWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer C.close_watch(w)
		s.grab(w) // the screen before the app
		for {
			select {
			case <-s.stop:
				return
			default:
			}
			if C.wait_damage(w, 20) == 1 {
				s.grab(w)
				time.Sleep(minGap)
			}
		}
	}()
	return s, nil
}

func (s *screenWatch) grab(w *C.watch) {
	var colour C.uint32_t
	var share C.int
	if C.grab(w, &colour, &share) == 0 {
		return
	}
	s.mu.Lock()
	s.frames = append(s.frames, screenFrame{At: time.Now(), Colour: uint32(colour), Share: float64(share) / 10000})
	s.mu.Unlock()
}

// close stops watching and returns the frames seen.
func (s *screenWatch) close() []screenFrame {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frames
}

// firstFrames sums up a launch as seen on screen, relative to launch: when
// the window first showed (any frame that is not the bare root), the colours
// of the blank frames before the UI, and when the UI was first drawn.
type firstFrames struct {
	Window, UI time.Duration // -1 when never seen
	Blank      []uint32      // colours of uniform window frames before the UI
}

func summarise(frames []screenFrame, launched time.Time) firstFrames {
	out := firstFrames{Window: -1, UI: -1}
	var root uint32
	if len(frames) > 0 {
		root = frames[0].Colour
	}
	for _, f := range frames {
		if f.At.Before(launched) {
			continue
		}
		if f.uniform() && f.Colour == root && out.Window < 0 {
			continue // the root window alone: no app window yet
		}
		if out.Window < 0 {
			out.Window = f.At.Sub(launched)
		}
		if !f.uniform() {
			out.UI = f.At.Sub(launched)
			break
		}
		if len(out.Blank) == 0 || out.Blank[len(out.Blank)-1] != f.Colour {
			out.Blank = append(out.Blank, f.Colour)
		}
	}
	return out
}

func hexColour(c uint32) string { return fmt.Sprintf("#%06x", c) }
