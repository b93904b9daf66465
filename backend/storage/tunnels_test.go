package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/tusk-app/tusk/backend/storage"
)

func TestSSHTunnelRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	saved, err := s.SaveSSHTunnel(ctx, storage.SSHTunnelRecord{
		Name: "bastion", Host: "bastion.example.com", Port: 22, Username: "ops",
		AuthMethod: storage.SSHAuthKey, KeyPath: "/home/ops/.ssh/id_ed25519",
		KnownHostsPath: "/home/ops/.ssh/known_hosts",
		JumpHost:       "jump@gate.example.com:2222,bastion", KeepAliveSeconds: 20, HandshakeTimeoutSeconds: 7,
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadSSHTunnel(ctx, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got != saved {
		t.Fatalf("loaded %+v\nsaved  %+v", got, saved)
	}

	edit := saved
	edit.AuthMethod, edit.KeyPath = storage.SSHAuthAgent, ""
	updated, err := s.SaveSSHTunnel(ctx, edit)
	if err != nil {
		t.Fatal(err)
	}
	if !updated.CreatedAt.Equal(saved.CreatedAt) || updated.AuthMethod != storage.SSHAuthAgent {
		t.Fatalf("after update: %+v", updated)
	}

	if _, err := s.SaveSSHTunnel(ctx, storage.SSHTunnelRecord{Name: "another", Host: "a", Port: 2222, AuthMethod: storage.SSHAuthPassword}); err != nil {
		t.Fatal(err)
	}
	all, err := s.LoadSSHTunnels(ctx)
	if err != nil || len(all) != 2 || all[0].Name != "another" || all[1].Name != "bastion" {
		t.Fatalf("load all: %+v %v", all, err)
	}
}

func TestSSHTunnelValidation(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	ok := storage.SSHTunnelRecord{Name: "t", Host: "h", Port: 22, AuthMethod: storage.SSHAuthAgent}
	tests := []struct {
		name  string
		edit  func(*storage.SSHTunnelRecord)
		field string
	}{
		{"empty name", func(r *storage.SSHTunnelRecord) { r.Name = "" }, "name"},
		{"empty host", func(r *storage.SSHTunnelRecord) { r.Host = " " }, "host"},
		{"bad port", func(r *storage.SSHTunnelRecord) { r.Port = -1 }, "port"},
		{"unknown auth", func(r *storage.SSHTunnelRecord) { r.AuthMethod = "kerberos" }, "authMethod"},
		{"key without path", func(r *storage.SSHTunnelRecord) { r.AuthMethod = storage.SSHAuthKey }, "keyPath"},
		{"bad id", func(r *storage.SSHTunnelRecord) { r.ID = "x" }, "id"},
		{"negative keepalive", func(r *storage.SSHTunnelRecord) { r.KeepAliveSeconds = -1 }, "keepAliveSeconds"},
		{"negative handshake timeout", func(r *storage.SSHTunnelRecord) { r.HandshakeTimeoutSeconds = -5 }, "handshakeTimeoutSeconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.edit(&r)
			_, err := s.SaveSSHTunnel(ctx, r)
			var ve *storage.ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Fatalf("got %v, want a *ValidationError on %s", err, tt.field)
			}
		})
	}
}

func TestDeleteSSHTunnelDetachesConnections(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	tun, err := s.SaveSSHTunnel(ctx, storage.SSHTunnelRecord{Name: "t", Host: "h", Port: 22, AuthMethod: storage.SSHAuthAgent})
	if err != nil {
		t.Fatal(err)
	}
	c := sampleConnection("via tunnel")
	c.SSHTunnelID = tun.ID
	c, err = s.SaveConnection(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSSHTunnel(ctx, tun.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadConnection(ctx, c.ID)
	if err != nil || got.SSHTunnelID != "" {
		t.Fatalf("connection after tunnel delete: %+v %v", got, err)
	}
	if err := s.DeleteSSHTunnel(ctx, tun.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := s.LoadSSHTunnel(ctx, uuid.NewString()); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("load missing: %v", err)
	}
}
