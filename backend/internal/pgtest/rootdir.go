package pgtest

import (
	"os"
	"runtime"
	"syscall"
)

// RootDirEnv names the environment variable that chooses the directory under
// which clusters and the initdb template are created. The directory and its
// parents must be traversable by the postgres OS user.
const RootDirEnv = "TUSK_PGTEST_TMPDIR"

// tmpfsMagic is the statfs type of tmpfs on Linux.
const tmpfsMagic = 0x01021994

// rootDir returns where clusters live: RootDirEnv if set, else /dev/shm when
// it is a world-traversable tmpfs with at least 2 GiB free, else /tmp. A
// cluster starts from a copy of ~30 MB in ~1,200 files; on tmpfs that copy
// takes ~0.1 s, on a loaded disk (or a sandboxed file system) up to 1 s. /tmp
// and /dev/shm are traversable by the postgres OS user, unlike a home
// directory or a TMPDIR below one.
func rootDir() string {
	if dir := os.Getenv(RootDirEnv); dir != "" {
		return dir
	}
	if runtime.GOOS == "linux" {
		var st syscall.Statfs_t
		fi, err := os.Stat("/dev/shm")
		if err == nil && fi.IsDir() && fi.Mode().Perm()&0o003 == 0o003 &&
			syscall.Statfs("/dev/shm", &st) == nil && int64(st.Type) == tmpfsMagic &&
			uint64(st.Bavail)*uint64(st.Bsize) >= 2<<30 {
			return "/dev/shm"
		}
	}
	return "/tmp"
}
