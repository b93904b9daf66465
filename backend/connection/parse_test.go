package connection_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
)

func TestParseURL(t *testing.T) {
	type want struct {
		host, db, user, password string
		port                     int
		mode                     connection.SSLMode
		rootCert, cert, key      string
		opts                     connection.Options
		unknown                  []string
	}
	def := connection.Options{ConnectTimeout: 10 * time.Second, ApplicationName: "Tusk"}
	with := func(f func(*connection.Options)) connection.Options {
		o := def
		f(&o)
		return o
	}
	tests := []struct {
		name, in string
		want     want
	}{
		{"URL with everything", "postgres://alice:s3cr%40t@db.example.com:6432/shop?sslmode=verify-full&sslrootcert=/etc/ca.pem&application_name=report",
			want{host: "db.example.com", port: 6432, db: "shop", user: "alice", password: "s3cr@t", mode: "verify-full", rootCert: "/etc/ca.pem",
				opts: with(func(o *connection.Options) { o.ApplicationName = "report" })}},
		{"postgresql scheme, defaults", "postgresql://bob@db/", want{host: "db", port: 5432, db: "bob", user: "bob", mode: "prefer", opts: def}},
		{"scheme is case-insensitive", "PostgreSQL://h/d", want{host: "h", port: 5432, db: "d", mode: "prefer", opts: def}},
		{"IPv6 host", "postgres://u@[2001:db8::1]:5433/d", want{host: "2001:db8::1", port: 5433, db: "d", user: "u", mode: "prefer", opts: def}},
		{"IPv6 host without port", "postgres://u@[::1]/d", want{host: "::1", port: 5432, db: "d", user: "u", mode: "prefer", opts: def}},
		{"unencoded @ in password", "postgres://u:p@ss@h/d", want{host: "h", port: 5432, db: "d", user: "u", password: "p@ss", mode: "prefer", opts: def}},
		{"colon in password", "postgres://u:a:b@h/d", want{host: "h", port: 5432, db: "d", user: "u", password: "a:b", mode: "prefer", opts: def}},
		{"plus stays a plus", "postgres://u:a+b@h/my+db", want{host: "h", port: 5432, db: "my+db", user: "u", password: "a+b", mode: "prefer", opts: def}},
		{"empty password", "postgres://u:@h/d", want{host: "h", port: 5432, db: "d", user: "u", mode: "prefer", opts: def}},
		{"socket directory as host parameter", "postgresql:///d?host=%2Fvar%2Frun%2Fpostgresql&user=u",
			want{host: "/var/run/postgresql", port: 5432, db: "d", user: "u", mode: "prefer", opts: def}},
		{"encoded socket directory as host", "postgresql://%2Ftmp/d", want{host: "/tmp", port: 5432, db: "d", mode: "prefer", opts: def}},
		{"query overrides authority", "postgres://u@h:1/d?port=2&dbname=other&user=v",
			want{host: "h", port: 2, db: "other", user: "v", mode: "prefer", opts: def}},
		{"ssl=true", "postgres://h/d?ssl=true", want{host: "h", port: 5432, db: "d", mode: "require", opts: def}},
		{"explicit sslmode beats ssl=true", "postgres://h/d?sslmode=verify-ca&ssl=true", want{host: "h", port: 5432, db: "d", mode: "verify-ca", opts: def}},
		{"sslrootcert=system forces verify-full", "postgres://h/d?sslrootcert=system&sslmode=require", want{host: "h", port: 5432, db: "d", mode: "verify-full", opts: def}},
		{"client certificate", "postgres://h/d?sslcert=/c.crt&sslkey=/c.key&sslmode=require",
			want{host: "h", port: 5432, db: "d", mode: "require", cert: "/c.crt", key: "/c.key", opts: def}},
		{"session settings as parameters", "postgres://h/d?statement_timeout=5s&idle_in_transaction_session_timeout=2min&default_transaction_read_only=on&connect_timeout=7",
			want{host: "h", port: 5432, db: "d", mode: "prefer", opts: with(func(o *connection.Options) {
				o.StatementTimeout, o.IdleInTransactionTimeout, o.ReadOnly, o.ConnectTimeout = 5*time.Second, 2*time.Minute, true, 7*time.Second
			})}},
		{"session settings in options", "postgres://h/d?options=-c%20statement_timeout%3D1500%20-cdefault_transaction_read_only%3Dtrue%20--idle-in-transaction-session-timeout%3D1h",
			want{host: "h", port: 5432, db: "d", mode: "prefer", opts: with(func(o *connection.Options) {
				o.StatementTimeout, o.ReadOnly, o.IdleInTransactionTimeout = 1500*time.Millisecond, true, time.Hour
			})}},
		{"unknown parameters are reported in order", "postgres://h/d?target_session_attrs=read-write&options=-c%20search_path%3Dapp&sslpassword=hunter2&keepalives=1&target_session_attrs=any",
			want{host: "h", port: 5432, db: "d", mode: "prefer", opts: def,
				unknown: []string{"target_session_attrs=any", "options=-c search_path=app", "sslpassword=[redacted]", "keepalives=1"}}},
		{"hostaddr without host", "hostaddr=10.0.0.5 dbname=d", want{host: "10.0.0.5", port: 5432, db: "d", mode: "prefer", opts: def}},
		{"hostaddr with host is reported", "host=db hostaddr=10.0.0.5 dbname=d", want{host: "db", port: 5432, db: "d", mode: "prefer", opts: def, unknown: []string{"hostaddr=10.0.0.5"}}},
		{"keyword/value with quoted values", `host=db.local port = 5433 dbname='my db' user='o\'brien' password='pa ss\\word' sslmode=require application_name=tusk\ test`,
			want{host: "db.local", port: 5433, db: "my db", user: "o'brien", password: `pa ss\word`, mode: "require",
				opts: with(func(o *connection.Options) { o.ApplicationName = "tusk test" })}},
		{"keyword/value with database alias and options", `host=localhost database=d user=u options='-c statement_timeout=30s'`,
			want{host: "localhost", port: 5432, db: "d", user: "u", mode: "prefer", opts: with(func(o *connection.Options) { o.StatementTimeout = 30 * time.Second })}},
		{"zero connect_timeout means the default", "host=h connect_timeout=0", want{host: "h", port: 5432, mode: "prefer", opts: def}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			imp, err := connection.ParseURL(tt.in)
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tt.in, err)
			}
			c := imp.Config
			w := tt.want
			got := want{c.Host, c.Database, c.User, imp.Password.Reveal(), c.Port, c.SSLMode, c.SSLRootCert, c.SSLCert, c.SSLKey, c.Options, imp.Unknown}
			if w.unknown == nil {
				w.unknown = []string{}
			}
			if got.host != w.host || got.db != w.db || got.user != w.user || got.password != w.password || got.port != w.port ||
				got.mode != w.mode || got.rootCert != w.rootCert || got.cert != w.cert || got.key != w.key || got.opts != w.opts ||
				!slices.Equal(got.unknown, w.unknown) {
				t.Fatalf("ParseURL(%q)\n got %+v\nwant %+v", tt.in, got, w)
			}
			if imp.HasPassword != (w.password != "" || strings.Contains(tt.in, "u:@")) {
				t.Errorf("HasPassword = %v", imp.HasPassword)
			}
			if c.ID != "" || c.SSHTunnelID != "" || c.Color != "" {
				t.Errorf("unexpected fields set: %+v", c)
			}
		})
	}
}

