package connection_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/storage"
)

func TestEffectiveSafeMode(t *testing.T) {
	prod := connection.Marker{Name: "PROD", Color: "#e5484d"}
	for _, c := range []struct {
		mode   connection.SafeMode
		marker connection.Marker
		want   connection.SafeMode
	}{
		{"", connection.Marker{}, connection.SafeModeOff},
		{"", prod, connection.SafeModeConfirm},
		{connection.SafeModeOff, prod, connection.SafeModeOff},
		{connection.SafeModeBlock, connection.Marker{}, connection.SafeModeBlock},
		{connection.SafeModeConfirm, connection.Marker{}, connection.SafeModeConfirm},
	} {
		o := connection.Options{SafeMode: c.mode, Marker: c.marker}
		if got := o.EffectiveSafeMode(); got != c.want {
			t.Errorf("%q with marker %q: %q, want %q", c.mode, c.marker.Name, got, c.want)
		}
	}
}

func TestSafetyOptionsSurviveTheStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := storage.InitDataDir(dir); err != nil {
		t.Fatal(err)
	}
	st, _, err := storage.Open(ctx, filepath.Join(dir, storage.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := connection.NewConfig("Prod", "db", 5432, "shop", "alice")
	c.Options.SafeMode = connection.SafeModeBlock
	c.Options.Marker = connection.Marker{Name: "PROD", Color: "#e5484d"}
	c.Options.ManualCommit = true
	saved, err := st.SaveConnection(ctx, c.Record())
	if err != nil {
		t.Fatal(err)
	}
	back, err := st.LoadConnection(ctx, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := connection.FromRecord(back).Options
	if got.SafeMode != connection.SafeModeBlock || got.Marker != c.Options.Marker || !got.ManualCommit {
		t.Errorf("after the store: %+v", got)
	}
	b, _ := json.Marshal(c.Options)
	var o connection.Options
	if err := json.Unmarshal(b, &o); err != nil || o != c.Options {
		t.Errorf("JSON %s → %+v, %v", b, o, err)
	}
}

func TestValidateSafetyOptions(t *testing.T) {
	c := connection.NewConfig("n", "h", 0, "d", "u")
	c.Options.SafeMode = "sometimes"
	c.Options.Marker = connection.Marker{Name: "a marker name much longer than thirty-two characters", Color: "red"}
	info := apperr.Info(c.Validate())
	fields := map[string]bool{}
	for _, f := range info.Fields {
		fields[f.Field] = true
	}
	for _, want := range []string{connection.FieldSafeMode, connection.FieldMarkerName, connection.FieldMarkerColor} {
		if !fields[want] {
			t.Errorf("no error for %s: %+v", want, info.Fields)
		}
	}
}
