package store

// SetBackupWrote sets the hook called after every write of a backup (tests only).
func SetBackupWrote(f func(n int64)) { backupWrote = f }
