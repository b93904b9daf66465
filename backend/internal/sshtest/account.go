package sshtest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// Account names and files used when the tests run as root.
const (
	// LoginUser is the OS account the servers accept when the tests run as
	// root. It is created on first use (useradd --system, no home, shell
	// /usr/sbin/nologin: it can forward ports but never get a shell).
	LoginUser = "tuskssh"
	// stateDir keeps LoginUser's password (mode 0600, root only) so that
	// parallel test processes agree on it.
	stateDir = "/var/lib/tusk-sshtest"
)

// account is the login every server of this process accepts.
type account struct {
	user     string
	password string // "" when password authentication cannot work (not root)
}

var (
	accountOnce sync.Once
	accountVal  account
	accountErr  error
)

// loginAccount returns the account, creating LoginUser when running as
// root. Without root the servers run as the current user, who is then the
// only one they accept, and only by key (sshd cannot check a password
// without reading /etc/shadow).
func loginAccount() (account, error) {
	accountOnce.Do(func() { accountVal, accountErr = setUpAccount() })
	return accountVal, accountErr
}

func setUpAccount() (account, error) {
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			return account{}, fmt.Errorf("sshtest: current user: %w", err)
		}
		return account{user: u.Username}, nil
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return account{}, fmt.Errorf("sshtest: %w", err)
	}
	// Serialise with other test processes doing the same.
	lock, err := os.OpenFile(filepath.Join(stateDir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return account{}, fmt.Errorf("sshtest: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return account{}, fmt.Errorf("sshtest: lock %s: %w", lock.Name(), err)
	}
	defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()

	if _, err := user.Lookup(LoginUser); err != nil {
		var unknown user.UnknownUserError
		if !errors.As(err, &unknown) {
			return account{}, fmt.Errorf("sshtest: look up %s: %w", LoginUser, err)
		}
		out, err := exec.Command("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
			"--shell", "/usr/sbin/nologin", "--comment", "Tusk SSH tests", LoginUser).CombinedOutput()
		if err != nil {
			return account{}, fmt.Errorf("sshtest: useradd %s: %w: %s", LoginUser, err, out)
		}
	}
	passFile := filepath.Join(stateDir, "password")
	pass, err := os.ReadFile(passFile)
	if errors.Is(err, fs.ErrNotExist) || len(strings.TrimSpace(string(pass))) == 0 {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		pass = []byte(hex.EncodeToString(b))
		if err := os.WriteFile(passFile, pass, 0o600); err != nil {
			return account{}, fmt.Errorf("sshtest: %w", err)
		}
	} else if err != nil {
		return account{}, fmt.Errorf("sshtest: %w", err)
	}
	password := strings.TrimSpace(string(pass))
	// Set it every time: it also unlocks the account (sshd refuses a
	// locked account even for keys) and repairs a changed password.
	cmd := exec.Command("chpasswd")
	cmd.Stdin = strings.NewReader(LoginUser + ":" + password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return account{}, fmt.Errorf("sshtest: chpasswd %s: %w: %s", LoginUser, err, out)
	}
	return account{user: LoginUser, password: password}, nil
}
