package sshtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh/agent"
)

// Agent is an SSH agent on a private unix socket holding the keys given to
// StartAgent: the real ssh-agent when it is installed, else an in-process
// agent.Keyring served with agent.ServeAgent. Start registers its shutdown
// with t.Cleanup.
type Agent struct {
	// Socket is the agent's socket path (for SSH_AUTH_SOCK).
	Socket string
	// Real is true for OpenSSH's ssh-agent, false for the in-process one.
	Real bool
}

// StartAgent starts an agent holding keys. Unencrypted keys are added with
// ssh-add from their files, encrypted ones through the agent protocol; in
// the in-process agent all through the protocol. It fails the test on
// error.
func StartAgent(t testing.TB, keys ...*Key) *Agent {
	t.Helper()
	dir, err := os.MkdirTemp("", "tusk-agent-") // short: unix socket paths are limited to 108 bytes
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	a := &Agent{Socket: filepath.Join(dir, "agent.sock")}
	bin, err := exec.LookPath("ssh-agent")
	if err == nil {
		a.Real = true
		a.startReal(t, bin, keys)
	} else {
		a.startKeyring(t, keys)
	}
	return a
}

func (a *Agent) startReal(t testing.TB, bin string, keys []*Key) {
	t.Helper()
	cmd := exec.Command(bin, "-D", "-a", a.Socket)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("sshtest: start ssh-agent: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		if c, err := net.Dial("unix", a.Socket); err == nil {
			_ = c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshtest: ssh-agent did not create %s", a.Socket)
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, k := range keys {
		if k.Passphrase == "" {
			if sshAdd, err := exec.LookPath("ssh-add"); err == nil {
				cmd := exec.Command(sshAdd, "-q", k.Path)
				cmd.Env = append(os.Environ(), "SSH_AUTH_SOCK="+a.Socket)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("sshtest: ssh-add %s: %v: %s", k.Path, err, out)
				}
				continue
			}
		}
		if err := a.add(k); err != nil {
			t.Fatalf("sshtest: %v", err)
		}
	}
}

// add adds k through the agent protocol.
func (a *Agent) add(k *Key) error {
	c, err := net.Dial("unix", a.Socket)
	if err != nil {
		return fmt.Errorf("connect to agent: %w", err)
	}
	defer c.Close()
	if err := agent.NewClient(c).Add(agent.AddedKey{PrivateKey: k.Private, Comment: filepath.Base(k.Path)}); err != nil {
		return fmt.Errorf("add key to agent: %w", err)
	}
	return nil
}

func (a *Agent) startKeyring(t testing.TB, keys []*Key) {
	t.Helper()
	keyring := agent.NewKeyring()
	for _, k := range keys {
		if err := keyring.Add(agent.AddedKey{PrivateKey: k.Private, Comment: filepath.Base(k.Path)}); err != nil {
			t.Fatalf("sshtest: %v", err)
		}
	}
	l, err := net.Listen("unix", a.Socket)
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = agent.ServeAgent(keyring, c)
			}()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		<-done
	})
}

// Keys returns how many keys the agent holds.
func (a *Agent) Keys() (int, error) {
	c, err := net.Dial("unix", a.Socket)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	list, err := agent.NewClient(c).List()
	if err != nil {
		return 0, err
	}
	if list == nil {
		return 0, errors.New("agent returned no list")
	}
	return len(list), nil
}
