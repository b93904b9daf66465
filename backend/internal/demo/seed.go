package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/storage"
)

const (
	// DefaultEvents is the number of rows of analytics.events in the demo.
	DefaultEvents = 1_000_000
	// DefaultDatabase is the name of the sample database.
	DefaultDatabase = "shop"
	// ConnectionName is the name of the saved connection.
	ConnectionName = "Demo shop (local)"
	// WorkspaceKey is the ui_state key the frontend restores its tabs from
	// (frontend/src/lib/tabs/workspace.svelte.ts).
	WorkspaceKey = "workspace"
	// WelcomeTitle is the title of the tab of example queries.
	WelcomeTitle = "Welcome"
)

//go:embed seed.sql
var seedSQL string

// WelcomeSQL is the content of the Welcome tab: a commented tour.
//
//go:embed welcome.sql
var WelcomeSQL string

// Config says where to seed.
type Config struct {
	// SuperDSN is a superuser connection string (any database but
	// Database, e.g. "postgres").
	SuperDSN string
	// Host and Port are the TCP address the app connects to.
	Host string
	Port int
	// User logs in without a password (trust) and owns Database.
	User string
	// Database is the sample database to create (DefaultDatabase if "").
	Database string
	// DataDir is Tusk's data directory; the store is DataDir/tusk.db.
	DataDir string
	// Events is the number of rows of analytics.events (DefaultEvents if 0).
	Events int
	// Overwrite drops an existing Database first; otherwise its existence
	// is an error.
	Overwrite bool
}

// Result is what Seed saved.
type Result struct {
	Connection storage.ConnectionRecord
	StorePath  string
	TabID      string
}

// Workspace is the ui_state value the frontend restores its tabs from.
type Workspace struct {
	Tabs     []WorkspaceTab `json:"tabs"`
	ActiveID string         `json:"activeId"`
}

// WorkspaceTab is one editor tab of a Workspace.
type WorkspaceTab struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	ConnectionID string `json:"connectionId"`
	SQL          string `json:"sql"`
}

// Seed creates and fills the sample database, then saves the connection and
// the Welcome tab in the store in cfg.DataDir.
func Seed(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase
	}
	if cfg.Events == 0 {
		cfg.Events = DefaultEvents
	}
	if cfg.Events < 0 || cfg.Port < 1 || cfg.User == "" || cfg.DataDir == "" {
		return Result{}, errors.New("demo: events ≥ 0, a port, a user and a data directory are required")
	}
	if err := seedDatabase(ctx, cfg); err != nil {
		return Result{}, err
	}
	return saveToStore(ctx, cfg)
}

func seedDatabase(ctx context.Context, cfg Config) error {
	admin, err := pgx.Connect(ctx, cfg.SuperDSN)
	if err != nil {
		return fmt.Errorf("demo: connect as superuser: %w", err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	db, user := pgx.Identifier{cfg.Database}.Sanitize(), pgx.Identifier{cfg.User}.Sanitize()
	if cfg.Overwrite {
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+db+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("demo: drop database %s: %w", cfg.Database, err)
		}
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+db+" OWNER "+user); err != nil {
		return fmt.Errorf("demo: create database %s: %w", cfg.Database, err)
	}

	pc, err := pgx.ParseConfig(cfg.SuperDSN)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	pc.Database = cfg.Database
	conn, err := pgx.ConnectConfig(ctx, pc)
	if err != nil {
		return fmt.Errorf("demo: connect to %s: %w", cfg.Database, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// One transaction, as the database owner: everything belongs to the demo
	// user, and a failure leaves nothing half-made behind.
	script := "BEGIN;\nSET LOCAL ROLE " + user + ";\n" +
		strings.ReplaceAll(seedSQL, "{{events}}", strconv.Itoa(cfg.Events)) + "\nCOMMIT;"
	if _, err := conn.PgConn().Exec(ctx, script).ReadAll(); err != nil {
		return fmt.Errorf("demo: seed %s: %w", cfg.Database, err)
	}
	return nil
}

func saveToStore(ctx context.Context, cfg Config) (Result, error) {
	if err := storage.InitDataDir(cfg.DataDir); err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	path := filepath.Join(cfg.DataDir, storage.FileName)
	st, rep, err := storage.Open(ctx, path)
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	defer st.Close()
	if rep.Problem() {
		return Result{}, fmt.Errorf("demo: store %s: %s (%s)", path, rep.Message, rep.Detail)
	}

	rec := storage.ConnectionRecord{
		Name:     ConnectionName,
		Host:     cfg.Host,
		Port:     cfg.Port,
		Database: cfg.Database,
		Username: cfg.User,
		SSLMode:  "disable",
		Options: storage.ConnectionOptions{
			ConnectTimeoutMs: 10_000,
			ApplicationName:  "Tusk",
		},
		Color: "#2f6fdf",
	}
	// Reuse the ID of an earlier demo connection so running twice updates it.
	saved, err := st.LoadConnections(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	for _, c := range saved {
		if c.Name == ConnectionName {
			rec.ID = c.ID
			break
		}
	}
	if rec, err = st.SaveConnection(ctx, rec); err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}

	tab := WorkspaceTab{ID: uuid.NewString(), Title: WelcomeTitle, ConnectionID: rec.ID, SQL: WelcomeSQL}
	ws, err := json.Marshal(Workspace{Tabs: []WorkspaceTab{tab}, ActiveID: tab.ID})
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	if err := st.SaveUIState(ctx, WorkspaceKey, ws); err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	if err := st.Close(); err != nil {
		return Result{}, fmt.Errorf("demo: close store: %w", err)
	}
	return Result{Connection: rec, StorePath: path, TabID: tab.ID}, nil
}
