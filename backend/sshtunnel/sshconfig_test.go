package sshtunnel_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/sshtunnel"
)

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestSSHConfigLookup(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".ssh", "conf.d", "work.conf"), `
Host work-*
    User worker
    IdentityFile ~/.ssh/id_work
`)
	cfgPath := filepath.Join(home, ".ssh", "config")
	writeFile(t, cfgPath, `
# global options before any Host apply to every host
IdentityFile ~/.ssh/id_global

Include conf.d/*.conf

Host db prod-db "quoted alias"
    HostName 10.0.0.5
    Port 2222
    user=dbadmin
    ProxyJump ops@bastion:2200,gw

Host db
    HostName ignored.example.com   # first value wins
    IdentityFile %d/.ssh/id_%h_%r

Host *.internal !secret.internal
    User internal
    HostName %h.example.com

Host b?stion
    Port 2201

Match host db
    User never

Match all
    Port 9999

Host *
    User fallback
    Port 22
`)
	sc, err := sshtunnel.LoadSSHConfig(cfgPath, home)
	if err != nil {
		t.Fatal(err)
	}
	ssh := filepath.Join(home, ".ssh")
	tests := []struct {
		alias string
		want  sshtunnel.HostSettings
	}{
		{"db", sshtunnel.HostSettings{
			HostName: "10.0.0.5", Port: 2222, User: "dbadmin", ProxyJump: "ops@bastion:2200,gw",
			IdentityFiles: []string{filepath.Join(ssh, "id_global"), filepath.Join(ssh, "id_10.0.0.5_dbadmin")},
		}},
		{"DB", sshtunnel.HostSettings{ // host names match case-insensitively
			HostName: "10.0.0.5", Port: 2222, User: "dbadmin", ProxyJump: "ops@bastion:2200,gw",
			IdentityFiles: []string{filepath.Join(ssh, "id_global"), filepath.Join(ssh, "id_10.0.0.5_dbadmin")},
		}},
		{"quoted alias", sshtunnel.HostSettings{HostName: "10.0.0.5", Port: 2222, User: "dbadmin", ProxyJump: "ops@bastion:2200,gw",
			IdentityFiles: []string{filepath.Join(ssh, "id_global")}}},
		{"work-1", sshtunnel.HostSettings{User: "worker", Port: 9999,
			IdentityFiles: []string{filepath.Join(ssh, "id_global"), filepath.Join(ssh, "id_work")}}},
		{"api.internal", sshtunnel.HostSettings{User: "internal", HostName: "api.internal.example.com", Port: 9999,
			IdentityFiles: []string{filepath.Join(ssh, "id_global")}}},
		{"secret.internal", sshtunnel.HostSettings{User: "fallback", Port: 9999,
			IdentityFiles: []string{filepath.Join(ssh, "id_global")}}},
		{"bastion", sshtunnel.HostSettings{User: "fallback", Port: 2201,
			IdentityFiles: []string{filepath.Join(ssh, "id_global")}}},
		{"other", sshtunnel.HostSettings{User: "fallback", Port: 9999,
			IdentityFiles: []string{filepath.Join(ssh, "id_global")}}},
	}
	for _, tt := range tests {
		got := sc.Lookup(tt.alias)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Lookup(%q)\n got %+v\nwant %+v", tt.alias, got, tt.want)
		}
	}
	if got, want := sc.Hosts(), []string{"db", "prod-db", "quoted alias"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Hosts() = %q, want %q", got, want)
	}
}

func TestSSHConfigErrors(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	sc, err := sshtunnel.LoadSSHConfig(filepath.Join(home, "absent"), home)
	if err != nil || !reflect.DeepEqual(sc.Lookup("x"), sshtunnel.HostSettings{}) {
		t.Fatalf("a missing file: %v, %+v", err, sc.Lookup("x"))
	}
	var nilConfig *sshtunnel.SSHConfig
	if !reflect.DeepEqual(nilConfig.Lookup("x"), sshtunnel.HostSettings{}) || nilConfig.Hosts() != nil {
		t.Fatal("a nil *SSHConfig is not empty")
	}
	for i, body := range []string{
		"Host a\n  Port twenty-two\n",
		"Host a\n  HostName \"unterminated\n",
		"Host\n",
	} {
		path := filepath.Join(home, fmt.Sprintf("bad%d", i))
		writeFile(t, path, body)
		_, err := sshtunnel.LoadSSHConfig(path, home)
		if err == nil || !strings.Contains(err.Error(), path+" line 2") && !strings.Contains(err.Error(), path+" line 1") {
			t.Errorf("%q: got %v, want an error naming the file and line", body, err)
		}
	}
	// An Include that includes itself stops at the depth limit.
	loop := filepath.Join(home, "loop")
	writeFile(t, loop, "Include "+loop+"\n")
	if _, err := sshtunnel.LoadSSHConfig(loop, home); err == nil || !strings.Contains(err.Error(), "deep") {
		t.Errorf("include loop: %v", err)
	}
}

func TestSSHConfigAlias(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A key only ~/.ssh/config names.
	writeFile(t, filepath.Join(e.home, ".ssh", "config"), fmt.Sprintf(`
Host mydb
    HostName %s
    Port %d
    User %s
    IdentityFile ~/.ssh/id_ed25519
`, e.srv.Host, e.srv.Port, e.srv.User))
	cfg := sshtunnel.Config{Host: "mydb", AuthMethod: sshtunnel.AuthKey}
	deps := e.deps()
	deps.LocalUser = "nobody-here" // must be overridden by the config's User
	tun := mustOpen(t, cfg, deps)
	if hops := tun.Hops(); len(hops) != 1 || hops[0] != "mydb ("+e.srv.Addr+")" {
		t.Errorf("Hops() = %q", hops)
	}
	roundTrip(t, tun, e.echo)

	// Values set in Tusk win over the file: a wrong port fails.
	cfg.Port = closedPort(t)
	_, err := open(t, cfg, deps)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%s:%d", e.srv.Host, cfg.Port)) {
		t.Fatalf("explicit port: %v", err)
	}
	// And so does the user.
	cfg.Port, cfg.User = 0, "someone-else"
	if _, err := open(t, cfg, deps); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("explicit user: %v", err)
	}
}
