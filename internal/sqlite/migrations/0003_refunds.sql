-- Refund follow-ups: every amount owed, from the request until the money is where it belongs.
-- Amounts are INTEGER minor units with the currency beside them; dates are 'YYYY-MM-DD' text or
-- '' for none; instants are unix seconds, UTC. Rows are never deleted.
CREATE TABLE refunds (
	id                INTEGER PRIMARY KEY,
	incident_id       INTEGER REFERENCES incidents (id), -- NULL: a standalone customer refund
	direction         TEXT    NOT NULL,
	method            TEXT    NOT NULL,
	status            TEXT    NOT NULL DEFAULT 'requested',
	currency          TEXT    NOT NULL DEFAULT 'CNY',
	expected_minor    INTEGER NOT NULL CHECK (expected_minor > 0),
	fees_minor        INTEGER NOT NULL DEFAULT 0 CHECK (fees_minor >= 0 AND fees_minor <= expected_minor),
	fees_reason       TEXT    NOT NULL DEFAULT '',
	received_minor    INTEGER NOT NULL DEFAULT 0, -- sum of the receipts not voided, kept in the same transaction
	written_off_minor INTEGER NOT NULL DEFAULT 0,
	counterparty      TEXT    NOT NULL DEFAULT '',
	customer          TEXT    NOT NULL DEFAULT '', -- personal data: only when needed; erasable
	reason            TEXT    NOT NULL DEFAULT '',
	case_ref          TEXT    NOT NULL DEFAULT '',
	opened_on         TEXT    NOT NULL,
	requested_by      TEXT    NOT NULL DEFAULT '',
	approved_by       TEXT    NOT NULL DEFAULT '',
	approved_at       INTEGER,
	due               TEXT    NOT NULL DEFAULT '',
	due_source        TEXT    NOT NULL DEFAULT '',
	arrival_days      INTEGER NOT NULL DEFAULT 0,
	arrival_workdays  INTEGER NOT NULL DEFAULT 0 CHECK (arrival_workdays IN (0, 1)),
	expected_by       TEXT    NOT NULL DEFAULT '',
	next_action       TEXT    NOT NULL DEFAULT '',
	next_action_on    TEXT    NOT NULL DEFAULT '',
	status_reason     TEXT    NOT NULL DEFAULT '',
	status_on         TEXT    NOT NULL DEFAULT '',
	created_at        INTEGER NOT NULL,
	created_by        TEXT    NOT NULL DEFAULT '',
	updated_at        INTEGER NOT NULL,
	-- What is still to arrive (negative after a confirmed over-payment).
	outstanding_minor INTEGER GENERATED ALWAYS AS (expected_minor - fees_minor - received_minor) VIRTUAL,
	-- The earliest of the next action, the deadline and the expected arrival (while money is
	-- outstanding) of a follow-up under way; '' when none. posdesk.Refund.NextDate in SQL.
	next_date         TEXT    GENERATED ALWAYS AS (
		CASE WHEN status IN ('closed', 'rejected', 'written_off') THEN '' ELSE coalesce(nullif(min(
			CASE WHEN next_action_on <> '' THEN next_action_on ELSE '9999-12-31' END,
			CASE WHEN due <> '' THEN due ELSE '9999-12-31' END,
			CASE WHEN expected_by <> '' AND expected_minor - fees_minor - received_minor > 0 THEN expected_by ELSE '9999-12-31' END
		), '9999-12-31'), '') END) VIRTUAL
) STRICT;
CREATE INDEX refunds_incident ON refunds (incident_id) WHERE incident_id IS NOT NULL;
CREATE INDEX refunds_status ON refunds (status, opened_on);
CREATE INDEX refunds_due ON refunds (due) WHERE due <> '';
CREATE INDEX refunds_status_on ON refunds (status_on, status);

-- Money that arrived on a follow-up, often in parts. Voided (entered by mistake), never deleted.
CREATE TABLE refund_receipts (
	id           INTEGER PRIMARY KEY,
	refund_id    INTEGER NOT NULL REFERENCES refunds (id),
	received_on  TEXT    NOT NULL,
	amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
	currency     TEXT    NOT NULL DEFAULT 'CNY',
	note         TEXT    NOT NULL DEFAULT '',
	over_payment INTEGER NOT NULL DEFAULT 0 CHECK (over_payment IN (0, 1)),
	voided_at    INTEGER,
	void_reason  TEXT    NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	created_by   TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX refund_receipts_refund ON refund_receipts (refund_id, received_on, id);
CREATE INDEX refund_receipts_on ON refund_receipts (received_on);

-- The history of each follow-up: created, status changes, approvals, receipts, edits.
CREATE TABLE refund_events (
	id           INTEGER PRIMARY KEY,
	refund_id    INTEGER NOT NULL REFERENCES refunds (id),
	time         INTEGER NOT NULL,
	on_date      TEXT    NOT NULL DEFAULT '',
	kind         TEXT    NOT NULL,
	from_status  TEXT    NOT NULL DEFAULT '',
	to_status    TEXT    NOT NULL DEFAULT '',
	amount_minor INTEGER NOT NULL DEFAULT 0,
	currency     TEXT    NOT NULL DEFAULT '',
	note         TEXT    NOT NULL DEFAULT '', -- masked
	actor        TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX refund_events_refund ON refund_events (refund_id, id);

-- The shop's holiday list for counting working days: public holidays on weekdays (workday 0)
-- and make-up working days on weekends (调休, workday 1).
CREATE TABLE holidays (
	date    TEXT    PRIMARY KEY,
	name    TEXT    NOT NULL DEFAULT '',
	workday INTEGER NOT NULL DEFAULT 0 CHECK (workday IN (0, 1))
) STRICT;
