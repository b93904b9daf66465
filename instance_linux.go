package main

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/wailsapp/wails/v2/pkg/options"
)

// handOff gives a running Tusk this launch's command line and reports
// whether it took it, in which case this process should exit.
//
// Wails' single-instance lock does the same, but only once the window and
// the webview of this second process exist, and after main opened the data
// directory and the keychain; doing it first makes a second launch return
// in milliseconds and never touch the store the first one is using. It uses
// the running instance's own Wails endpoint (same bus name, path and
// message), so when this fails Wails' check still catches the second
// instance later.
func handOff(uniqueID string, args []string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn, err := dbus.SessionBusPrivateNoAutoStartup(dbus.WithContext(ctx))
	if err != nil {
		return false
	}
	defer conn.Close()
	if conn.Auth(nil) != nil || conn.Hello() != nil {
		return false
	}
	id := "wails_app_" + strings.NewReplacer("-", "_", ".", "_").Replace(uniqueID)
	name, path := "org."+id+".SingleInstance", dbus.ObjectPath("/org/"+id+"/SingleInstance")
	var owned bool
	if conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, name).Store(&owned) != nil || !owned {
		return false
	}
	wd, err := os.Getwd()
	if err != nil {
		return false
	}
	msg, err := json.Marshal(options.SecondInstanceData{Args: args, WorkingDirectory: wd})
	if err != nil {
		return false
	}
	return conn.Object(name, path).CallWithContext(ctx, name+".SendMessage", 0, string(msg)).Err == nil
}
