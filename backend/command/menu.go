package command

import (
	"fmt"

	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
)

// MenuOptions tells Menu what the items do.
type MenuOptions struct {
	// OnCommand is called, on a goroutine of its own, with the command's ID
	// when an item is chosen (by click or accelerator).
	OnCommand func(id string)
	// Submenus supplies the submenus named by commands' "submenu" field;
	// a missing one is shown as an empty, disabled submenu.
	Submenus map[string]*menu.Menu
	// MacOS adds the application menu and uses the system Edit menu, whose
	// standard items are what make Cmd+C/V/X/Z work in a macOS webview.
	MacOS bool
}

// Menu builds the application menu: one submenu per name in Menus that has
// commands, each command an item with its accelerator (see
// Command.NativeShortcut), a separator between groups.
func (c *Catalogue) Menu(opts MenuOptions) (*menu.Menu, error) {
	bar := menu.NewMenu()
	if opts.MacOS {
		bar.Append(menu.AppMenu())
	}
	for _, name := range Menus {
		cmds := c.InMenu(name)
		if len(cmds) == 0 {
			continue
		}
		if opts.MacOS && name == "Edit" {
			bar.Append(menu.EditMenu())
			continue
		}
		sub := menu.NewMenu()
		for i, cmd := range cmds {
			if i > 0 && cmd.Group != cmds[i-1].Group {
				sub.AddSeparator()
			}
			item, err := c.item(cmd, opts)
			if err != nil {
				return nil, err
			}
			sub.Append(item)
		}
		bar.Append(menu.SubMenu(name, sub))
	}
	return bar, nil
}

func (c *Catalogue) item(cmd Command, opts MenuOptions) (*menu.MenuItem, error) {
	if cmd.Submenu != "" {
		sub := opts.Submenus[cmd.Submenu]
		if sub == nil {
			sub = menu.NewMenu()
		}
		item := menu.SubMenu(cmd.Label, sub)
		item.Disabled = len(sub.Items) == 0
		return item, nil
	}
	var acc *keys.Accelerator
	if cmd.NativeShortcut() {
		sc, err := ParseShortcut(cmd.Shortcut)
		if err != nil {
			return nil, fmt.Errorf("command %q: %w", cmd.ID, err)
		}
		acc = sc.Accelerator()
	}
	id := cmd.ID
	return menu.Text(cmd.Label, acc, func(*menu.CallbackData) {
		if opts.OnCommand != nil {
			opts.OnCommand(id)
		}
	}), nil
}

// Accelerator is the shortcut as a Wails accelerator: Mod is CmdOrCtrl,
// Ctrl is Control on every platform, Alt is OptionOrAlt.
func (s Shortcut) Accelerator() *keys.Accelerator {
	acc := &keys.Accelerator{Key: s.Key}
	if named, ok := namedKeys[s.Key]; ok {
		acc.Key = named
	}
	for _, m := range []struct {
		on  bool
		mod keys.Modifier
	}{{s.Mod, keys.CmdOrCtrlKey}, {s.Ctrl, keys.ControlKey}, {s.Alt, keys.OptionOrAltKey}, {s.Shift, keys.ShiftKey}} {
		if m.on {
			acc.Modifiers = append(acc.Modifiers, m.mod)
		}
	}
	return acc
}
