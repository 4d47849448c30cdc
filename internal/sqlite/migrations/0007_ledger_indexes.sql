-- Indexes for the ledger screen on a million records (see BenchmarkLedgerPage1M and
-- BenchmarkTotals1M in internal/sqlite/bench_test.go).

-- The ledger's order, carrying what the common filters and the totals read, so SQLite answers
-- them from the index alone: "not voided" and amount ranges are checked without visiting the
-- table, and totals over a date range never touch it. It replaces the plain (time, id) index.
DROP INDEX transactions_time;
CREATE INDEX transactions_time ON transactions (time DESC, id DESC, voided_at, status, currency, amount_minor);

-- Totals per status over the whole ledger (the ledger screen opens with them): an index-only scan
-- already grouped by status. Without it SQLite walked the status index and visited every row.
CREATE INDEX transactions_live_totals ON transactions (status, currency, amount_minor)
	WHERE voided_at IS NULL;

-- Notes newest first, with their text: a search for a short text (Chinese words are often two
-- characters: 退货, 扣款; trigrams need three) or a common one walks this index, which holds only
-- the records that have a note, and stops when the page is full.
CREATE INDEX transactions_note_time ON transactions (time DESC, id DESC, note) WHERE note <> '';
