-- Staff accounts. PINs are kept only as argon2id hashes (PHC strings, see sqlite/pin.go).
-- failed_attempts and locked_until_ms throttle PIN guessing and survive restarts.
CREATE TABLE staff (
	id              INTEGER PRIMARY KEY,
	name            TEXT    NOT NULL COLLATE NOCASE UNIQUE,
	role            TEXT    NOT NULL CHECK (role IN ('cashier', 'manager', 'owner')),
	pin_hash        TEXT    NOT NULL,
	pin_role        TEXT    NOT NULL,           -- the role whose PIN rules the PIN was checked against
	disabled_at     INTEGER,                    -- unix seconds; NULL while the account is enabled
	failed_attempts INTEGER NOT NULL DEFAULT 0, -- wrong PINs in a row (counted before checking)
	locked_until_ms INTEGER NOT NULL DEFAULT 0, -- unix milliseconds; no sign-in before this
	pin_changed_at  INTEGER NOT NULL,
	created_at      INTEGER NOT NULL,
	created_by      TEXT    NOT NULL DEFAULT ''
) STRICT;

-- The newest audit entry, kept in a separate one-row table written in the same transaction as
-- each entry (sqlite.Tx.audit). Deleting entries from the end of audit_log without also
-- rewriting this row is detected by posdesk check.
CREATE TABLE audit_head (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	seq  INTEGER NOT NULL,
	hash TEXT    NOT NULL
) STRICT;
INSERT INTO audit_head (id, seq, hash) VALUES (1,
	coalesce((SELECT max(seq) FROM audit_log), 0),
	coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), ''));

-- The audit trail is append-only: posdesk never updates or deletes an entry, and these triggers
-- stop anybody else doing it by accident. They do not stop somebody who drops them first; the
-- hash chain, the head row and the anchors outside the file are what make that visible.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head WHEN new.seq < old.seq BEGIN
	SELECT RAISE(ABORT, 'the audit head only moves forward');
END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head BEGIN
	SELECT RAISE(ABORT, 'the audit head cannot be deleted');
END;

-- Filled only inside backup files: what the backup holds (the audit head at the moment it was
-- taken is an anchor outside the live database). A restored database keeps the row of the
-- backup it came from.
CREATE TABLE backup_info (
	id             INTEGER PRIMARY KEY CHECK (id = 1),
	taken_at       INTEGER NOT NULL, -- unix seconds
	source         TEXT    NOT NULL, -- database path the backup was taken from
	audit_seq      INTEGER NOT NULL,
	audit_hash     TEXT    NOT NULL,
	schema_version INTEGER NOT NULL,
	restored_at    INTEGER           -- unix seconds; set in the live database when it was restored from this backup
) STRICT;

-- Mark the file as a posdesk database ('posd').
PRAGMA application_id = 1886352228;
