package state_test

import (
	"testing"

	"github.com/tusk-app/tusk/backend/sshtunnel"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) {
	pgtest.Main(m, func(c *pgtest.Cluster) error {
		cluster = c
		return nil
	})
}

// sshtunnelDeps points SSH at an empty home directory, so the machine user's
// ~/.ssh (config, known_hosts, agent) cannot influence a test.
func sshtunnelDeps(t *testing.T) sshtunnel.Deps {
	return sshtunnel.Deps{Home: t.TempDir(), AgentSocket: "/nonexistent"}
}
