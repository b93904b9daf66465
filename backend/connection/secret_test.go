package connection_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/secret"
)

// TestPasswordNeverLeaks: a canary password, given directly or inside an
// imported URL, appears in no error text, no ErrorInfo and no log line.
func TestPasswordNeverLeaks(t *testing.T) {
	pgtest.Need(t)
	const canary = "CanaryPw-5b8e1d"
	var logBuf bytes.Buffer
	log := logrus.New()
	log.SetOutput(&logBuf)
	log.SetLevel(logrus.TraceLevel)
	opts := connection.PoolOptions{Log: log}

	var errs []error
	// A wrong password handed to NewPool.
	_, err := connection.NewPool(testCtx(t), scramConfig(), secret.New(canary), opts)
	expectKind(t, err, apperr.Authentication)
	errs = append(errs, err)

	// A URL carrying the password, imported and connected.
	imp, err := connection.ParseURL(fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=prefer&application_name=canary-test",
		cluster.ScramUser, canary, cluster.Host, cluster.Port, cluster.Database))
	if err != nil {
		t.Fatal(err)
	}
	_, err = connection.NewPool(testCtx(t), imp.Config, imp.Password, opts)
	expectKind(t, err, apperr.Authentication)
	errs = append(errs, err)

	// A URL that does not parse.
	_, err = connection.ParseURL("postgres://" + cluster.ScramUser + ":" + canary + "@" + cluster.Host + ":port/db")
	expectKind(t, err, apperr.Validation)
	errs = append(errs, err)

	// A server that cannot be reached.
	cfg := scramConfig()
	cfg.Port = silentServer(t)
	cfg.Options.ConnectTimeout = 200 * time.Millisecond
	_, err = connection.NewPool(testCtx(t), cfg, secret.New(canary), opts)
	expectKind(t, err, apperr.Connection)
	errs = append(errs, err)

	// A working pool logs its life cycle; the password stays out of that too.
	p, err := connection.NewPool(testCtx(t), scramConfig(), secret.New(cluster.ScramPassword), opts)
	if err != nil {
		t.Fatal(err)
	}
	p.Close()

	for _, err := range errs {
		info, _ := json.Marshal(apperr.Info(err))
		text := err.Error() + fmt.Sprintf(" %v %+v %#v ", err, err, err) + string(info) + apperr.Classify(err).Error()
		for _, s := range []string{canary, cluster.ScramPassword} {
			if strings.Contains(text, s) {
				t.Errorf("a password leaked into %s", text)
			}
		}
	}
	logs := logBuf.String()
	if !strings.Contains(logs, "connection pool open") || !strings.Contains(logs, "connection failed") {
		t.Fatalf("the log lacks the pool's lines:\n%s", logs)
	}
	for _, s := range []string{canary, cluster.ScramPassword} {
		if strings.Contains(logs, s) {
			t.Errorf("a password leaked into the log:\n%s", logs)
		}
	}
	t.Logf("log:\n%s", logs)
}
