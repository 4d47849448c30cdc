package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Ensure DB implements the staff and audit services.
var (
	_ posdesk.StaffService = (*DB)(nil)
	_ posdesk.AuditService = (*DB)(nil)
)

const staffColumns = `id, name, role, coalesce(disabled_at, 0), locked_until_ms, created_at`

func scanUser(s scanner) (*posdesk.User, error) {
	var u posdesk.User
	var disabled, locked, created int64
	if err := s.Scan(&u.ID, &u.Name, &u.Role, &disabled, &locked, &created); err != nil {
		return nil, err
	}
	u.Disabled = disabled != 0
	if locked != 0 {
		u.LockedUntil = time.UnixMilli(locked).UTC()
	}
	u.CreatedAt = fromUnix(created)
	return &u, nil
}

// CountStaff returns how many staff accounts exist, enabled or not.
func (db *DB) CountStaff(ctx context.Context) (int, error) {
	return countStaff(ctx, db.read)
}

func countStaff(ctx context.Context, q querier) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM staff`).Scan(&n); err != nil {
		return 0, dbError(err)
	}
	return n, nil
}

// FindUserByID returns the staff account with id, or ENOTFOUND.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*posdesk.User, error) {
	return findUser(ctx, db.read, `id = ?`, id)
}

// FindUserByName returns the staff account called name (letter case ignored), or ENOTFOUND.
func (db *DB) FindUserByName(ctx context.Context, name string) (*posdesk.User, error) {
	return findUser(ctx, db.read, `name = ?`, posdesk.NormalizeStaffName(name))
}

func findUser(ctx context.Context, q querier, cond string, arg any) (*posdesk.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		if id, ok := arg.(int64); ok {
			return nil, posdesk.Errorf(posdesk.ENOTFOUND, "There is no staff account number %d.", id)
		}
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "There is no member of staff called %v.", arg)
	} else if err != nil {
		return nil, dbError(err)
	}
	return u, nil
}

// FindUsers lists staff accounts by name.
func (db *DB) FindUsers(ctx context.Context, f posdesk.StaffFilter) ([]*posdesk.User, error) {
	where := ` WHERE disabled_at IS NULL`
	if f.IncludeDisabled {
		where = ""
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+staffColumns+` FROM staff`+where+` ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []*posdesk.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, u)
	}
	return out, dbError(rows.Err())
}

// actor returns the user ctx acts as, as the database knows them now. With no staff accounts
// (a fresh shop) the user in ctx is taken as it is; once accounts exist, it must be one of them
// (same ID and name), and its role and disabled flag come from the database.
func (db *DB) actor(ctx context.Context) (*posdesk.User, error) {
	u := posdesk.UserFromContext(ctx)
	if u == nil {
		return nil, nil
	}
	n, err := countStaff(ctx, db.read)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return u, nil
	}
	fresh, err := findUser(ctx, db.read, `id = ?`, u.ID)
	if posdesk.ErrorCode(err) == posdesk.ENOTFOUND || err == nil && !strings.EqualFold(fresh.Name, u.Name) {
		return nil, posdesk.Errorf(posdesk.EFORBIDDEN, "Sign in first: %s is not a member of staff.", u.Name)
	} else if err != nil {
		return nil, err
	}
	return fresh, nil
}

// logDenied writes a "denied" audit entry for action in its own transaction. Errors are
// ignored: the refusal stands whether or not it could be written (a read-only database).
func (db *DB) logDenied(ctx context.Context, action, entity string, id int64) {
	if db.ReadOnly {
		return
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return
	}
	defer tx.Rollback()
	if tx.audit("denied", entity, id, nil, map[string]string{"action": action}) == nil {
		tx.Commit()
	}
}

// newStaff validates a new account and hashes its PIN (outside any transaction: it takes about
// 100 ms).
func newStaff(name string, role posdesk.Role, pin string) (string, string, error) {
	name = posdesk.NormalizeStaffName(name)
	var errs posdesk.Errors
	if err := posdesk.ValidateStaffName(name); err != nil {
		errs = append(errs, err.(*posdesk.Error))
	}
	if !role.Valid() {
		errs = append(errs, posdesk.Invalid("role", "Role %q is not known; use cashier, manager or owner.", string(role)))
	} else if err := posdesk.ValidatePIN(role, posdesk.NormalizePIN(pin)); err != nil {
		errs = append(errs, err.(*posdesk.Error))
	}
	if err := errs.Err(); err != nil {
		return "", "", err
	}
	hash, err := hashPIN(posdesk.NormalizePIN(pin), defaultPINParams)
	if err != nil {
		return "", "", posdesk.Internal(err)
	}
	return name, hash, nil
}

