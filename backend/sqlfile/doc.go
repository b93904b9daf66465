// Package sqlfile reads and writes the .sql files a user opens in editor
// tabs, and keeps the list of recently used files.
//
// # Reading
//
// Read accepts UTF-8 text up to MaxSize. A UTF-8 byte-order mark is dropped
// and remembered (File.BOM) so Write can put it back; UTF-16 and UTF-32
// files, files with NUL bytes and files that are not valid UTF-8 are refused
// with an apperr Validation error that says how to convert them, rather than
// being shown as mojibake. The line ending is detected (File.LineEnding) so
// a CRLF file is saved as CRLF even though the editor works with "\n".
//
// # Writing
//
// Write never leaves a half-written file: it writes a temporary file in the
// target's directory, syncs it, and renames it over the target. An existing
// file keeps its permissions; a symbolic link keeps pointing at the file it
// named, which is the one replaced.
//
// # Recent files
//
// AddRecent and Existing keep a most-recent-first list, capped at MaxRecent,
// without duplicates; the caller persists it.
package sqlfile
