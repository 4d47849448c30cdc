-- Incidents: payments that went wrong, followed until the money is where it belongs.
-- Amounts are INTEGER minor units; dates (deadline, due) are 'YYYY-MM-DD' text or '' for none;
-- instants are unix seconds, UTC. Rows are never deleted.
CREATE TABLE incidents (
	id                 INTEGER PRIMARY KEY,
	year               INTEGER NOT NULL,            -- with seq, the human number INC-YYYY-NNNN
	seq                INTEGER NOT NULL,
	number             TEXT    NOT NULL UNIQUE,
	kind               TEXT    NOT NULL,
	cause              TEXT    NOT NULL DEFAULT 'unknown',
	status             TEXT    NOT NULL DEFAULT 'open',
	outcome            TEXT    NOT NULL DEFAULT '',
	time               INTEGER NOT NULL,            -- when it happened at the till
	amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
	currency           TEXT    NOT NULL DEFAULT 'CNY',
	story              TEXT    NOT NULL DEFAULT '', -- masked
	case_number        TEXT    NOT NULL DEFAULT '', -- the bank's or acquirer's case / ticket number
	deadline           TEXT    NOT NULL DEFAULT '',
	deadline_source    TEXT    NOT NULL DEFAULT '', -- 'letter' or a preset id
	customer_name      TEXT    NOT NULL DEFAULT '', -- customer refunds only; erasable
	customer_phone     TEXT    NOT NULL DEFAULT '',
	personal_erased_at INTEGER,
	packet_sha256      TEXT    NOT NULL DEFAULT '',
	packet_at          INTEGER,
	resolved_at        INTEGER,
	created_at         INTEGER NOT NULL,
	created_by         TEXT    NOT NULL DEFAULT '',
	updated_at         INTEGER NOT NULL,
	UNIQUE (year, seq)
) STRICT;
CREATE INDEX incidents_status ON incidents (status, id DESC);
CREATE INDEX incidents_kind ON incidents (kind, id DESC);
CREATE INDEX incidents_deadline ON incidents (deadline) WHERE deadline <> '';
CREATE INDEX incidents_case ON incidents (case_number) WHERE case_number <> '';

-- Which ledger records an incident concerns (one or more).
CREATE TABLE incident_transactions (
	incident_id    INTEGER NOT NULL REFERENCES incidents (id),
	transaction_id INTEGER NOT NULL REFERENCES transactions (id),
	linked_at      INTEGER NOT NULL,
	linked_by      TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (incident_id, transaction_id)
) STRICT;
CREATE INDEX incident_transactions_tx ON incident_transactions (transaction_id);

-- The timeline: status changes, edits, links, attachments, contacts, erasures, packets.
CREATE TABLE incident_events (
	id          INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	time        INTEGER NOT NULL,
	actor       TEXT    NOT NULL DEFAULT '',
	type        TEXT    NOT NULL,
	from_status TEXT    NOT NULL DEFAULT '',
	to_status   TEXT    NOT NULL DEFAULT '',
	outcome     TEXT    NOT NULL DEFAULT '',
	ref_id      INTEGER NOT NULL DEFAULT 0,
	detail      TEXT    NOT NULL DEFAULT ''    -- masked
) STRICT;
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);

-- The contact log: every call, visit or message about an incident.
CREATE TABLE contacts (
	id          INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	time        INTEGER NOT NULL,
	channel     TEXT    NOT NULL,
	party       TEXT    NOT NULL,
	person      TEXT    NOT NULL DEFAULT '',
	ticket      TEXT    NOT NULL DEFAULT '',
	summary     TEXT    NOT NULL,
	next_step   TEXT    NOT NULL DEFAULT '',
	due         TEXT    NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	created_by  TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX contacts_incident ON contacts (incident_id, time, id);
CREATE INDEX contacts_due ON contacts (due) WHERE due <> '';

-- Attached files. The original is kept byte for byte; the normalised copy and the thumbnail are
-- derived from it. The small columns come first and the BLOBs last (thumbnail, then the large
-- ones), so listing attachments does not read the files' pages.
CREATE TABLE attachments (
	id              INTEGER PRIMARY KEY,
	incident_id     INTEGER NOT NULL REFERENCES incidents (id),
	kind            TEXT    NOT NULL,
	caption         TEXT    NOT NULL DEFAULT '', -- masked
	file_name       TEXT    NOT NULL DEFAULT '', -- masked
	media_type      TEXT    NOT NULL,
	size            INTEGER NOT NULL,
	sha256          TEXT    NOT NULL,
	width           INTEGER NOT NULL DEFAULT 0,
	height          INTEGER NOT NULL DEFAULT 0,
	pages           INTEGER NOT NULL DEFAULT 0,
	normalized_type TEXT    NOT NULL DEFAULT '',
	thumbnail_type  TEXT    NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	created_by      TEXT    NOT NULL DEFAULT '',
	thumbnail       BLOB,
	normalized      BLOB,
	original        BLOB    NOT NULL,
	UNIQUE (incident_id, sha256)
) STRICT;
CREATE INDEX attachments_sha256 ON attachments (sha256);
