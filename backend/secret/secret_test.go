package secret_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/secret"
)

const canary = "Canary-Pw-7f3e!"

func TestStringNeverPrints(t *testing.T) {
	s := secret.New(canary)
	js, err := json.Marshal(struct{ P secret.String }{s})
	if err != nil {
		t.Fatal(err)
	}
	outs := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s), string(js),
		fmt.Sprintf("%+v", struct{ P secret.String }{s}),
	}
	for _, out := range outs {
		if strings.Contains(out, canary) {
			t.Errorf("secret leaked in %q", out)
		}
		if !strings.Contains(out, secret.Mask) {
			t.Errorf("no mask in %q", out)
		}
	}
	if s.Reveal() != canary {
		t.Fatalf("Reveal = %q", s.Reveal())
	}
	if !secret.New("").IsZero() || secret.New("").String() != "" {
		t.Fatal("empty secret should be zero and print empty")
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"host=db password=" + canary + " user=bob", "host=db password=[redacted] user=bob"},
		{"host=db password='a b c' user=bob", "host=db password=[redacted] user=bob"},
		{`PASSWORD = "x\"y" sslmode=require`, `PASSWORD = [redacted] sslmode=require`},
		{"postgres://bob:" + canary + "@localhost:5432/db?sslmode=disable", "postgres://bob:[redacted]@localhost:5432/db?sslmode=disable"},
		{"postgresql://localhost/db?user=bob&password=" + canary + "&x=1", "postgresql://localhost/db?user=bob&password=[redacted]&x=1"},
		{"ssh passphrase: hunter2", "ssh passphrase: [redacted]"},
		{"nothing secret here", "nothing secret here"},
		{"postgres://bob@localhost/db", "postgres://bob@localhost/db"},
		{"password=[redacted]", "password=[redacted]"},
	}
	for _, tt := range tests {
		if got := secret.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	if got := secret.Redact("the value "+canary+" appeared", canary); strings.Contains(got, canary) {
		t.Errorf("known secret not redacted: %q", got)
	}
}

func TestIsSecretKey(t *testing.T) {
	for _, k := range []string{"password", "PGPASSWORD", "sshPassphrase", "api_token"} {
		if !secret.IsSecretKey(k) {
			t.Errorf("IsSecretKey(%q) = false", k)
		}
	}
	for _, k := range []string{"host", "user", "database", "query_id"} {
		if secret.IsSecretKey(k) {
			t.Errorf("IsSecretKey(%q) = true", k)
		}
	}
}

func ExampleRedact() {
	fmt.Println(secret.Redact("postgres://ann:s3cret@db.example.com/app"))
	// Output: postgres://ann:[redacted]@db.example.com/app
}
