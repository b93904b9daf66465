//go:build dev

package storage

import (
	"fmt"
	"path/filepath"
)

// buildDataDir returns the data directory this build forces, if any. Dev
// builds keep their files in ./.tusk-dev so they never touch a real profile.
func buildDataDir() (string, bool, error) {
	abs, err := filepath.Abs(DevDataDirName)
	if err != nil {
		return "", true, fmt.Errorf("resolve dev data directory: %w", err)
	}
	return abs, true, nil
}
