// Command tusk is the Tusk desktop PostgreSQL client: a Go backend bound by
// Wails v2 into a Svelte webview.
//
// Start-up order matters and is fixed here: logging first (T093), then the
// one application state (T092), owned by the bound App (T094); Wails is run
// last. Shutdown closes the state and flushes the log.
package main

import (
	"context"
	"embed"
	"fmt"
	"os"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/logging"
	"github.com/tusk-app/tusk/backend/memory"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/state"
	"github.com/tusk-app/tusk/backend/storage"
)

//go:embed all:frontend/dist
var assets embed.FS

// appIcon is the window icon on Linux (the one source image every platform
// icon is made from; see scripts/iconset).
//
//go:embed build/appicon.png
var appIcon []byte

func main() {
	// Before anything else: --version touches no data directory, no log file
	// and no display.
	if wantsVersion(os.Args[1:]) {
		attachConsole()
		fmt.Println(versionLine())
		return
	}
	started := launchTime(time.Now())
	if generatingBindings {
		// The binary runs only so Wails can read the bound API: touch no data
		// directory and no log file.
		logs := logging.New(logging.Config{Level: logrus.WarnLevel})
		run(NewApp(logs, nil, started), logs.Logger(), "light")
		return
	}

	// Tusk connects with exactly the settings the user saved: a PGSERVICE
	// naming a service file entry would otherwise be merged in by pgx.
	os.Unsetenv("PGSERVICE")
	memory.Configure()

	dataDir, dirErr := storage.DefaultDataDir()
	if handOff(instanceID(dataDir), os.Args[1:]) {
		return // a running Tusk took the command line and came to the front
	}
	cfg := logging.DefaultConfig(dataDir)
	if dirErr != nil {
		cfg.Dir = "" // console only: there is no data directory to log into
	}
	logs := logging.New(cfg)
	log := logs.Logger()
	log.WithField("version", version).Info("tusk starting")

	emitter := &wailsEmitter{}
	var st *state.State
	var stErr error
	if dirErr != nil {
		stErr = dirErr
	} else {
		st, stErr = state.New(context.Background(), state.Options{DataDir: dataDir, CacheDir: storage.DefaultCacheDir(dataDir), Log: log, Emitter: emitter})
	}
	if stErr != nil {
		log.WithError(stErr).Error("data directory unavailable; asking the user at startup")
	}

	app := NewApp(logs, st, started)
	app.emitter = emitter
	app.dataDirErr = stErr
	app.wantedDataDir = dataDir
	app.desk.launch(os.Args[1:])
	theme := initialTheme(st)
	paintWindows(backgrounds[theme])
	run(app, log, theme)
}

// run opens the window in theme ("light" or "dark") and blocks until it
// closes.
func run(app *App, log *logrus.Logger, theme string) {
	bg := backgrounds[theme]
	stopSignals := quitOnSignal(app, log, os.Exit)
	defer stopSignals()
	app.desk.exit = func() {
		app.shutdown(context.Background())
		os.Exit(0)
	}
	opts := &options.App{
		Title:            "Tusk",
		Width:            1280,
		Height:           800,
		MinWidth:         720,
		MinHeight:        480,
		BackgroundColour: &bg,
		AssetServer:      &assetserver.Options{Assets: assets, Middleware: themedIndex(theme)},
		OnStartup:        app.startup,
		OnShutdown:       app.shutdown,
		ErrorFormatter:   apperr.Format,
		Logger:           wailsLogger{log: log},
		EnumBind: []any{apperr.Enum(), apperr.ReasonEnums(), connection.PoolerModes(), connection.SettingsPaths(), connection.ReadOnlyStates(),
			query.WaitReasons()},
		Bind:  []any{app},
		Linux: &linux.Options{ProgramName: "tusk", Icon: appIcon, WebviewGpuPolicy: webviewGPUPolicy()},
	}
	if !generatingBindings {
		if err := app.desk.configure(opts, app.wantedDataDir); err != nil {
			log.WithError(err).Error("the application menu could not be built")
		}
	}
	if !generatingBindings {
		app.memory.Also(collectWebMemoryAfter, setupWebExtension(log).collect)
	}
	if err := wails.Run(opts); err != nil {
		log.WithError(err).Error("the window could not be started")
		app.shutdown(context.Background())
		fmt.Fprintln(os.Stderr, "tusk:", err)
		os.Exit(1)
	}
}

// webviewGPUPolicy is how WebKitGTK renders: on the CPU unless
// TUSK_WEBVIEW_GPU=1. Measured with make bench-ui, GPU compositing cost the
// web process about 70 MB more at idle and, where the GL is software
// (llvmpipe: VMs, remote desktops, no GPU driver), made scrolling several
// times slower; a grid of text gains nothing from it. (Wails maps its
// OnDemand value to WebKit's ALWAYS policy.)
func webviewGPUPolicy() linux.WebviewGpuPolicy {
	if os.Getenv("TUSK_WEBVIEW_GPU") == "1" {
		return linux.WebviewGpuPolicyOnDemand
	}
	return linux.WebviewGpuPolicyNever
}
