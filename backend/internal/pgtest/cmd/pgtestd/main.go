// Command pgtestd starts and stops one throwaway PostgreSQL cluster for a
// whole "go test ./..." run.
//
//	go run ./backend/internal/pgtest/cmd/pgtestd start <dir>
//	TUSK_PGTEST_SHARED_DIR=<dir> go test ./...
//	go run ./backend/internal/pgtest/cmd/pgtestd stop <dir>
//
// start leaves the server running and describes it in <dir>/cluster.json;
// packages whose TestMain uses pgtest.Main then share it, each in a database
// of its own. stop shuts the server down and removes its files; run it even
// when the tests fail (e.g. from a shell trap).
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

func main() {
	if len(os.Args) != 3 || (os.Args[1] != "start" && os.Args[1] != "stop") {
		fmt.Fprintln(os.Stderr, "usage: pgtestd start|stop <dir>")
		os.Exit(2)
	}
	dir := os.Args[2]
	switch os.Args[1] {
	case "start":
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		begin := time.Now()
		c, err := pgtest.StartShared(ctx, dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pgtestd:", err)
			os.Exit(1)
		}
		fmt.Printf("pgtestd: PostgreSQL %s on %s:%d (pid %d, %s) started in %s; export %s=%s\n",
			c.Version, c.Host, c.Port, c.PID, c.Dir, time.Since(begin).Round(time.Millisecond), pgtest.SharedDirEnv, dir)
	case "stop":
		if err := pgtest.StopShared(dir); err != nil {
			fmt.Fprintln(os.Stderr, "pgtestd:", err)
			os.Exit(1)
		}
	}
}