func insertStaff(tx *Tx, name string, role posdesk.Role, hash string) (*posdesk.User, error) {
	res, err := tx.ExecContext(tx.ctx, `INSERT INTO staff (name, role, pin_hash, pin_role, pin_changed_at, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, name, role, hash, role, unix(tx.now), unix(tx.now), posdesk.ActorName(tx.ctx))
	if err != nil {
		if posdesk.ErrorCode(dbError(err)) == posdesk.ECONFLICT {
			return nil, posdesk.Invalid("name", "A member of staff called %s already exists; choose another name.", name)
		}
		return nil, dbError(err)
	}
	u := &posdesk.User{Name: name, Role: role, CreatedAt: tx.now.Truncate(time.Second)}
	if u.ID, err = res.LastInsertId(); err != nil {
		return nil, dbError(err)
	}
	return u, tx.audit("staff.create", "staff", u.ID, nil, map[string]string{"name": name, "role": string(role)})
}

// CreateFirstOwner creates the shop's first owner. It needs no signed-in user and returns
// ECONFLICT once any account exists. The audit entry names the new owner as the actor.
func (db *DB) CreateFirstOwner(ctx context.Context, name, pin string) (*posdesk.User, error) {
	if n, err := db.CountStaff(ctx); err != nil {
		return nil, err
	} else if n > 0 {
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "This shop already has staff accounts; sign in as an owner to add people.")
	}
	name, hash, err := newStaff(name, posdesk.RoleOwner, pin)
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(posdesk.NewContextWithUser(ctx, &posdesk.User{Name: name, Role: posdesk.RoleOwner}))
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if n, err := countStaff(ctx, tx); err != nil {
		return nil, err
	} else if n > 0 { // another window got there first
		return nil, posdesk.Errorf(posdesk.ECONFLICT, "This shop already has staff accounts; sign in as an owner to add people.")
	}
	u, err := insertStaff(tx, name, posdesk.RoleOwner, hash)
	if err != nil {
		return nil, err
	}
	return u, dbError(tx.Commit())
}

// CreateUser adds a member of staff. Only owners may.
func (db *DB) CreateUser(ctx context.Context, name string, role posdesk.Role, pin string) (*posdesk.User, error) {
	if err := db.authorize(ctx, posdesk.ActManageStaff, "staff", 0); err != nil {
		return nil, err
	}
	name, hash, err := newStaff(name, role, pin)
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := insertStaff(tx, name, role, hash)
	if err != nil {
		return nil, err
	}
	return u, dbError(tx.Commit())
}

// UpdateUser changes an account's role or disables/enables it. Only owners may; the last
// enabled owner cannot be demoted or disabled (nobody could manage staff any more).
func (db *DB) UpdateUser(ctx context.Context, id int64, upd posdesk.StaffUpdate) (*posdesk.User, error) {
	if err := db.authorize(ctx, posdesk.ActManageStaff, "staff", id); err != nil {
		return nil, err
	}
	if upd.Role != nil && !upd.Role.Valid() {
		return nil, posdesk.Invalid("role", "Role %q is not known; use cashier, manager or owner.", string(*upd.Role))
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := findUser(ctx, tx, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	old := map[string]any{"name": u.Name, "role": u.Role, "disabled": u.Disabled}
	wasOwner := u.Role == posdesk.RoleOwner && !u.Disabled
	if upd.Role != nil {
		// A PIN set under a cashier's shorter minimum is not good enough for a manager or owner.
		var pinRole posdesk.Role
		if err := tx.QueryRowContext(ctx, `SELECT pin_role FROM staff WHERE id = ?`, id).Scan(&pinRole); err != nil {
			return nil, dbError(err)
		}
		if posdesk.MinPINLen(*upd.Role) > posdesk.MinPINLen(pinRole) {
			return nil, posdesk.Invalid("pin", "%[1]s's PIN was set for a %[2]s; set a new PIN of at least %[3]d digits for %[1]s first (posdesk staff pin), then change the role.", u.Name, string(pinRole), posdesk.MinPINLen(*upd.Role))
		}
		u.Role = *upd.Role
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
	}
	if wasOwner && (u.Role != posdesk.RoleOwner || u.Disabled) {
		var owners int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM staff WHERE role = 'owner' AND disabled_at IS NULL AND id <> ?`, id).Scan(&owners); err != nil {
			return nil, dbError(err)
		}
		if owners == 0 {
			return nil, posdesk.Errorf(posdesk.ECONFLICT, "%s is the only owner: make somebody else an owner first.", u.Name)
		}
	}
	var disabledAt any
	if u.Disabled {
		disabledAt = unix(tx.now)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE staff SET role = ?, disabled_at = CASE WHEN ? IS NULL THEN NULL ELSE coalesce(disabled_at, ?) END WHERE id = ?`,
		u.Role, disabledAt, disabledAt, id); err != nil {
		return nil, dbError(err)
	}
	if err := tx.audit("staff.update", "staff", id, old, map[string]any{"name": u.Name, "role": u.Role, "disabled": u.Disabled}); err != nil {
		return nil, err
	}
	return u, dbError(tx.Commit())
}

// SetPIN sets a new PIN for the account id. Owners may set anyone's PIN, everybody else only
// their own; a refusal is logged. It clears the wrong-PIN lock.
func (db *DB) SetPIN(ctx context.Context, id int64, pin string) error {
	actor, err := db.actor(ctx)
	if err == nil && !posdesk.CanSetPIN(actor, id) {
		err = posdesk.Errorf(posdesk.EFORBIDDEN, "Only an owner may set another person's PIN.")
		if actor == nil {
			err = posdesk.Errorf(posdesk.EFORBIDDEN, "Sign in first: no member of staff is acting.")
		} else if actor.Disabled {
			err = posdesk.Errorf(posdesk.EFORBIDDEN, "The account of %s is disabled.", actor.Name)
		}
	}
	if err != nil {
		db.logDenied(ctx, "staff.pin", "staff", id)
		return err
	}
	u, err := db.FindUserByID(ctx, id)
	if err != nil {
		return err
	}
	pin = posdesk.NormalizePIN(pin)
	if err := posdesk.ValidatePIN(u.Role, pin); err != nil {
		return err
	}
	hash, err := hashPIN(pin, defaultPINParams)
	if err != nil {
		return posdesk.Internal(err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE staff SET pin_hash = ?, pin_role = ?, pin_changed_at = ?, failed_attempts = 0, locked_until_ms = 0 WHERE id = ?`,
		hash, u.Role, unix(tx.now), id); err != nil {
		return dbError(err)
	}
	if err := tx.audit("staff.pin", "staff", id, nil, map[string]string{"name": u.Name}); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// SignIn checks name and PIN. Each attempt is counted before the PIN is checked (so attempts
