//go:build !darwin && !windows

package credentials_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// Real D-Bus and gnome-keyring-daemon processes for tests that need a
// Secret Service in a given state (none, stopped, locked, missing its
// keyring). Each runs on its own private bus, so they neither need nor
// touch the keyring of scripts/with-keyring.sh or of the desktop.

// childEnv is the environment for a daemon or a helper process: the
// test's, without anything that would reach the desktop (a display for an
// unlock prompt, the session bus, the XDG directories).
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS",
			"XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR", "TUSK_TEST_KEYRING":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// privateBus starts a dbus-daemon with nothing activatable (so no unlock
// prompter either) and returns its address.
func privateBus(t *testing.T) string {
	t.Helper()
	daemon := requireBinary(t, "dbus-daemon")
	dir := t.TempDir()
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=`+sock+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(daemon, "--nofork", "--config-file="+conf, "--print-address=1")
	cmd.Env = childEnv()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	return strings.TrimSpace(line)
}

// startKeyringDaemon runs gnome-keyring-daemon (secrets only) on the bus at
// addr with its files under dir, unlocking (and creating) the login keyring
// when unlock is set, and waits until it owns org.freedesktop.secrets. The
// daemon is killed when the test ends.
func startKeyringDaemon(t *testing.T, addr, dir string, unlock bool) *exec.Cmd {
	t.Helper()
	gkd := requireBinary(t, "gnome-keyring-daemon")
	env := childEnv("DBUS_SESSION_BUS_ADDRESS=" + addr)
	for _, v := range []string{"XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"} {
		p := filepath.Join(dir, strings.ToLower(v))
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
		env = append(env, v+"="+p)
	}
	args := []string{"--foreground", "--components=secrets"}
	if unlock {
		args = append(args, "--unlock")
	}
	cmd := exec.Command(gkd, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader("tusk-test-keyring")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	waitForOwner(t, addr, true)
	return cmd
}

// waitForOwner waits until org.freedesktop.secrets has (or, with owned
// false, no longer has) an owner on the bus at addr.
func waitForOwner(t *testing.T, addr string, owned bool) {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var has bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.freedesktop.secrets").Store(&has)
		if err != nil {
			t.Fatal(err)
		}
		if has == owned {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("org.freedesktop.secrets owned = %v after 10s, want %v", has, owned)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
