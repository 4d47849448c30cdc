-- Imported files and reconciliation. Amounts are INTEGER minor units, calendar dates are
-- 'YYYY-MM-DD' text, instants unix seconds UTC. Rows are never deleted: undoing an import marks
-- its batch undone and its rows inactive (ledger rows from a POS export are voided instead).

-- One row per imported file.
CREATE TABLE import_batches (
	id             INTEGER PRIMARY KEY,
	kind           TEXT    NOT NULL CHECK (kind IN ('pos', 'settlement', 'bank')),
	file_name      TEXT    NOT NULL,           -- base name, masked
	file_sha256    TEXT    NOT NULL,
	profile        TEXT    NOT NULL DEFAULT '',
	imported_at    INTEGER NOT NULL,
	imported_by    TEXT    NOT NULL DEFAULT '',
	new_rows       INTEGER NOT NULL DEFAULT 0,
	duplicate_rows INTEGER NOT NULL DEFAULT 0,
	skipped_rows   INTEGER NOT NULL DEFAULT 0,
	refused_rows   INTEGER NOT NULL DEFAULT 0,
	errors         TEXT    NOT NULL DEFAULT '[]', -- JSON list of the refused rows (line, field, message)
	first_row_id   INTEGER NOT NULL DEFAULT 0,    -- the batch's rows lie in this id range of their table
	last_row_id    INTEGER NOT NULL DEFAULT 0,
	undone_at      INTEGER,
	undone_by      TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX import_batches_sha256 ON import_batches (file_sha256);

-- Acquirer settlement statement lines. Amounts carry the direction of the money (refunds < 0).
CREATE TABLE settlement_lines (
	id           INTEGER PRIMARY KEY,
	batch_id     INTEGER NOT NULL REFERENCES import_batches (id),
	active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)), -- 0 once the batch is undone
	fingerprint  BLOB    NOT NULL,           -- SHA-256 of the normalised row and its occurrence
	merchant     TEXT    NOT NULL DEFAULT '',
	terminal     TEXT    NOT NULL DEFAULT '',
	batch        TEXT    NOT NULL DEFAULT '',
	trace        TEXT    NOT NULL DEFAULT '',
	rrn          TEXT    NOT NULL DEFAULT '',
	auth_code    TEXT    NOT NULL DEFAULT '',
	card         TEXT    NOT NULL DEFAULT '', -- masked
	card_type    TEXT    NOT NULL DEFAULT '',
	issuer       TEXT    NOT NULL DEFAULT '',
	kind         TEXT    NOT NULL,
	amount_minor INTEGER NOT NULL,
	fee_minor    INTEGER NOT NULL,
	net_minor    INTEGER NOT NULL,
	currency     TEXT    NOT NULL,
	time         INTEGER NOT NULL,
	settle_date  TEXT    NOT NULL,
	line         INTEGER NOT NULL
) STRICT;
-- Re-importing a row adds nothing; a row of an undone batch may come back. A batch's rows are
-- found by their id range (import_batches.first_row_id, last_row_id), so no index on batch_id
-- slows the import of a million lines.
CREATE UNIQUE INDEX settlement_lines_fingerprint ON settlement_lines (fingerprint) WHERE active = 1;

-- Bank statement lines.
CREATE TABLE bank_lines (
	id            INTEGER PRIMARY KEY,
	batch_id      INTEGER NOT NULL REFERENCES import_batches (id),
	active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	fingerprint   BLOB    NOT NULL,
	date          TEXT    NOT NULL,
	description   TEXT    NOT NULL DEFAULT '', -- masked
	counterparty  TEXT    NOT NULL DEFAULT '', -- masked
	credit_minor  INTEGER NOT NULL DEFAULT 0,
	debit_minor   INTEGER NOT NULL DEFAULT 0,
	balance_minor INTEGER NOT NULL DEFAULT 0,
	currency      TEXT    NOT NULL,
	line          INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX bank_lines_fingerprint ON bank_lines (fingerprint) WHERE active = 1;
CREATE INDEX bank_lines_date ON bank_lines (date);

-- The rows of POS exports, each stored as a ledger transaction.
CREATE TABLE pos_import_rows (
	transaction_id INTEGER PRIMARY KEY REFERENCES transactions (id),
	batch_id       INTEGER NOT NULL REFERENCES import_batches (id),
	active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	fingerprint    BLOB    NOT NULL,
	line           INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX pos_import_rows_fingerprint ON pos_import_rows (fingerprint) WHERE active = 1;
CREATE INDEX pos_import_rows_batch ON pos_import_rows (batch_id);

-- Ledger transaction <-> settlement line pairs found by the last reconciliation, and the ones a
-- person confirmed (kept across runs).
CREATE TABLE matches (
	id                 INTEGER PRIMARY KEY,
	transaction_id     INTEGER NOT NULL REFERENCES transactions (id),
	settlement_line_id INTEGER NOT NULL REFERENCES settlement_lines (id),
	score              INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
	reason             TEXT    NOT NULL DEFAULT '',
	confirmed_at       INTEGER,
	confirmed_by       TEXT    NOT NULL DEFAULT '',
	UNIQUE (transaction_id, settlement_line_id)
) STRICT;
CREATE INDEX matches_line ON matches (settlement_line_id);
CREATE INDEX matches_to_confirm ON matches (score) WHERE confirmed_at IS NULL AND score < 80;

-- Discrepancies found by reconciliation. An exception no longer found by a later run is marked
-- resolved, not deleted; one turned into an incident keeps the incident's ID.
CREATE TABLE exceptions (
	id                  INTEGER PRIMARY KEY,
	key                 TEXT    NOT NULL UNIQUE, -- kind plus what it is about, stable across runs
	kind                TEXT    NOT NULL,
	transaction_id      INTEGER REFERENCES transactions (id),
	settlement_line_ids TEXT    NOT NULL DEFAULT '[]', -- JSON list of settlement_lines ids
	bank_line_ids       TEXT    NOT NULL DEFAULT '[]', -- JSON list of bank_lines ids
	rrn                 TEXT    NOT NULL DEFAULT '',
	date                TEXT    NOT NULL DEFAULT '',
	expected_minor      INTEGER NOT NULL DEFAULT 0,
	actual_minor        INTEGER NOT NULL DEFAULT 0,
	currency            TEXT    NOT NULL DEFAULT 'CNY',
	reason              TEXT    NOT NULL DEFAULT '',
	found_at            INTEGER NOT NULL,
	seen_at             INTEGER NOT NULL, -- the last run that found it
	resolved_at         INTEGER,          -- set when a run no longer finds it
	incident_id         INTEGER REFERENCES incidents (id)
) STRICT;
CREATE INDEX exceptions_kind ON exceptions (kind, date);
