package apperr_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/storage"
)

func TestConstructors(t *testing.T) {
	cause := errors.New("dial tcp 127.0.0.1:1: connect: connection refused")
	tests := []struct {
		name string
		err  *apperr.Error
		kind apperr.Kind
	}{
		{"New", apperr.New(apperr.Keyring, "the keychain is locked"), apperr.Keyring},
		{"Wrap", apperr.Wrap(apperr.Connection, "could not reach the server", cause), apperr.Connection},
		{"ValidationError", apperr.ValidationError(apperr.FieldError{Field: "port", Message: "port must be 1–65535"}), apperr.Validation},
		{"PoolTimeoutError", apperr.PoolTimeoutError(30*time.Second, 4), apperr.PoolTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err.Kind != tt.kind || apperr.KindOf(tt.err) != tt.kind || !apperr.IsKind(fmt.Errorf("ctx: %w", tt.err), tt.kind) {
				t.Fatalf("kind = %q, want %q", tt.err.Kind, tt.kind)
			}
			if tt.err.Hint == "" {
				t.Error("constructor left the hint empty")
			}
			info := apperr.Info(tt.err)
			if info.Kind != tt.kind || info.Title != tt.kind.Title() || info.Message == "" || info.Hint != tt.err.Hint {
				t.Errorf("info = %+v", info)
			}
		})
	}
	if e := apperr.Wrap(apperr.Connection, "x", cause); !errors.Is(e, cause) {
		t.Error("Wrap does not unwrap to its cause")
	}
	if got := apperr.PoolTimeoutError(30*time.Second, 4).Message; !strings.Contains(got, "30s") || !strings.Contains(got, "4 waiting") {
		t.Errorf("pool timeout message %q lacks the wait and the queue length", got)
	}
	e := apperr.New(apperr.Query, "boom")
	if h := e.WithHint("do this").Hint; h != "do this" || e.Hint == "do this" {
		t.Error("WithHint must return a modified copy")
	}
	if d := e.WithDetail("more").Detail; d != "more" || e.Detail != "" {
		t.Error("WithDetail must return a modified copy")
	}
	if apperr.KindOf(nil) != "" || apperr.IsKind(nil, apperr.Internal) {
		t.Error("nil has no kind")
	}
	if len(apperr.Enum()) != len(apperr.AllKinds) {
		t.Error("Enum and AllKinds disagree")
	}
}

// TestStoreErrors classifies real failures of the local store.
func TestStoreErrors(t *testing.T) {
	ctx := context.Background()
	store, _, err := storage.Open(ctx, filepath.Join(t.TempDir(), "tusk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	_, err = store.LoadUIState(ctx, "never-set")
	e := expect(t, err, apperr.Storage)
	wantContains(t, "message", e.Message, "no longer exists")

	err = store.SaveUIState(ctx, "theme", json.RawMessage("{bad"))
	e = expect(t, err, apperr.Validation)
	if len(e.Fields) != 1 || e.Fields[0].Field != "value" {
		t.Errorf("fields = %+v", e.Fields)
	}
}
