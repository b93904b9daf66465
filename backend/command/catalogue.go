package command

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Menus are the top-level menus in the order the menu bar shows them.
var Menus = []string{"File", "Edit", "View", "Query", "Connection", "Window", "Help"}

// Command is one entry of the catalogue.
type Command struct {
	// ID names the command ("file.open"); menu:command events carry it.
	ID    string `json:"id"`
	Label string `json:"label"`
	// Shortcut is the primary shortcut ("Mod+Shift+S"); "" for none.
	Shortcut string `json:"shortcut"`
	// Alt is a second shortcut the frontend also accepts ("Mod+K").
	Alt string `json:"alt"`
	// Menu is the top-level menu the command appears in; "" for a command
	// that is only in the palette.
	Menu string `json:"menu"`
	// Group keeps commands together in a menu; a change of group is a
	// separator.
	Group string `json:"group"`
	// Submenu names a submenu the caller fills ("recent").
	Submenu string `json:"submenu"`
	// Native is false when the webview must keep the key: the menu item
	// is shown without an accelerator. Absent means true.
	Native *bool `json:"native"`
	// PageKey is true for a command the page's own key handler runs, in
	// order with the keys typed before it: the menu shows the shortcut
	// without registering it. A native accelerator is handled by GTK at
	// once, while WebKit may still be delivering the keys typed just before
	// to the page, so a command that reads the editor's text (run, explain,
	// format, save) would read it without them.
	PageKey bool `json:"pageKey"`
}

// NativeShortcut reports whether the command's shortcut is registered as a
// native accelerator: it has one, sits in a menu and is marked neither
// "native": false nor "pageKey": true.
func (c Command) NativeShortcut() bool {
	return c.Shortcut != "" && c.Menu != "" && c.Submenu == "" && (c.Native == nil || *c.Native) && !c.PageKey
}

// Catalogue is the parsed command list, in file order. It is read-only after
// Parse and safe for concurrent use.
type Catalogue struct {
	Commands []Command `json:"commands"`
}

// Parse reads and checks a catalogue: every command has an ID and a label,
// IDs are unique, menus are known, shortcuts parse and no shortcut is used
// twice.
func Parse(data []byte) (*Catalogue, error) {
	var c Catalogue
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("command catalogue: %w", err)
	}
	if len(c.Commands) == 0 {
		return nil, fmt.Errorf("command catalogue: no commands")
	}
	ids := map[string]bool{}
	shortcuts := map[string]string{} // normalised shortcut → command ID
	for _, cmd := range c.Commands {
		switch {
		case cmd.ID == "" || cmd.Label == "":
			return nil, fmt.Errorf("command catalogue: a command without id or label (%q)", cmd.ID)
		case ids[cmd.ID]:
			return nil, fmt.Errorf("command catalogue: %q is listed twice", cmd.ID)
		case cmd.Menu != "" && !slices.Contains(Menus, cmd.Menu):
			return nil, fmt.Errorf("command catalogue: %q: unknown menu %q", cmd.ID, cmd.Menu)
		case cmd.Submenu != "" && cmd.Menu == "":
			return nil, fmt.Errorf("command catalogue: %q: a submenu needs a menu", cmd.ID)
		}
		ids[cmd.ID] = true
		for _, s := range []string{cmd.Shortcut, cmd.Alt} {
			if s == "" {
				continue
			}
			sc, err := ParseShortcut(s)
			if err != nil {
				return nil, fmt.Errorf("command catalogue: %q: %w", cmd.ID, err)
			}
			// Mod is Ctrl outside macOS: two shortcuts that differ only
			// there would collide on Linux and Windows.
			key := sc.folded().String()
			if other, dup := shortcuts[key]; dup {
				return nil, fmt.Errorf("command catalogue: %s is the shortcut of both %q and %q", s, other, cmd.ID)
			}
			shortcuts[key] = cmd.ID
		}
	}
	return &c, nil
}

