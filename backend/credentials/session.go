package credentials

import (
	"sync"

	"github.com/tusk-app/tusk/backend/secret"
)

// session is the fallback store: secrets kept in process memory until
// ClearSession or exit, never written anywhere. Values are held as byte
// slices so that clearing can overwrite them; copies handed out as
// secret.String (Go strings are immutable) are beyond its reach.
//
// A session is safe for concurrent use.
type session struct {
	mu     sync.Mutex // guards values
	values map[string][]byte
}

func newSession() *session { return &session{values: make(map[string][]byte)} }

func (s *session) set(account string, v secret.String) {
	b := []byte(v.Reveal())
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.values[account])
	s.values[account] = b
}

func (s *session) get(account string) (secret.String, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.values[account]
	if !ok {
		return secret.String{}, false
	}
	return secret.New(string(b)), true
}

func (s *session) delete(account string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.values[account])
	delete(s.values, account)
}

// wipe zeroes and removes every value and returns how many there were.
func (s *session) wipe() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.values)
	for k, b := range s.values {
		clear(b)
		delete(s.values, k)
	}
	return n
}

func (s *session) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.values)
}

// snapshot returns a copy of every value, by account.
func (s *session) snapshot() map[string]secret.String {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]secret.String, len(s.values))
	for k, b := range s.values {
		out[k] = secret.New(string(b))
	}
	return out
}
