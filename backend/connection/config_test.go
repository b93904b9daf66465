package connection_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/storage"
)

func TestNewConfigDefaults(t *testing.T) {
	c := connection.NewConfig("n", "h", 0, "d", "u")
	want := connection.Config{
		Name: "n", Host: "h", Port: 5432, Database: "d", User: "u", SSLMode: connection.SSLPrefer,
		Options: connection.Options{ConnectTimeout: 10 * time.Second, ApplicationName: "Tusk"},
	}
	if c != want {
		t.Fatalf("NewConfig = %+v, want %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if got := connection.NewConfig("n", "h", 6543, "d", "u").Port; got != 6543 {
		t.Errorf("port = %d, want 6543", got)
	}
}

func TestSSLModeList(t *testing.T) {
	want := []connection.SSLMode{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}
	if !slices.Equal(connection.SSLModes, want) {
		t.Fatalf("SSLModes = %v", connection.SSLModes)
	}
	for _, m := range want {
		if !m.Valid() {
			t.Errorf("%s not valid", m)
		}
	}
	for _, m := range []connection.SSLMode{"", "Disable", "verify_full", "on"} {
		if m.Valid() {
			t.Errorf("%q valid", m)
		}
	}
}

// TestConfigJSON pins the shape the frontend sees: camelCase names and
// durations as whole milliseconds.
func TestConfigJSON(t *testing.T) {
	c := connection.NewConfig("Prod", "db", 5432, "shop", "alice")
	c.Options.StatementTimeout = 1500 * time.Millisecond
	c.Options.IdleInTransactionTimeout = time.Minute
	c.Options.ReadOnly = true
	c.Color = "#112233"
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "name", "host", "port", "database", "user", "sslMode", "sslRootCert", "sslCert", "sslKey", "sshTunnelId", "options", "color"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	opts := m["options"].(map[string]any)
	wantOpts := map[string]any{
		"connectTimeoutMs": 10000.0, "statementTimeoutMs": 1500.0, "idleInTransactionTimeoutMs": 60000.0,
		"readOnly": true, "applicationName": "Tusk", "safeMode": "", "marker": map[string]any{"name": "", "color": ""},
		"manualCommit": false, "commitWithoutReview": false,
	}
	if !reflect.DeepEqual(opts, wantOpts) {
		t.Errorf("options JSON = %v, want %v", opts, wantOpts)
	}
	var back connection.Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back != c {
		t.Errorf("round trip = %+v, want %+v", back, c)
	}
	// What the frontend sends: absent options are zero.
	var partial connection.Config
	if err := json.Unmarshal([]byte(`{"name":"x","options":{"statementTimeoutMs":250}}`), &partial); err != nil {
		t.Fatal(err)
	}
	if partial.Options != (connection.Options{StatementTimeout: 250 * time.Millisecond}) {
		t.Errorf("partial options = %+v", partial.Options)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	dir := t.TempDir()
	c := connection.Config{
		ID: "6b1f3c0e-0000-4000-8000-000000000002", Name: "Prod", Host: "db.example.com", Port: 6432,
		Database: "shop", User: "alice", SSLMode: connection.SSLVerifyFull,
		SSLRootCert: filepath.Join(dir, "ca.crt"), SSLCert: filepath.Join(dir, "c.crt"), SSLKey: filepath.Join(dir, "c.key"),
		SSHTunnelID: "6b1f3c0e-0000-4000-8000-000000000003",
		Options: connection.Options{
			ConnectTimeout: 3 * time.Second, StatementTimeout: 90 * time.Second,
			IdleInTransactionTimeout: 5 * time.Minute, ReadOnly: true, ApplicationName: "Tusk (prod)",
		},
		Color: "#e5484d",
	}
	r := c.Record()
	want := storage.ConnectionRecord{
		ID: c.ID, Name: "Prod", Host: "db.example.com", Port: 6432, Database: "shop", Username: "alice",
		SSLMode: "verify-full", SSLRootCertPath: c.SSLRootCert, SSLClientCertPath: c.SSLCert, SSLClientKeyPath: c.SSLKey,
		SSHTunnelID: c.SSHTunnelID,
		Options: storage.ConnectionOptions{
			ConnectTimeoutMs: 3000, StatementTimeoutMs: 90000, IdleInTransactionTimeoutMs: 300000,
			ReadOnly: true, ApplicationName: "Tusk (prod)",
		},
		Color: "#e5484d",
	}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("Record() = %+v\nwant       %+v", r, want)
	}
	if back := connection.FromRecord(r); back != c {
		t.Fatalf("FromRecord(Record()) = %+v, want %+v", back, c)
	}

	// A record with nothing optional set gets the defaults.
	bare := storage.ConnectionRecord{ID: c.ID, Name: "n", Host: "h", Port: 5432, Database: "d", Username: "u"}
	got := connection.FromRecord(bare)
	wantBare := connection.NewConfig("n", "h", 5432, "d", "u")
	wantBare.ID = c.ID
	if got != wantBare {
		t.Fatalf("FromRecord(bare) = %+v, want %+v", got, wantBare)
	}
	if back := connection.FromRecord(got.Record()); back != got {
		t.Fatalf("defaults do not survive a round trip: %+v", back)
	}
}

// TestRecordStore saves a Config through the real store and reads it back.
func TestRecordStore(t *testing.T) {
	ctx := testCtx(t)
	st, _, err := storage.Open(ctx, filepath.Join(t.TempDir(), storage.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := connection.NewConfig("Saved", "db", 5432, "shop", "alice")
	c.Options.StatementTimeout = 2 * time.Second
	saved, err := st.SaveConnection(ctx, c.Record())
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := st.LoadConnection(ctx, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := connection.FromRecord(loaded)
	c.ID = saved.ID
	if got != c {
		t.Fatalf("loaded %+v, want %+v", got, c)
	}
}

func TestValidate(t *testing.T) {
	pgtest.Need(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")

	tests := []struct {
		name   string
		mutate func(*connection.Config)
		fields []string // rejected fields, in order; nil = valid
	}{
		{"defaults", func(*connection.Config) {}, nil},
		{"name empty", func(c *connection.Config) { c.Name = "" }, []string{"name"}},
		{"name blank", func(c *connection.Config) { c.Name = "  \t" }, []string{"name"}},
		{"name 255 characters", func(c *connection.Config) { c.Name = strings.Repeat("é", 255) }, nil},
		{"name 256 characters", func(c *connection.Config) { c.Name = strings.Repeat("a", 256) }, []string{"name"}},
		{"host empty", func(c *connection.Config) { c.Host = "" }, []string{"host"}},
		{"host with comma", func(c *connection.Config) { c.Host = "a,b" }, []string{"host"}},
		{"host with space", func(c *connection.Config) { c.Host = "a b" }, []string{"host"}},
		{"host bracketed", func(c *connection.Config) { c.Host = "[::1]" }, []string{"host"}},
		{"host IPv6", func(c *connection.Config) { c.Host = "::1" }, nil},
		{"host socket dir", func(c *connection.Config) { c.Host = "/var/run/postgresql" }, nil},
		{"port 0", func(c *connection.Config) { c.Port = 0 }, []string{"port"}},
		{"port 65536", func(c *connection.Config) { c.Port = 65536 }, []string{"port"}},
		{"port 1", func(c *connection.Config) { c.Port = 1 }, nil},
		{"port 65535", func(c *connection.Config) { c.Port = 65535 }, nil},
		{"database empty", func(c *connection.Config) { c.Database = "" }, []string{"database"}},
		{"database 63 bytes", func(c *connection.Config) { c.Database = strings.Repeat("d", 63) }, nil},
		{"database 64 bytes", func(c *connection.Config) { c.Database = strings.Repeat("d", 64) }, []string{"database"}},
		{"database 63 bytes of 2-byte characters", func(c *connection.Config) { c.Database = strings.Repeat("é", 32) }, []string{"database"}},
		{"user empty", func(c *connection.Config) { c.User = "" }, []string{"user"}},
		{"user with NUL", func(c *connection.Config) { c.User = "a\x00b" }, []string{"user"}},
		{"sslmode empty", func(c *connection.Config) { c.SSLMode = "" }, []string{"sslMode"}},
		{"sslmode unknown", func(c *connection.Config) { c.SSLMode = "strict" }, []string{"sslMode"}},
		{"root cert exists", func(c *connection.Config) { c.SSLRootCert = file }, nil},
		{"root cert missing", func(c *connection.Config) { c.SSLRootCert = missing }, []string{"sslRootCert"}},
		{"root cert is a directory", func(c *connection.Config) { c.SSLRootCert = dir }, []string{"sslRootCert"}},
		{"client cert and key", func(c *connection.Config) { c.SSLCert, c.SSLKey = file, file }, nil},
		{"client cert without key", func(c *connection.Config) { c.SSLCert = file }, []string{"sslKey"}},
		{"client key without cert", func(c *connection.Config) { c.SSLKey = file }, []string{"sslCert"}},
		{"client files missing", func(c *connection.Config) { c.SSLCert, c.SSLKey = missing, missing }, []string{"sslCert", "sslKey"}},
		{"color", func(c *connection.Config) { c.Color = "#A1b2C3" }, nil},
		{"color short", func(c *connection.Config) { c.Color = "#abc" }, []string{"color"}},
		{"color name", func(c *connection.Config) { c.Color = "red" }, []string{"color"}},
		{"color not hex", func(c *connection.Config) { c.Color = "#12345g" }, []string{"color"}},
		{"zero timeouts", func(c *connection.Config) {
			c.Options.ConnectTimeout, c.Options.StatementTimeout, c.Options.IdleInTransactionTimeout = 0, 0, 0
		}, nil},
		{"negative connect timeout", func(c *connection.Config) { c.Options.ConnectTimeout = -time.Second }, []string{"options.connectTimeoutMs"}},
		{"negative statement timeout", func(c *connection.Config) { c.Options.StatementTimeout = -1 }, []string{"options.statementTimeoutMs"}},
		{"negative idle timeout", func(c *connection.Config) { c.Options.IdleInTransactionTimeout = -1 }, []string{"options.idleInTransactionTimeoutMs"}},
		{"statement timeout beyond the server's limit", func(c *connection.Config) { c.Options.StatementTimeout = 25 * 24 * time.Hour }, []string{"options.statementTimeoutMs"}},
		{"application name 63 bytes", func(c *connection.Config) { c.Options.ApplicationName = strings.Repeat("a", 63) }, nil},
		{"application name 64 bytes", func(c *connection.Config) { c.Options.ApplicationName = strings.Repeat("a", 64) }, []string{"options.applicationName"}},
		{"several problems at once", func(c *connection.Config) {
			c.Name, c.Host, c.Port, c.Database, c.User, c.SSLMode = "", "", -1, "", "", "x"
			c.SSLCert, c.Color = missing, "blue"
			c.Options.ConnectTimeout, c.Options.ApplicationName = -1, strings.Repeat("a", 64)
		}, []string{"name", "host", "port", "database", "user", "sslMode", "sslCert", "sslKey", "color", "options.connectTimeoutMs", "options.applicationName"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := trustConfig()
			tt.mutate(&c)
			err := c.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			e := expectKind(t, err, apperr.Validation)
			var got []string
			for _, f := range e.Fields {
				got = append(got, f.Field)
				if f.Message == "" {
					t.Errorf("field %s has no message", f.Field)
				}
			}
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("rejected fields = %v, want %v (%+v)", got, tt.fields, e.Fields)
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("%T is not an *apperr.Error", err)
			}
		})
	}
}
