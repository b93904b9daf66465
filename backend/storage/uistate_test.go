package storage_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/storage"
)

func TestUIState(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.LoadUIState(ctx, "layout"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("missing key: %v", err)
	}
	values := []string{`{"sidebar":240,"tabs":["a","b"]}`, `[1,2,3]`, `"text"`, `42`, `true`, `null`, ` {"spaced": 1} `}
	for _, v := range values {
		if err := s.SaveUIState(ctx, "layout", json.RawMessage(v)); err != nil {
			t.Fatalf("save %s: %v", v, err)
		}
		got, err := s.LoadUIState(ctx, "layout")
		if err != nil || string(got) != v {
			t.Fatalf("load: %s %v, want %s", got, err, v)
		}
	}
	if err := s.SaveUIState(ctx, "theme", json.RawMessage(`"dark"`)); err != nil {
		t.Fatal(err)
	}
	all, err := s.LoadAllUIState(ctx)
	if err != nil || len(all) != 2 || string(all["theme"]) != `"dark"` {
		t.Fatalf("load all: %v %v", all, err)
	}
	if err := s.DeleteUIState(ctx, "theme"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUIState(ctx, "theme"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
	if _, err := s.LoadUIState(ctx, "theme"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("deleted key: %v", err)
	}
}

func TestUIStateRejectsInvalidInput(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	tests := []struct {
		name, key, value, field string
	}{
		{"empty value", "k", ``, "value"},
		{"not json", "k", `sidebar=240`, "value"},
		{"truncated", "k", `{"a":`, "value"},
		{"trailing garbage", "k", `{} {}`, "value"},
		{"single quotes", "k", `{'a':1}`, "value"},
		{"json5 comment", "k", `{"a":1 /* c */}`, "value"},
		{"nan", "k", `NaN`, "value"},
		{"empty key", "", `1`, "key"},
		{"long key", strings.Repeat("k", 300), `1`, "key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.SaveUIState(ctx, tt.key, json.RawMessage(tt.value))
			var ve *storage.ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field || !errors.Is(err, storage.ErrInvalid) {
				t.Fatalf("got %v, want a *ValidationError on %s", err, tt.field)
			}
		})
	}
	all, err := s.LoadAllUIState(ctx)
	if err != nil || len(all) != 0 {
		t.Fatalf("rejected values were stored: %v %v", all, err)
	}
}
