// Package command reads Tusk's command catalogue
// (frontend/src/lib/commands/catalogue.json) and builds the native
// application menu from it.
//
// The catalogue is the one list of commands: the menu (built here), the
// command palette and the shortcuts overlay (built by the frontend) all read
// it, so a label or shortcut changed there changes everywhere.
//
// # Shortcuts and accelerators
//
// A shortcut is written as KeyboardEvent names joined by "+": "Mod+Shift+S",
// "Ctrl+Tab", "F6", "Escape". Mod is Ctrl, or Cmd on macOS. A menu item gets
// the shortcut as its native accelerator unless the command says
// "native": false: a native accelerator takes the key before the webview
// sees it (GTK dispatches window accelerators first), so text-editing keys
// (Ctrl+C, Ctrl+Z, Ctrl+A…) and Escape must stay with the webview. Alternate
// shortcuts ("alt") are never registered natively either: a menu item has one
// accelerator, and the frontend's own key handling serves the rest.
//
// # Menu layout
//
// The top-level menus are File, Edit, View, Query, Connection, Window and
// Help, in that order. Inside a menu, commands keep their catalogue order and
// each change of "group" starts a new section after a separator. A command
// with "submenu" (Open Recent) becomes a submenu whose items the caller
// supplies and may replace at run time.
package command