// made in parallel cannot slip past the lock) and reset on success; after Throttle.Free wrong
// PINs in a row the account is locked for a time that doubles with each further failure. The
// count lives in the database, so restarting the program does not reset it. Every refused
// attempt is written to the audit trail as "signin.failed", with the name that was tried as the
// actor.
func (db *DB) SignIn(ctx context.Context, name, pin string) (*posdesk.User, error) {
	name = posdesk.NormalizeStaffName(name)
	pin = posdesk.NormalizePIN(pin)
	tried := posdesk.MaskText(name)
	if utf8.RuneCountInString(tried) > posdesk.MaxStaffNameLen {
		tried = string([]rune(tried)[:posdesk.MaxStaffNameLen])
	}
	actx := posdesk.NewContextWithUser(ctx, &posdesk.User{Name: tried})
	failed := func(id int64, reason string, attempts int) {
		if db.ReadOnly {
			return
		}
		tx, err := db.begin(actx)
		if err != nil {
			return
		}
		defer tx.Rollback()
		nw := map[string]any{"name": tried, "reason": reason}
		if attempts > 0 {
			nw["attempts"] = attempts
		}
		if tx.audit("signin.failed", "staff", id, nil, nw) == nil {
			tx.Commit()
		}
	}
	wrong := posdesk.Errorf(posdesk.EFORBIDDEN, "The name or PIN is wrong.")
	if db.ReadOnly {
		return db.signInReadOnly(ctx, name, pin, wrong)
	}

	// Reserve the attempt.
	var u *posdesk.User
	var hash string
	var attempts int
	err := func() error {
		tx, err := db.begin(actx)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		var locked int64
		found, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE name = ?`, name))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return dbError(err)
		}
		u = found
		if err := tx.QueryRowContext(ctx, `SELECT pin_hash, failed_attempts, locked_until_ms FROM staff WHERE id = ?`, u.ID).Scan(&hash, &attempts, &locked); err != nil {
			return dbError(err)
		}
		if u.Disabled {
			return posdesk.Errorf(posdesk.EFORBIDDEN, "The account of %s is disabled.", u.Name)
		}
		now := tx.now
		if wait := time.UnixMilli(locked).Sub(now); locked != 0 && wait > 0 {
			return lockedError(u.Name, wait)
		}
		attempts++
		var until int64
		if d := db.Throttle.Delay(attempts); d > 0 {
			until = now.Add(d).UnixMilli()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE staff SET failed_attempts = ?, locked_until_ms = ? WHERE id = ?`, attempts, until, u.ID); err != nil {
			return dbError(err)
		}
		return dbError(tx.Commit())
	}()
	if err != nil {
		if posdesk.ErrorCode(err) == posdesk.EFORBIDDEN {
			reason := "disabled"
			if u != nil && !u.Disabled {
				reason = "locked"
			}
			var id int64
			if u != nil {
				id = u.ID
			}
			failed(id, reason, 0)
		}
		return nil, err
	}
	if u == nil {
		verifyPIN(pin, dummyPINHash(), defaultPINParams) // a wrong name costs what a wrong PIN costs
		failed(0, "unknown name", 0)
		return nil, wrong
	}

	ok, rehash, err := verifyPIN(pin, hash, defaultPINParams)
	if err != nil {
		return nil, posdesk.Internal(err)
	}
	if !ok {
		failed(u.ID, "wrong PIN", attempts)
		if d := db.Throttle.Delay(attempts); d > 0 {
			return nil, lockedError(u.Name, d)
		}
		return nil, wrong
	}

	tx, err := db.begin(posdesk.NewContextWithUser(ctx, u))
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE staff SET failed_attempts = 0, locked_until_ms = 0 WHERE id = ?`, u.ID); err != nil {
		return nil, dbError(err)
	}
	if rehash {
		if h, err := hashPIN(pin, defaultPINParams); err == nil {
			if _, err := tx.ExecContext(ctx, `UPDATE staff SET pin_hash = ? WHERE id = ?`, h, u.ID); err != nil {
				return nil, dbError(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, dbError(err)
	}
	u.LockedUntil = time.Time{}
	return u, nil
}

// signInReadOnly is SignIn on a database open read-only, where attempts cannot be counted: it
// honours the lock in force when the file was last written, and each try still costs the PIN
// hash's time. Whoever may read the file can try PINs against it offline anyway; the online
// count protects writable databases, where signing in gives the right to change records.
func (db *DB) signInReadOnly(ctx context.Context, name, pin string, wrong error) (*posdesk.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		verifyPIN(pin, dummyPINHash(), defaultPINParams) // a wrong name costs what a wrong PIN costs
		return nil, wrong
	} else if err != nil {
		return nil, dbError(err)
	}
	var hash string
	var locked int64
	if err := db.read.QueryRowContext(ctx, `SELECT pin_hash, locked_until_ms FROM staff WHERE id = ?`, u.ID).Scan(&hash, &locked); err != nil {
		return nil, dbError(err)
	}
	if u.Disabled {
		return nil, posdesk.Errorf(posdesk.EFORBIDDEN, "The account of %s is disabled.", u.Name)
	}
	if wait := time.UnixMilli(locked).Sub(db.now()); locked != 0 && wait > 0 {
		return nil, lockedError(u.Name, wait)
	}
	ok, _, err := verifyPIN(pin, hash, defaultPINParams)
	if err != nil {
		return nil, posdesk.Internal(err)
	}
	if !ok {
		return nil, wrong
	}
	u.LockedUntil = time.Time{}
	return u, nil
}

// lockedError says how long name must wait, in whole seconds or, from two minutes on, minutes
// (both rounded up).
func lockedError(name string, wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	if secs < 120 {
		return posdesk.Errorf(posdesk.EFORBIDDEN, "Too many wrong PINs for %[1]s: try again in %[2]d seconds.", name, secs)
	}
	return posdesk.Errorf(posdesk.EFORBIDDEN, "Too many wrong PINs for %[1]s: try again in %[2]d minutes.", name, (secs+59)/60)
}

// Authorize returns EFORBIDDEN unless the user in ctx may do action now, and writes a refusal to
// the audit trail ("denied"). Stores call it themselves; screens and commands call it before
// work that is not one store call (a restore). To grey out a button, use posdesk.Can: it logs
// nothing.
func (db *DB) Authorize(ctx context.Context, action posdesk.Action) error {
	return db.authorize(ctx, action, "action", 0)
}
