package window_test

import (
	"testing"

	"github.com/tusk-app/tusk/backend/window"
)

var lim = window.Limits{MinWidth: 720, MinHeight: 480, DefaultWidth: 1280, DefaultHeight: 800}

func TestRestore(t *testing.T) {
	one := []window.Rect{{0, 0, 1920, 1080}}
	two := []window.Rect{{0, 0, 1920, 1080}, {1920, 0, 1280, 1024}}
	for _, tc := range []struct {
		name     string
		saved    window.State
		ok       bool
		monitors []window.Rect
		want     window.Placement
	}{
		{"first run", window.State{}, false, one, window.Placement{Width: 1280, Height: 800}},
		{"back where it was", window.State{X: 100, Y: 50, Width: 1000, Height: 700}, true, one,
			window.Placement{Width: 1000, Height: 700, HasPosition: true, X: 100, Y: 50}},
		{"on the second monitor", window.State{X: 2000, Y: 100, Width: 1000, Height: 700}, true, two,
			window.Placement{Width: 1000, Height: 700, HasPosition: true, X: 2000, Y: 100}},
		{"second monitor unplugged: centred", window.State{X: 2000, Y: 100, Width: 1000, Height: 700}, true, one,
			window.Placement{Width: 1000, Height: 700}},
		{"title bar above the screen: centred", window.State{X: 100, Y: -20, Width: 1000, Height: 700}, true, one,
			window.Placement{Width: 1000, Height: 700}},
		{"only a sliver on screen: centred", window.State{X: 1850, Y: 100, Width: 1000, Height: 700}, true, one,
			window.Placement{Width: 1000, Height: 700}},
		{"overhanging the right edge: pulled in", window.State{X: 1500, Y: 600, Width: 1000, Height: 700}, true, one,
			window.Placement{Width: 1000, Height: 700, HasPosition: true, X: 920, Y: 380}},
		{"bigger than the monitor now: shrunk", window.State{X: 0, Y: 0, Width: 2500, Height: 1400}, true, one,
			window.Placement{Width: 1920, Height: 1080, HasPosition: true, X: 0, Y: 0}},
		{"smaller than allowed: grown", window.State{X: 10, Y: 10, Width: 300, Height: 200}, true, one,
			window.Placement{Width: 720, Height: 480, HasPosition: true, X: 10, Y: 10}},
		{"monitors unknown: size only", window.State{X: 100, Y: 50, Width: 1000, Height: 700}, true, nil,
			window.Placement{Width: 1000, Height: 700}},
		{"maximised", window.State{X: 100, Y: 50, Width: 1000, Height: 700, Maximised: true}, true, one,
			window.Placement{Width: 1000, Height: 700, Maximised: true, HasPosition: true, X: 100, Y: 50}},
		{"maximised, never normal", window.State{Maximised: true}, true, one,
			window.Placement{Width: 1280, Height: 800, Maximised: true}},
		{"monitor left of the primary", window.State{X: -1500, Y: 200, Width: 1000, Height: 700}, true,
			[]window.Rect{{-1600, 0, 1600, 900}, {0, 0, 1920, 1080}},
			window.Placement{Width: 1000, Height: 700, HasPosition: true, X: -1500, Y: 200}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := window.Restore(tc.saved, tc.ok, tc.monitors, lim); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestCaptureKeepsTheNormalGeometryOfAMaximisedWindow(t *testing.T) {
	prev := window.State{X: 100, Y: 50, Width: 1000, Height: 700}
	maxed := window.State{X: 0, Y: 0, Width: 1920, Height: 1050, Maximised: true}
	if got := window.Capture(prev, true, maxed); got != (window.State{X: 100, Y: 50, Width: 1000, Height: 700, Maximised: true}) {
		t.Errorf("maximised: %+v", got)
	}
	if got := window.Capture(window.State{}, false, maxed); got != (window.State{Maximised: true}) {
		t.Errorf("maximised with nothing saved: %+v", got)
	}
	normal := window.State{X: 5, Y: 6, Width: 800, Height: 600}
	if got := window.Capture(prev, true, normal); got != normal {
		t.Errorf("normal: %+v", got)
	}
}
