package sshtunnel_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/internal/sshtest"
	"github.com/tusk-app/tusk/backend/sshtunnel"
	"github.com/tusk-app/tusk/backend/storage"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key := sshtest.NewKey(t, dir, "id", sshtest.ED25519, "").Path
	ok := sshtunnel.Config{Host: "db.example.com", Port: 22, User: "ops", AuthMethod: sshtunnel.AuthKey, KeyPath: key}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	tests := []struct {
		name   string
		edit   func(*sshtunnel.Config)
		fields []string
	}{
		{"port 0 means default", func(c *sshtunnel.Config) { c.Port = 0 }, nil},
		{"agent", func(c *sshtunnel.Config) { c.AuthMethod, c.KeyPath = sshtunnel.AuthAgent, "" }, nil},
		{"key from ssh config", func(c *sshtunnel.Config) { c.KeyPath = "" }, nil},
		{"ipv6 host and chained jump hosts", func(c *sshtunnel.Config) {
			c.Host, c.JumpHost = "[::1]", "a@b:2222, [fe80::1]:22 ,ssh://c@d,alias"
		}, nil},
		{"empty host", func(c *sshtunnel.Config) { c.Host = "  " }, []string{"host"}},
		{"user in host", func(c *sshtunnel.Config) { c.Host = "ops@db" }, []string{"host"}},
		{"port too big", func(c *sshtunnel.Config) { c.Port = 70000 }, []string{"port"}},
		{"negative port", func(c *sshtunnel.Config) { c.Port = -1 }, []string{"port"}},
		{"bad user", func(c *sshtunnel.Config) { c.User = "a b" }, []string{"user"}},
		{"no auth method", func(c *sshtunnel.Config) { c.AuthMethod = "" }, []string{"authMethod"}},
		{"unknown auth method", func(c *sshtunnel.Config) { c.AuthMethod = "kerberos" }, []string{"authMethod"}},
		{"missing key file", func(c *sshtunnel.Config) { c.KeyPath = filepath.Join(dir, "nope") }, []string{"keyPath"}},
		{"key path is a directory", func(c *sshtunnel.Config) { c.KeyPath = dir }, []string{"keyPath"}},
		{"missing known_hosts", func(c *sshtunnel.Config) { c.KnownHostsPath = filepath.Join(dir, "kh") }, []string{"knownHostsPath"}},
		{"bad jump port", func(c *sshtunnel.Config) { c.JumpHost = "bastion:0" }, []string{"jumpHost"}},
		{"empty jump entry", func(c *sshtunnel.Config) { c.JumpHost = "a,,b" }, []string{"jumpHost"}},
		{"empty jump user", func(c *sshtunnel.Config) { c.JumpHost = "@bastion" }, []string{"jumpHost"}},
		{"handshake timeout too long", func(c *sshtunnel.Config) { c.HandshakeTimeout = time.Hour }, []string{"handshakeTimeout"}},
		{"negative missed keepalives", func(c *sshtunnel.Config) { c.KeepAliveMaxMissed = -1 }, []string{"keepAliveMaxMissed"}},
		{"everything at once", func(c *sshtunnel.Config) {
			*c = sshtunnel.Config{Port: 99999, AuthMethod: "x", JumpHost: ",", HandshakeTimeout: -1}
		}, []string{"authMethod", "handshakeTimeout", "host", "jumpHost", "port"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := c.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.Validation {
				t.Fatalf("got %v, want a Validation error", err)
			}
			var got []string
			for _, f := range ae.Fields {
				got = append(got, f.Field)
				if f.Message == "" {
					t.Errorf("field %s without a message", f.Field)
				}
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.fields) {
				t.Fatalf("fields %q, want %q (%v)", got, tt.fields, ae.Fields)
			}
			// Open refuses an invalid config before touching the network.
			if _, err := sshtunnel.Open(context.Background(), c, sshtunnel.Deps{}); apperr.KindOf(err) != apperr.Validation {
				t.Fatalf("Open: %v", err)
			}
		})
	}
}

func TestRecordRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := storage.OpenInMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cfg := sshtunnel.Config{
		Name: "prod", Host: "bastion.example.com", Port: 2222, User: "ops",
		AuthMethod: sshtunnel.AuthKey, KeyPath: "/home/ops/.ssh/id_ed25519", KnownHostsPath: "/etc/ssh/ssh_known_hosts",
		JumpHost: "gate@gw.example.com:22", KeepAliveInterval: 20 * time.Second, HandshakeTimeout: 1500 * time.Millisecond,
	}
	saved, err := st.SaveSSHTunnel(ctx, cfg.Record())
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := st.LoadSSHTunnel(ctx, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := sshtunnel.FromRecord(loaded)
	want := cfg
	want.ID = saved.ID
	want.HandshakeTimeout = 2 * time.Second // whole seconds, rounded up
	if got != want {
		t.Fatalf("round trip\n got %+v\nwant %+v", got, want)
	}
	if r := (sshtunnel.Config{KeepAliveInterval: -1}).Record(); r.KeepAliveSeconds != 0 {
		t.Fatalf("disabled keepalive stored as %d", r.KeepAliveSeconds)
	}
}

func TestErrorTexts(t *testing.T) {
	t.Parallel()
	he := &sshtunnel.HopError{Hop: "bastion:2222", Jump: true, Err: errors.New("boom")}
	if he.Error() != "ssh to jump host bastion:2222: boom" || he.SSHHop() != "jump host bastion:2222" {
		t.Errorf("%q / %q", he.Error(), he.SSHHop())
	}
	he = &sshtunnel.HopError{Hop: "db:22", Err: errors.New("boom")}
	if he.Error() != "ssh to db:22: boom" || !sshtunnel.IsTunnelError(he) || sshtunnel.IsTunnelError(errors.New("x")) {
		t.Errorf("%q", he.Error())
	}
	need := &sshtunnel.CredentialNeededError{CredentialRequest: sshtunnel.CredentialRequest{
		Kind: sshtunnel.CredentialPassword, Hop: "db:22", User: "ops"}}
	if !strings.Contains(need.Error(), "password") || !strings.Contains(need.Error(), "ops on db:22") {
		t.Errorf("%q", need.Error())
	}
	var iface interface{ NeededCredential() string }
	if !errors.As(&sshtunnel.HopError{Hop: "db:22", Err: need}, &iface) || iface.NeededCredential() != "password" {
		t.Error("NeededCredential not reachable through a HopError")
	}
	var hop interface{ SSHHop() string }
	if !errors.As(fmt.Errorf("connect: %w", he), &hop) || hop.SSHHop() != "db:22" {
		t.Error("SSHHop not reachable through wrapping")
	}
}
