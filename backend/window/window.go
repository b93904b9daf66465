// Package window decides where the main window reopens: the size, position
// and maximised state saved when it closed, adjusted to the monitors there
// are now.
//
// The rules: a saved size is kept but never smaller than the minimum nor
// bigger than the largest monitor; a saved position is kept only when the
// window's title bar would land on a monitor (otherwise the window is
// centred, so a window saved on a monitor that was since unplugged cannot
// open out of reach), and the window is pulled inside that monitor when it
// overhangs it. A maximised window reopens maximised, and un-maximising it
// gives back the size it had before it was maximised.
package window

// State is what is saved when the window closes. Coordinates are in the
// desktop's logical pixels, X/Y of the window's top-left corner.
type State struct {
	X         int  `json:"x"`
	Y         int  `json:"y"`
	Width     int  `json:"width"`
	Height    int  `json:"height"`
	Maximised bool `json:"maximised"`
}

// Rect is a monitor's work area.
type Rect struct{ X, Y, Width, Height int }

func (r Rect) intersect(o Rect) Rect {
	x0, y0 := max(r.X, o.X), max(r.Y, o.Y)
	x1, y1 := min(r.X+r.Width, o.X+o.Width), min(r.Y+r.Height, o.Y+o.Height)
	if x1 <= x0 || y1 <= y0 {
		return Rect{}
	}
	return Rect{x0, y0, x1 - x0, y1 - y0}
}

// Limits are the window's size rules.
type Limits struct {
	MinWidth, MinHeight         int
	DefaultWidth, DefaultHeight int
}

// Placement is how to open the window.
type Placement struct {
	Width, Height int
	Maximised     bool
	// HasPosition is false when the window should be centred.
	HasPosition bool
	X, Y        int
}

// Title-bar strip that must be reachable on a monitor for a saved position
// to be kept: this tall, and this wide (or the whole window when narrower).
const (
	grabHeight = 32
	grabWidth  = 120
)

// Restore returns the placement for saved (ok false: nothing was saved) on
// the given monitors (nil: unknown, so the position is not restored).
func Restore(saved State, ok bool, monitors []Rect, lim Limits) Placement {
	p := Placement{Width: lim.DefaultWidth, Height: lim.DefaultHeight}
	if !ok {
		return p
	}
	p.Maximised = saved.Maximised
	if saved.Width > 0 && saved.Height > 0 {
		p.Width, p.Height = saved.Width, saved.Height
	}
	p.Width, p.Height = max(p.Width, lim.MinWidth), max(p.Height, lim.MinHeight)
	var largest Rect
	for _, m := range monitors {
		if m.Width*m.Height > largest.Width*largest.Height {
			largest = m
		}
	}
	if largest.Width > 0 {
		p.Width = max(min(p.Width, largest.Width), lim.MinWidth)
		p.Height = max(min(p.Height, largest.Height), lim.MinHeight)
	}
	if saved.Width <= 0 || saved.Height <= 0 {
		return p // no geometry was ever saved (it closed maximised on first run)
	}
	bar := Rect{saved.X, saved.Y, p.Width, grabHeight}
	for _, m := range monitors {
		on := bar.intersect(m)
		if on.Height < grabHeight || on.Width < min(grabWidth, p.Width) {
			continue
		}
		p.HasPosition = true
		// Pull the window inside the monitor where it overhangs.
		p.X = max(min(saved.X, m.X+m.Width-p.Width), m.X)
		p.Y = max(min(saved.Y, m.Y+m.Height-p.Height), m.Y)
		return p
	}
	return p
}

// Capture returns the state to save from the window's current one. A
// maximised window reports the monitor's size, so the geometry saved before
// (prev, when ok) is kept and only the flag is set: un-maximising after a
// restart then gives the old size back.
func Capture(prev State, ok bool, current State) State {
	if !current.Maximised {
		return current
	}
	if !ok {
		return State{Maximised: true}
	}
	prev.Maximised = true
	return prev
}
