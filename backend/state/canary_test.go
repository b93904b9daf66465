package state_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/logging"
	"github.com/tusk-app/tusk/backend/secret"
	"github.com/tusk-app/tusk/backend/state"
)

// TestPasswordCanary runs one password through everything a user can do with
// it — save it in the keychain, connect, fail with a near-miss password,
// paste a URL that contains it, test a connection — with logging at trace
// level, then searches every log line, every file in the data directory,
// every event the UI received and every error for it (FR-018).
func TestPasswordCanary(t *testing.T) {
	pgtest.Need(t)
	const canary = "Canary-9f1c-Pw!"
	ctx := context.Background()
	role := fmt.Sprintf("canary_%d", time.Now().UnixNano())
	if err := cluster.Exec(ctx, fmt.Sprintf("create role %s login password '%s'; grant connect on database %s to %s",
		role, canary, cluster.Database, role)); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	var console bytes.Buffer
	cfg := logging.DefaultConfig(dir)
	cfg.Console = &console
	cfg.Level = logrus.TraceLevel
	logs := logging.New(cfg)
	var events event.Recorder
	st, err := state.New(ctx, state.Options{DataDir: dir, Log: logs.Logger(), Emitter: &events})
	if err != nil {
		t.Fatal(err)
	}

	var errs []error
	conn := connection.NewConfig("canary", cluster.Host, cluster.Port, cluster.Database, role)
	conn.SSLMode = connection.SSLDisable
	rec, err := st.Store().SaveConnection(ctx, conn.Record())
	if err != nil {
		t.Fatal(err)
	}
	saved := connection.FromRecord(rec)
	if err := st.Credentials().StorePassword(ctx, saved.ID, secret.New(canary)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Connect(ctx, saved.ID, state.ConnectOptions{}); err != nil {
		t.Fatalf("connect with the stored password: %v", err)
	}
	st.Disconnect(saved.ID)
	_, err = st.Connect(ctx, saved.ID, state.ConnectOptions{Password: secret.New(canary + "x")})
	if apperr.KindOf(err) != apperr.Authentication {
		t.Fatalf("near-miss password: %v", err)
	}
	errs = append(errs, err)
	imported, err := connection.ParseURL("postgres://" + role + ":" + canary + "@" + cluster.Host + "/db?bogus=1&password=" + canary)
	if err != nil {
		t.Fatal(err)
	}
	if imported.Password.Reveal() != canary {
		t.Fatalf("imported password = %v", imported.Password)
	}
	importedJSON, _ := json.Marshal(imported.Config)
	importedJSON2, _ := json.Marshal(imported.Unknown)
	_, err = connection.ParseURL("postgres://" + role + ":" + canary + "@[::1/db")
	errs = append(errs, err)
	rep, err := st.TestConnection(ctx, saved, state.ConnectOptions{Password: secret.New(canary + "y")})
	if err != nil || rep.OK {
		t.Fatalf("test connection with a wrong password: %+v, %v", rep, err)
	}
	repJSON, _ := json.Marshal(rep)
	logs.Logger().WithField("password", canary).Tracef("connecting with postgres://%s:%s@host/db", role, canary)

	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := logs.Close(); err != nil { // flushes the file
		t.Fatal(err)
	}

	var haystacks []string
	haystacks = append(haystacks, console.String(), string(importedJSON), string(importedJSON2), string(repJSON))
	for _, e := range errs {
		info, _ := json.Marshal(apperr.Info(e))
		haystacks = append(haystacks, fmt.Sprintf("%v %+v %#v", e, e, e), string(info), apperr.Format(e).(string))
	}
	for _, ev := range events.Events() {
		b, _ := json.Marshal(ev.Payload)
		haystacks = append(haystacks, ev.Name+string(b)+fmt.Sprintf("%+v", ev.Payload))
	}
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		haystacks = append(haystacks, string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range haystacks {
		if strings.Contains(h, canary) {
			t.Errorf("the canary leaked (haystack %d): %.300s", i, h)
		}
	}
	if len(events.Events()) == 0 {
		t.Error("no event was captured: the search proves nothing")
	}
	if !strings.Contains(console.String(), "[redacted]") {
		t.Error("no redaction in the log: the trace line did not reach it")
	}
}
