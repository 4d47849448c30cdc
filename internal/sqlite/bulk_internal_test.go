package sqlite

// SetBulkDropAfter makes bulk inserts set their indexes aside after n rows (instead of 20,000)
// and returns a function that restores the limit, so tests reach that path with small batches.
func SetBulkDropAfter(n int) (restore func()) {
	old := bulkDropAfter
	bulkDropAfter = n
	return func() { bulkDropAfter = old }
}

// BulkRebuilds returns how many bulk inserts have set their indexes aside so far.
func BulkRebuilds() int64 { return bulkRebuilds.Load() }

// SetNoteTrigramsMax changes how many trigram matches a note search looks up one by one (200)
// and returns a function that restores it.
func SetNoteTrigramsMax(n int) (restore func()) {
	old := noteTrigramsMax
	noteTrigramsMax = n
	return func() { noteTrigramsMax = old }
}
