//go:build !dev

package storage

// buildDataDir returns the data directory this build forces, if any. Release
// builds use the platform's per-user directory.
func buildDataDir() (string, bool, error) { return "", false, nil }
