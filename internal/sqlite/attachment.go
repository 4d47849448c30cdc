package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/posdesk/posdesk/internal/posdesk"
)

const attColumns = `id, incident_id, kind, caption, file_name, media_type, size, sha256, width, height, pages,
	normalized_type, thumbnail_type, created_at, created_by, thumbnail`

func scanAttachment(s scanner, withData bool) (*posdesk.Attachment, error) {
	var a posdesk.Attachment
	var created int64
	dest := []any{&a.ID, &a.IncidentID, &a.Kind, &a.Caption, &a.FileName, &a.MediaType, &a.Size, &a.SHA256, &a.Width,
		&a.Height, &a.Pages, &a.NormalizedType, &a.ThumbnailType, &created, &a.CreatedBy, &a.Thumbnail}
	if withData {
		dest = append(dest, &a.Normalized, &a.Original)
	}
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	a.CreatedAt = fromUnix(created)
	return &a, nil
}

// AddAttachment stores a file the intake accepted (attach.Intake) for an incident, in one
// database transaction with its timeline entry and audit entry. The same file (same SHA-256)
// twice on one incident is ECONFLICT, naming the attachment already there.
func (db *DB) AddAttachment(ctx context.Context, incidentID int64, a *posdesk.Attachment) error {
	if err := db.authorize(ctx, posdesk.ActAttach, "incident", incidentID); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := addAttachment(tx, incidentID, a); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// addAttachment stores a for an incident inside tx, with its timeline and audit entries (see
// AddAttachment). The file's bytes are stored in the same transaction, so a rollback leaves
// nothing of it behind.
func addAttachment(tx *Tx, incidentID int64, a *posdesk.Attachment) error {
	ctx := tx.ctx
	a.IncidentID = incidentID
	a.Caption, a.FileName = posdesk.MaskText(a.Caption), posdesk.MaskText(a.FileName)
	if err := a.Validate(); err != nil {
		return err
	}
	inc, err := findIncident(ctx, tx, `i.id = ?`, incidentID)
	if err != nil {
		return err
	}
	var dupName string
	err = tx.QueryRowContext(ctx, `SELECT file_name FROM attachments WHERE incident_id = ? AND sha256 = ?`, incidentID, a.SHA256).Scan(&dupName)
	if err == nil {
		return posdesk.Errorf(posdesk.ECONFLICT, "File %[1]q is already attached to incident %[2]s (as %[3]q); it was not added again.", a.FileName, inc.Number, dupName)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return dbError(err)
	}
	a.CreatedAt = tx.now
	if a.CreatedBy == "" {
		a.CreatedBy = posdesk.ActorName(ctx)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO attachments (incident_id, kind, caption, file_name, media_type, size, sha256,
		width, height, pages, normalized_type, thumbnail_type, created_at, created_by, thumbnail, normalized, original)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		incidentID, a.Kind, a.Caption, a.FileName, a.MediaType, a.Size, a.SHA256, a.Width, a.Height, a.Pages,
		a.NormalizedType, a.ThumbnailType, unix(a.CreatedAt), a.CreatedBy, a.Thumbnail, a.Normalized, a.Original)
	if err != nil {
		return dbError(err)
	}
	if a.ID, err = res.LastInsertId(); err != nil {
		return dbError(err)
	}
	if err := addEvent(tx, &posdesk.IncidentEvent{IncidentID: incidentID, Type: posdesk.EventAttachment, RefID: a.ID, Detail: a.FileName}); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE incidents SET updated_at = ? WHERE id = ?`, unix(tx.now), incidentID); err != nil {
		return dbError(err)
	}
	return tx.audit("incident.attach", "incident", incidentID, nil, map[string]any{"attachment": a.ID, "file_name": a.FileName,
		"kind": a.Kind, "media_type": a.MediaType, "size": a.Size, "sha256": a.SHA256, "caption": a.Caption})
}

// FindAttachments returns an incident's attachments in the order they were added, with their
// thumbnails but without Original and Normalized (FindAttachmentByID loads those), so a list of
// large files stays small in memory. It is ENOTFOUND when the incident does not exist.
func (db *DB) FindAttachments(ctx context.Context, incidentID int64) ([]*posdesk.Attachment, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM incidents WHERE id = ?`, incidentID).Scan(&n); err != nil {
		return nil, dbError(err)
	}
	if n == 0 {
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Incident %d does not exist.", incidentID)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+attColumns+` FROM attachments WHERE incident_id = ? ORDER BY id`, incidentID)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows, false)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, a)
	}
	return out, dbError(rows.Err())
}

// FindAttachmentByID returns one attachment with all its data (original, normalised copy and
// thumbnail), or ENOTFOUND.
func (db *DB) FindAttachmentByID(ctx context.Context, id int64) (*posdesk.Attachment, error) {
	a, err := scanAttachment(db.read.QueryRowContext(ctx, `SELECT `+attColumns+`, normalized, original FROM attachments WHERE id = ?`, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Attachment %d does not exist.", id)
	} else if err != nil {
		return nil, dbError(err)
	}
	return a, nil
}
