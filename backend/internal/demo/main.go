// Command demo seeds the sample database and the Tusk data directory that
// `make demo` (scripts/demo.sh) opens the app on.
//
//	go run -tags sqlite_fts5 ./backend/internal/demo -cluster <dir>/cluster.json -data <data dir>
//
// It connects as the superuser of a cluster started by pgtestd, creates the
// database "shop" (owned by the cluster's trust user, who logs in over TCP
// without a password) and fills it: schemas sales, inventory and analytics,
// tables with foreign keys, jsonb columns, an enum, domains, a view, a
// materialized view, an SQL and a PL/pgSQL function, indexes, comments and a
// table of a million events. Then it opens the store in the data directory
// and saves the connection and a "Welcome" tab of example queries.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// clusterFile is the part of pgtestd's cluster.json the demo needs.
type clusterFile struct {
	Host      string `json:"host"`
	Port      int    `json:"port"`
	SocketDir string `json:"socketDir"`
	SuperUser string `json:"superUser"`
	TrustUser string `json:"trustUser"`
}

func main() {
	clusterPath := flag.String("cluster", "", "cluster.json written by `pgtestd start <dir>`")
	dataDir := flag.String("data", "", "Tusk data directory to prepare (created if missing)")
	events := flag.Int("events", DefaultEvents, "rows in analytics.events")
	database := flag.String("db", DefaultDatabase, "name of the sample database (dropped and recreated)")
	flag.Parse()
	if *clusterPath == "" || *dataDir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: demo -cluster <dir>/cluster.json -data <data dir> [-events N] [-db name]")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, *clusterPath, *dataDir, *events, *database); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, clusterPath, dataDir string, events int, database string) error {
	b, err := os.ReadFile(clusterPath)
	if err != nil {
		return err
	}
	var c clusterFile
	if err := json.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("%s: %w", clusterPath, err)
	}
	if c.Port == 0 || c.SocketDir == "" || c.SuperUser == "" || c.TrustUser == "" {
		return fmt.Errorf("%s: not a pgtestd cluster description", clusterPath)
	}
	host := c.Host
	if host == "" {
		host = "127.0.0.1"
	}
	begin := time.Now()
	res, err := Seed(ctx, Config{
		SuperDSN:  fmt.Sprintf("host=%s port=%d user=%s dbname=postgres sslmode=disable", quote(c.SocketDir), c.Port, quote(c.SuperUser)),
		Host:      host,
		Port:      c.Port,
		User:      c.TrustUser,
		Database:  database,
		DataDir:   dataDir,
		Events:    events,
		Overwrite: true,
	})
	if err != nil {
		return err
	}
	fmt.Printf("demo: seeded database %q (%d events) in %s; saved connection %q (%s) in %s\n",
		database, events, time.Since(begin).Round(time.Millisecond), res.Connection.Name, res.Connection.ID, res.StorePath)
	return nil
}

// quote quotes a keyword/value connection string value when it needs it.
func quote(v string) string {
	if v != "" && !strings.ContainsAny(v, ` '\`+"\t\n") {
		return v
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}
