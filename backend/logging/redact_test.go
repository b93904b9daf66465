package logging_test

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/logging"
	"github.com/tusk-app/tusk/backend/secret"
)

// The canary password is logged the ways connection code might leak it;
// neither output may contain it.
func TestSecretsNeverReachOutputs(t *testing.T) {
	const canary = "Canary-pw-7f3a9c"
	l, console := open(t, logging.Config{})
	log := l.Logger()

	url := "postgres://alice:" + canary + "@db.example:5432/app?sslmode=require"
	dsn := "host=db.example port=5432 user=alice password=" + canary + " dbname=app"
	log.Infof("connecting to %s", url)
	log.Infof("dsn %s", dsn)
	log.Info("quoted dsn host=db.example password='" + canary + " with space' user=alice")
	log.WithField("dsn", dsn).Info("dsn in a field")
	log.WithField("url", url).Info("url in a field")
	log.WithField("password", canary).Info("password field")
	log.WithFields(logrus.Fields{"SSLPassword": canary, "ssh_passphrase": canary, "apiToken": canary}).Info("secret-named fields")
	log.WithField("bytes", []byte(dsn)).Info("bytes field")
	log.WithError(fmt.Errorf("connect to %s: %w", url, io.ErrUnexpectedEOF)).Error("connect failed")
	log.WithError(fmt.Errorf("parse config %q: %w", dsn, io.EOF)).Warn("wrapped dsn")
	log.WithField("config", struct {
		Host     string
		Password string
	}{"db.example", canary}).Debug("struct field")
	log.WithField("secret", secret.New(canary)).Info("secret.String field")
	log.WithField("pw", secret.New(canary)).Info("secret.String under a plain key")
	l.Flush()

	for name, out := range map[string]string{"console": console.String(), "file": readFile(t, l.Path())} {
		if strings.Contains(out, canary) || strings.Contains(out, "Canary") {
			t.Errorf("%s leaks the canary:\n%s", name, out)
		}
		// The lines are there, with everything but the password.
		for _, want := range []string{
			"postgres://alice:[redacted]@db.example:5432/app",
			"password=[redacted]",
			"password=\"[redacted]\"",
			"SSLPassword=\"[redacted]\"",
			"connect failed",
			"unexpected EOF",
			"Host:db.example",
			"pw=\"[redacted]\"",
			"host=db.example",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, out)
			}
		}
	}
}

// Values without secrets keep their type, so formatters print them as usual.
func TestRedactionKeepsOrdinaryFields(t *testing.T) {
	l, console := open(t, logging.Config{})
	l.Logger().WithFields(logrus.Fields{"rows": 42, "ok": true, "ms": 1.5, "sql": "select 1"}).Info("done")
	if out := console.String(); !strings.Contains(out, "ms=1.5 ok=true rows=42 sql=\"select 1\"") {
		t.Errorf("console = %q", out)
	}
}