func TestParseURLName(t *testing.T) {
	imp, err := connection.ParseURL("postgres://u@db.example.com/shop")
	if err != nil {
		t.Fatal(err)
	}
	if imp.Config.Name != "shop on db.example.com" {
		t.Errorf("Name = %q", imp.Config.Name)
	}
	if err := imp.Config.Validate(); err != nil {
		t.Errorf("imported config does not validate: %v", err)
	}
}

// TestParseURLPasswordStaysOut: the password reaches Imported.Password and
// nothing else — not the Config, not the record, not JSON, not fmt.
func TestParseURLPasswordStaysOut(t *testing.T) {
	const pw = "Pa55-canary-7f3a"
	for _, in := range []string{
		"postgres://alice:" + pw + "@h:5432/d?sslmode=disable",
		"host=h user=alice password=" + pw + " dbname=d",
		"postgres://h/d?password=" + pw,
	} {
		imp, err := connection.ParseURL(in)
		if err != nil {
			t.Fatalf("ParseURL: %v", err)
		}
		if imp.Password.Reveal() != pw || !imp.HasPassword {
			t.Fatalf("password = %q, HasPassword %v", imp.Password.Reveal(), imp.HasPassword)
		}
		cfgJSON, _ := json.Marshal(imp.Config)
		recJSON, _ := json.Marshal(imp.Config.Record())
		impJSON, _ := json.Marshal(imp)
		text := fmt.Sprintf("%v %+v %#v %s %s %s %v", imp, imp, imp, cfgJSON, recJSON, impJSON, imp.Config.Record())
		if strings.Contains(text, pw) {
			t.Fatalf("password leaked: %s", text)
		}
	}
}

