package credentials

import (
	"context"
	"fmt"
	"time"
)

// Retry checks the keychain again after it failed (the user unlocked it or
// started their keyring). When it answers, the secrets kept in session
// memory move into it and the Store leaves the fallback; when it does not,
// nothing changes. It returns the status afterwards. A Store that never
// fell back returns its status at once.
func (s *Store) Retry(ctx context.Context) Status {
	if !s.UsingFallback() {
		return s.Status()
	}
	if p, ok := s.kc.(Prober); ok {
		pctx, cancel := context.WithTimeout(ctx, DefaultProbeTimeout)
		err := guardErr(pctx, func() error { return p.Probe(pctx) })
		cancel()
		if err != nil {
			s.log.WithField("reason", err.Error()).Info("keychain: still not available")
			return s.Status()
		}
	}
	// Move what the session holds; a failure keeps the fallback.
	for account, v := range s.session.snapshot() {
		cctx, cancel := context.WithTimeout(ctx, s.saveTimeout)
		start := time.Now()
		err := scrub(guardErr(cctx, func() error { return s.kc.Set(cctx, s.service, account, v) }), v)
		cancel()
		if err != nil {
			s.log.WithField("reason", fmt.Sprintf("moving %s failed: %v", account, err)).Info("keychain: still not available")
			return s.Status()
		}
		s.logCall("save", account, start).Debug("keychain: session secret moved to the keychain")
	}
	s.session.wipe()
	s.mu.Lock()
	s.fallback, s.reason = false, ""
	s.mu.Unlock()
	s.log.Info("keychain: available again; passwords are saved in it")
	return s.Status()
}
