package storage

// Internal helpers exported to the black-box tests only.
var (
	PlatformDataDir = platformDataDir
	FTSQuery        = ftsQuery
)