func TestParseURLErrors(t *testing.T) {
	const pw = "Canary-9d1e"
	for _, in := range []string{
		"postgres://u:" + pw + "@h:notaport/d",
		"postgres://u:" + pw + "@h1:5432,h2:5433/d",
		"postgres://u:" + pw + "@[::1/d",
		"postgres://u:" + pw + "@::1:5432/d",
		"postgres://u:" + pw + "@h/d?sslmode",
		"postgres://u:%zz" + pw + "@h/d",
		"postgres://u@h/%zz",
		"postgres://u@h/d?statement_timeout=fast",
		"postgres://u@h/d?statement_timeout=-5",
		"postgres://u@h/d?idle_in_transaction_session_timeout=5 fortnights",
		"postgres://u@h/d?default_transaction_read_only=maybe",
		"postgres://u@h/d?connect_timeout=1.5",
		"host=h password=" + pw + " port='5432",
		"host=h " + pw,
		"host=h password=" + pw + " =x",
		"host=h,h2 password=" + pw,
		"host=h port=five password=" + pw,
		"host=h\x00 password=" + pw,
	} {
		t.Run(strings.ReplaceAll(in, pw, "PW"), func(t *testing.T) {
			_, err := connection.ParseURL(in)
			e := expectKind(t, err, apperr.Validation)
			if len(e.Fields) == 0 || e.Fields[0].Field != "url" {
				t.Errorf("fields = %+v, want url", e.Fields)
			}
			js, _ := json.Marshal(apperr.Info(err))
			if strings.Contains(err.Error()+string(js)+fmt.Sprintf("%+v", e.Fields), pw) {
				t.Errorf("the input leaked into the error: %v %s", err, js)
			}
		})
	}
}

// TestParseURLRefusesNonsense: inputs that do not describe a server are
// refused with a message that names the offending part, instead of being
// read as localhost or passed on to fail later.
func TestParseURLRefusesNonsense(t *testing.T) {
	const pw = "Canary-51f0"
	for _, tt := range []struct{ in, names string }{
		{"", "empty"},
		{"   ", "empty"},
		{"postgres://", "no host"},
		{"postgresql://u:" + pw + "@/d", "no host"},
		{"user=u dbname=d password=" + pw, "no host"},
		{"postgres://h:99999999999/d", "port must be between 1 and 65535"},
		{"postgres://h:0/d", "port must be between 1 and 65535"},
		{"host=h port=-1", "port must be between 1 and 65535"},
		{"host=h port=70000 password=" + pw, "port must be between 1 and 65535"},
		{"postgres://u:" + pw + "@h/d?sslmode=bogus", "sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full"},
		{"host=h sslmode=verify", "sslmode"},
	} {
		t.Run(strings.ReplaceAll(tt.in, pw, "PW"), func(t *testing.T) {
			_, err := connection.ParseURL(tt.in)
			e := expectKind(t, err, apperr.Validation)
			if !strings.Contains(e.Message, tt.names) {
				t.Errorf("message %q does not name %q", e.Message, tt.names)
			}
			if strings.Contains(err.Error(), pw) {
				t.Errorf("the password leaked: %v", err)
			}
		})
	}
	if imp, err := connection.ParseURL("postgres://h/d?sslmode=Require"); err != nil || imp.Config.SSLMode != connection.SSLRequire {
		t.Errorf("sslmode is read case-insensitively: %+v, %v", imp.Config.SSLMode, err)
	}
}
