package connection_test

import (
	"testing"

	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/secret"
)

// BenchmarkNewPool measures pool creation including the test connection
// (SC-003 asks for less than the connect timeout, 10 s by default): plain
// TCP and verify-full TLS, each without a password (trust) and with
// SCRAM-SHA-256 (4096 PBKDF2 rounds on both sides).
func BenchmarkNewPool(b *testing.B) {
	tls := func(c connection.Config) connection.Config {
		c.SSLMode, c.SSLRootCert, c.Host = connection.SSLVerifyFull, cluster.CACertPath, "localhost"
		return c
	}
	for _, bc := range []struct {
		name     string
		cfg      connection.Config
		password string
	}{
		{"plain/trust", trustConfig(), ""},
		{"plain/scram", scramConfig(), cluster.ScramPassword},
		{"verify-full/trust", tls(trustConfig()), ""},
		{"verify-full/scram", tls(scramConfig()), cluster.ScramPassword},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := testCtx(b)
			for b.Loop() {
				p, err := connection.NewPool(ctx, bc.cfg, secret.New(bc.password), connection.PoolOptions{})
				if err != nil {
					b.Fatal(err)
				}
				p.Close()
			}
		})
	}
}

// BenchmarkAcquireRelease measures a round trip through the pool with an
// idle connection available.
func BenchmarkAcquireRelease(b *testing.B) {
	p := openPool(b, trustConfig(), "", connection.PoolOptions{})
	ctx := testCtx(b)
	for b.Loop() {
		c, err := p.Acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		c.Release()
	}
}