// Command returns the command with id.
func (c *Catalogue) Command(id string) (Command, bool) {
	for _, cmd := range c.Commands {
		if cmd.ID == id {
			return cmd, true
		}
	}
	return Command{}, false
}

// InMenu returns the commands of one top-level menu, in catalogue order.
func (c *Catalogue) InMenu(name string) []Command {
	var out []Command
	for _, cmd := range c.Commands {
		if cmd.Menu == name {
			out = append(out, cmd)
		}
	}
	return out
}

// Shortcut is a parsed shortcut: modifiers and one key.
type Shortcut struct {
	Mod, Ctrl, Shift, Alt bool
	// Key is the KeyboardEvent key name: a single character in lower case
	// ("s", "/", "1") or a named key ("Enter", "Tab", "F6", "ArrowUp").
	Key string
}

// namedKeys are the KeyboardEvent key names a shortcut may use, mapped to
// Wails' accelerator key names.
var namedKeys = map[string]string{
	"Enter": "enter", "Tab": "tab", "Escape": "escape", "Backspace": "backspace", "Delete": "delete",
	"Space": "space", "Home": "home", "End": "end", "PageUp": "page up", "PageDown": "page down",
	"ArrowLeft": "left", "ArrowRight": "right", "ArrowUp": "up", "ArrowDown": "down",
	"F1": "f1", "F2": "f2", "F3": "f3", "F4": "f4", "F5": "f5", "F6": "f6",
	"F7": "f7", "F8": "f8", "F9": "f9", "F10": "f10", "F11": "f11", "F12": "f12",
}

// ParseShortcut parses "Mod+Shift+S" and the like. Modifiers are Mod, Ctrl,
// Shift and Alt, each at most once, before the key; the key is one printable
// character or a named key (Enter, Tab, Escape, F1…F12, ArrowUp…).
func ParseShortcut(s string) (Shortcut, error) {
	parts := strings.Split(s, "+")
	if len(parts) > 1 && parts[len(parts)-1] == "" { // "Mod++" is Mod and the plus key
		parts = append(parts[:len(parts)-2], "+")
	}
	var sc Shortcut
	for i, p := range parts {
		if i == len(parts)-1 {
			switch {
			case namedKeys[p] != "":
				sc.Key = p
			case len([]rune(p)) == 1 && p != " ":
				sc.Key = strings.ToLower(p)
			default:
				return Shortcut{}, fmt.Errorf("shortcut %q: %q is not a key", s, p)
			}
			continue
		}
		var flag *bool
		switch p {
		case "Mod":
			flag = &sc.Mod
		case "Ctrl":
			flag = &sc.Ctrl
		case "Shift":
			flag = &sc.Shift
		case "Alt":
			flag = &sc.Alt
		default:
			return Shortcut{}, fmt.Errorf("shortcut %q: %q is not a modifier (Mod, Ctrl, Shift, Alt)", s, p)
		}
		if *flag {
			return Shortcut{}, fmt.Errorf("shortcut %q: %s is given twice", s, p)
		}
		*flag = true
	}
	return sc, nil
}

// String is the canonical form: modifiers in the order Mod, Ctrl, Alt,
// Shift, then the key.
func (s Shortcut) String() string {
	var b strings.Builder
	for _, m := range []struct {
		on   bool
		name string
	}{{s.Mod, "Mod"}, {s.Ctrl, "Ctrl"}, {s.Alt, "Alt"}, {s.Shift, "Shift"}} {
		if m.on {
			b.WriteString(m.name + "+")
		}
	}
	if len(s.Key) == 1 {
		return b.String() + strings.ToUpper(s.Key)
	}
	return b.String() + s.Key
}

// folded is s with Mod read as Ctrl, as on Linux and Windows.
func (s Shortcut) folded() Shortcut {
	if s.Mod {
		s.Mod, s.Ctrl = false, true
	}
	return s
}
