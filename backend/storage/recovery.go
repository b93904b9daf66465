package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"time"
)

// corruptTimeLayout is the timestamp in the name a damaged store is moved to.
const corruptTimeLayout = "20060102-150405"

// moveAside renames the damaged database at path to
// <path>.corrupt-YYYYMMDD-HHMMSS (local time; "-2", "-3", … appended if that
// name is taken) and its -wal and -shm files to the same name plus their
// suffix, so they stay a usable pair for anyone trying to rescue data. It
// returns the new name of the main file. The store must be closed.
func moveAside(path string, at time.Time) (string, error) {
	base := path + ".corrupt-" + at.Format(corruptTimeLayout)
	target := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
			break
		} else if err != nil {
			return "", fmt.Errorf("move damaged store aside: %w", err)
		}
		if i > 100 {
			return "", fmt.Errorf("move damaged store aside: too many earlier copies named %s-N", base)
		}
		target = base + "-" + strconv.Itoa(i)
	}
	if err := os.Rename(path, target); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("move damaged store aside: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Rename(path+suffix, target+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("move damaged store aside: %w", err)
		}
	}
	return target, nil
}
