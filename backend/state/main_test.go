package state_test

import (
	"testing"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) {
	pgtest.Main(m, func(c *pgtest.Cluster) error {
		cluster = c
		return nil
	})
}
