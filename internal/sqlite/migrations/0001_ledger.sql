-- The ledger: one row per card or QR transaction. Rows are never deleted; a wrong row is voided.
CREATE TABLE transactions (
	id              INTEGER PRIMARY KEY,
	time            INTEGER NOT NULL,            -- unix seconds, UTC
	amount_minor    INTEGER NOT NULL,            -- minor units of currency (fen)
	currency        TEXT    NOT NULL DEFAULT 'CNY',
	kind            TEXT    NOT NULL,
	channel         TEXT    NOT NULL,
	status          TEXT    NOT NULL,
	merchant        TEXT    NOT NULL DEFAULT '',
	terminal        TEXT    NOT NULL DEFAULT '',
	batch           TEXT    NOT NULL DEFAULT '',
	trace           TEXT    NOT NULL DEFAULT '',
	rrn             TEXT    NOT NULL DEFAULT '',
	auth_code       TEXT    NOT NULL DEFAULT '',
	scheme          TEXT    NOT NULL DEFAULT '',
	card            TEXT    NOT NULL DEFAULT '', -- masked: first 6 + last 4 at most
	card_last4      TEXT    NOT NULL DEFAULT '',
	note            TEXT    NOT NULL DEFAULT '',
	original_id     INTEGER REFERENCES transactions (id),
	source          TEXT    NOT NULL DEFAULT 'manual',
	import_batch_id INTEGER,
	voided_at       INTEGER,
	void_reason     TEXT    NOT NULL DEFAULT '',
	voided_by       TEXT    NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	created_by      TEXT    NOT NULL DEFAULT '',
	updated_at      INTEGER NOT NULL
) STRICT;

-- Newest-first paging, alone and under the common filters.
CREATE INDEX transactions_time ON transactions (time DESC, id DESC);
CREATE INDEX transactions_status_time ON transactions (status, time DESC, id DESC);
CREATE INDEX transactions_terminal_time ON transactions (terminal, time DESC, id DESC);
CREATE INDEX transactions_kind_time ON transactions (kind, time DESC, id DESC);
CREATE INDEX transactions_channel_time ON transactions (channel, time DESC, id DESC);
-- Exact look-ups for the search box and for matching.
CREATE INDEX transactions_rrn ON transactions (rrn) WHERE rrn <> '';
CREATE INDEX transactions_trace ON transactions (trace) WHERE trace <> '';
CREATE INDEX transactions_auth ON transactions (auth_code) WHERE auth_code <> '';
CREATE INDEX transactions_last4 ON transactions (card_last4) WHERE card_last4 <> '';
CREATE INDEX transactions_import_batch ON transactions (import_batch_id) WHERE import_batch_id IS NOT NULL;
CREATE INDEX transactions_original ON transactions (original_id) WHERE original_id IS NOT NULL;

-- Substring search over notes (Chinese has no spaces: trigrams).
CREATE VIRTUAL TABLE transactions_note_fts USING fts5 (note, content = 'transactions', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER transactions_note_ai AFTER INSERT ON transactions WHEN new.note <> '' BEGIN
	INSERT INTO transactions_note_fts (rowid, note) VALUES (new.id, new.note);
END;
CREATE TRIGGER transactions_note_au AFTER UPDATE OF note ON transactions BEGIN
	INSERT INTO transactions_note_fts (transactions_note_fts, rowid, note) SELECT 'delete', old.id, old.note WHERE old.note <> '';
	INSERT INTO transactions_note_fts (rowid, note) SELECT new.id, new.note WHERE new.note <> '';
END;

-- The audit trail: append-only and hash-chained (see sqlite.AuditHash).
CREATE TABLE audit_log (
	seq       INTEGER PRIMARY KEY,
	time      TEXT    NOT NULL,
	actor     TEXT    NOT NULL,
	action    TEXT    NOT NULL,
	entity    TEXT    NOT NULL,
	entity_id INTEGER NOT NULL,
	old       TEXT    NOT NULL,
	new       TEXT    NOT NULL,
	prev_hash TEXT    NOT NULL,
	hash      TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- Shop settings as key/value text (shop name, merchant ID, thresholds...).
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;
