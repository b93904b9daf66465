//go:build !darwin && !windows

package credentials

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	secretsName = "org.freedesktop.secrets"
	secretsPath = "/org/freedesktop/secrets"
)

// probe reports whether a Secret Service is reachable on the session bus at
// address ("" = the process's session bus, never an auto-launched one).
//
// A private connection is opened with no auto-start, so a machine with
// dbus-launch installed but no running bus fails at once instead of
// spawning a bus (which is what godbus.SessionBus, used by go-keyring, would
// do). If org.freedesktop.secrets has an owner, the owner must answer a
// Peer.Ping (sent with NoAutoStart): a hung daemon fails the probe here
// instead of blocking the first save. If it has none but is activatable, the
// probe passes and D-Bus starts the daemon on first use; its keyring may
// then be locked, which the first Set or Get finds out. Everything runs
// under ctx; a stage that does not answer in time is abandoned.
func probe(ctx context.Context, address string) error {
	var pinging atomic.Bool // set once the bus has answered and the Secret Service is asked
	start := time.Now()
	limit := time.Duration(0)
	if dl, ok := ctx.Deadline(); ok {
		limit = dl.Sub(start)
	}
	err := guardErr(ctx, func() error { return probeBus(ctx, address, &pinging) })
	if err == nil || ctx.Err() == nil {
		return err
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("keychain check cancelled: %w", ctx.Err())
	}
	what := "the D-Bus session bus"
	if pinging.Load() {
		what = "the Secret Service (" + secretsName + ")"
	}
	return &timeoutError{fmt.Sprintf("%s did not answer within %s", what, roundLimit(limit))}
}

func probeBus(ctx context.Context, address string, pinging *atomic.Bool) error {
	// WithContext closes the connection when ctx ends, which unblocks Auth
	// and Hello (they take no context).
	var conn *dbus.Conn
	var err error
	if address == "" {
		conn, err = dbus.SessionBusPrivateNoAutoStartup(dbus.WithContext(ctx))
	} else {
		conn, err = dbus.Dial(address, dbus.WithContext(ctx))
	}
	if err != nil {
		return fmt.Errorf("no D-Bus session bus: %w", err)
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return fmt.Errorf("the D-Bus session bus refused the connection: %w", err)
	}
	if err := conn.Hello(); err != nil {
		return fmt.Errorf("the D-Bus session bus refused the connection: %w", err)
	}

	bus := conn.BusObject()
	var owned bool
	if err := bus.CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, secretsName).Store(&owned); err != nil {
		return fmt.Errorf("ask the D-Bus session bus for the Secret Service: %w", err)
	}
	if !owned {
		var names []string
		if err := bus.CallWithContext(ctx, "org.freedesktop.DBus.ListActivatableNames", 0).Store(&names); err != nil {
			return fmt.Errorf("ask the D-Bus session bus for the Secret Service: %w", err)
		}
		if !slices.Contains(names, secretsName) {
			return errors.New("no Secret Service (" + secretsName + ") is running or installed on the D-Bus session bus")
		}
		return nil
	}

	pinging.Store(true)
	err = conn.Object(secretsName, secretsPath).
		CallWithContext(ctx, "org.freedesktop.DBus.Peer.Ping", dbus.FlagNoAutoStart).Err
	var reply dbus.Error
	if err != nil && !errors.As(err, &reply) { // an error reply is still an answer
		return fmt.Errorf("reach the Secret Service (%s): %w", secretsName, err)
	}
	return nil
}
