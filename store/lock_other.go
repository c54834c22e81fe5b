//go:build !unix

package store

// heldByOther reports whether another process holds the file. Without flock there is no
// cheap probe; bbolt's own lock still guards the file.
func heldByOther(path string) bool { return false }
