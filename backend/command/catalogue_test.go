package command_test

import (
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"

	"github.com/tusk-app/tusk/backend/command"
)

func realCatalogue(t *testing.T) *command.Catalogue {
	t.Helper()
	data, err := os.ReadFile("../../frontend/src/lib/commands/catalogue.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := command.Parse(data)
	if err != nil {
		t.Fatalf("the shipped catalogue does not parse: %v", err)
	}
	return c
}

// layout renders a menu as text: one line per item, "---" for separators,
// the accelerator in brackets, submenus indented.
func layout(m *menu.Menu, indent string) string {
	var b strings.Builder
	for _, it := range m.Items {
		switch {
		case it.Role != 0:
			b.WriteString(indent + "<role>\n")
		case it.Type == menu.SeparatorType:
			b.WriteString(indent + "---\n")
		case it.SubMenu != nil:
			b.WriteString(indent + it.Label + " >\n" + layout(it.SubMenu, indent+"  "))
		default:
			b.WriteString(indent + it.Label)
			if it.Accelerator != nil {
				b.WriteString(" [" + keys.Stringify(it.Accelerator, "linux") + "]")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func TestShippedCatalogueBuildsTheMenu(t *testing.T) {
	c := realCatalogue(t)
	recent := menu.NewMenu()
	recent.AddText("a.sql", nil, nil)
	m, err := c.Menu(command.MenuOptions{Submenus: map[string]*menu.Menu{"recent": recent}})
	if err != nil {
		t.Fatal(err)
	}
	var tops []string
	for _, it := range m.Items {
		tops = append(tops, it.Label)
	}
	if !slices.Equal(tops, command.Menus) {
		t.Fatalf("menus = %v, want %v", tops, command.Menus)
	}
	want := `File >
  New Query Tab [Ctrl+T]
  ---
  Open SQL File… [Ctrl+O]
  Open Recent >
    a.sql
  ---
  Save
  Save As…
  Add to Saved Queries…
  ---
  Close Tab [Ctrl+W]
  Reopen Closed Tab [Ctrl+Shift+T]
  ---
  Quit [Ctrl+Q]
Edit >
  Undo
  Redo
  ---
  Cut
  Copy
  Paste
  Select All
  ---
  Find…
  ---
  Toggle Comment
`
	if got := layout(m, ""); !strings.HasPrefix(got, want) {
		t.Errorf("menu layout:\n%s\nwant it to start with:\n%s", got, want)
	}
	got := layout(m, "")
	for _, line := range []string{
		"  Command Palette… [Ctrl+Shift+P]\n", // the alt shortcut (Mod+K) stays with the webview
		"  Focus Previous Pane [Shift+F6]\n",
		"  Run Statement or Selection\n", // a page key: the page runs it after the keys typed before it
		"  Run Script\n",
		"  Cancel Query\n", // Escape belongs to the webview
		"  Next Tab [Ctrl+TAB]\n",
		"  Previous Tab [Ctrl+Shift+TAB]\n",
		"  Refresh Schema [F5]\n",
		"  Keyboard Shortcuts [F1]\n",
	} {
		if !strings.Contains(got, line) {
			t.Errorf("menu lacks %q:\n%s", line, got)
		}
	}
	if strings.Contains(got, "Go to Tab") {
		t.Error("palette-only commands must not be in the menu")
	}
}

// TestCommandsReadingTheEditorArePageKeys: GTK runs a native accelerator
// at once, while WebKit may still be handing the keys typed just before it
// to the page, so a command that reads the editor's text would run without
// them. These keep their shortcut, handled by the page in order.
func TestCommandsReadingTheEditorArePageKeys(t *testing.T) {
	c := realCatalogue(t)
	for _, id := range []string{"query.run", "query.runScript", "query.explain", "query.explainAnalyze", "edit.format", "file.save", "file.saveAs", "file.saveQuery"} {
		i := slices.IndexFunc(c.Commands, func(cmd command.Command) bool { return cmd.ID == id })
		if i < 0 {
			t.Errorf("%s is not in the catalogue", id)
			continue
		}
		if cmd := c.Commands[i]; cmd.Shortcut == "" || cmd.NativeShortcut() || !cmd.PageKey {
			t.Errorf("%s: shortcut %q, native %v, page key %v: want a page key", id, cmd.Shortcut, cmd.NativeShortcut(), cmd.PageKey)
		}
	}
}

func TestEveryAcceleratorIsOneWailsAccepts(t *testing.T) {
	c := realCatalogue(t)
	m, err := c.Menu(command.MenuOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var walk func(*menu.Menu)
	walk = func(m *menu.Menu) {
		for _, it := range m.Items {
			if it.SubMenu != nil {
				walk(it.SubMenu)
			}
			if it.Accelerator == nil {
				continue
			}
			n++
			var parts []string
			for _, mod := range it.Accelerator.Modifiers {
				parts = append(parts, string(mod))
			}
			text := strings.Join(append(parts, it.Accelerator.Key), "+")
			back, err := keys.Parse(text)
			if err != nil {
				t.Errorf("%s: Wails rejects %q: %v", it.Label, text, err)
				continue
			}
			if back.Key != it.Accelerator.Key || !slices.Equal(back.Modifiers, it.Accelerator.Modifiers) {
				t.Errorf("%s: %q parses back as %+v", it.Label, text, back)
			}
		}
	}
	walk(m)
	native := 0
	for _, cmd := range c.Commands {
		if cmd.NativeShortcut() {
			native++
		}
	}
	if n != native || n < 15 {
		t.Errorf("%d accelerators in the menu, %d native shortcuts in the catalogue", n, native)
	}
}

func TestItemsReportTheirCommand(t *testing.T) {
	c := realCatalogue(t)
	var mu sync.Mutex
	var got []string
	m, err := c.Menu(command.MenuOptions{OnCommand: func(id string) {
		mu.Lock()
		got = append(got, id)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	click := func(menuName, label string) {
		for _, top := range m.Items {
			if top.Label != menuName {
				continue
			}
			for _, it := range top.SubMenu.Items {
				if it.Label == label {
					it.Click(&menu.CallbackData{MenuItem: it})
					return
				}
			}
		}
		t.Fatalf("no %s → %s", menuName, label)
	}
	click("File", "Save As…")
	click("Edit", "Copy")
	click("Help", "About Tusk")
	if want := []string{"file.saveAs", "edit.copy", "help.about"}; !slices.Equal(got, want) {
		t.Errorf("commands = %v, want %v", got, want)
	}
}

func TestMacOSUsesTheSystemAppAndEditMenus(t *testing.T) {
	m, err := realCatalogue(t).Menu(command.MenuOptions{MacOS: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.Items[0].Role != menu.AppMenuRole || m.Items[2].Role != menu.EditMenuRole || m.Items[1].Label != "File" {
		t.Errorf("macOS menu starts %q(%d) %q %q(%d)", m.Items[0].Label, m.Items[0].Role, m.Items[1].Label, m.Items[2].Label, m.Items[2].Role)
	}
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct{ name, json, want string }{
		{"not json", `{`, "unexpected end"},
		{"empty", `{"commands": []}`, "no commands"},
		{"no label", `{"commands": [{"id": "a"}]}`, "without id or label"},
		{"duplicate id", `{"commands": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]}`, "listed twice"},
		{"unknown menu", `{"commands": [{"id": "a", "label": "A", "menu": "Tools"}]}`, "unknown menu"},
		{"submenu outside a menu", `{"commands": [{"id": "a", "label": "A", "submenu": "recent"}]}`, "needs a menu"},
		{"unknown modifier", `{"commands": [{"id": "a", "label": "A", "shortcut": "Hyper+A"}]}`, "not a modifier"},
		{"modifier twice", `{"commands": [{"id": "a", "label": "A", "shortcut": "Mod+Mod+A"}]}`, "given twice"},
		{"no key", `{"commands": [{"id": "a", "label": "A", "shortcut": "Mod+Shift"}]}`, "not a key"},
		{"unknown named key", `{"commands": [{"id": "a", "label": "A", "shortcut": "Mod+Return"}]}`, "not a key"},
		{"shortcut twice", `{"commands": [{"id": "a", "label": "A", "shortcut": "Mod+S"}, {"id": "b", "label": "B", "alt": "Mod+s"}]}`, "both"},
		{"Mod is Ctrl off macOS", `{"commands": [{"id": "a", "label": "A", "shortcut": "Ctrl+Shift+S"}, {"id": "b", "label": "B", "shortcut": "Shift+Mod+S"}]}`, "both"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := command.Parse([]byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestParseShortcut(t *testing.T) {
	for _, tc := range []struct{ in, canonical string }{
		{"Mod+Shift+S", "Mod+Shift+S"},
		{"Shift+Mod+s", "Mod+Shift+S"},
		{"Ctrl+Shift+Tab", "Ctrl+Shift+Tab"},
		{"F6", "F6"},
		{"Mod+/", "Mod+/"},
		{"Mod++", "Mod++"},
		{"Alt+ArrowUp", "Alt+ArrowUp"},
	} {
		sc, err := command.ParseShortcut(tc.in)
		if err != nil || sc.String() != tc.canonical {
			t.Errorf("ParseShortcut(%q) = %q, %v; want %q", tc.in, sc.String(), err, tc.canonical)
		}
	}
}
