package posdesk

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// PIN and name limits. A PIN is digits only; a password is anything else. Both are held to the
// same minimum length per role (a password of that length is never weaker than a PIN).
const (
	MinPINCashier   = 4  // cashiers: at least 4 digits
	MinPINManager   = 6  // managers and owners: at least 6 digits
	MaxPINLen       = 64 // longer input is refused, so hashing cost stays bounded
	MaxStaffNameLen = 40
)

// MinPINLen returns the least PIN length for role.
func MinPINLen(role Role) int {
	if role == RoleCashier {
		return MinPINCashier
	}
	return MinPINManager
}

// NormalizePIN trims spaces and turns full-width digits (from a Chinese input method) into ASCII
// digits, so "１２３４５６" and "123456" are the same PIN.
func NormalizePIN(pin string) string {
	pin = strings.TrimSpace(pin)
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, pin)
}

// ValidatePIN checks a new PIN or password for a member of staff with role. It must be
// normalized (NormalizePIN) first. Digit PINs made of one repeated digit or one straight run
// (123456, 987654) are refused: they are the first ones anybody tries.
func ValidatePIN(role Role, pin string) error {
	n := utf8.RuneCountInString(pin)
	if n == 0 {
		return Invalid("pin", "Enter a PIN.")
	}
	if n > MaxPINLen {
		return Invalid("pin", "The PIN is too long: at most %d characters.", MaxPINLen)
	}
	for _, r := range pin {
		if unicode.IsControl(r) {
			return Invalid("pin", "The PIN may not contain control characters such as tabs or line breaks.")
		}
	}
	if min := MinPINLen(role); n < min {
		return Invalid("pin", "A %[1]s needs a PIN of at least %[2]d digits (or a password of at least %[2]d characters).", string(role), min)
	}
	if allDigits(pin) && weakDigits(pin) {
		return Invalid("pin", "This PIN is too easy to guess (one repeated digit or a straight run such as 123456); choose another.")
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// weakDigits reports whether a digit PIN is one repeated digit or a straight ascending or
// descending run (wrapping is not counted: 890123 is allowed).
func weakDigits(s string) bool {
	same, up, down := true, true, true
	for i := 1; i < len(s); i++ {
		d := int(s[i]) - int(s[i-1])
		same = same && d == 0
		up = up && d == 1
		down = down && d == -1
	}
	return same || up || down
}

// NormalizeStaffName trims a member of staff's name and collapses inner runs of spaces.
func NormalizeStaffName(name string) string {
	return strings.Join(strings.Fields(name), " ")
}

// ValidateStaffName checks a normalized name: 1 to MaxStaffNameLen characters, printable.
func ValidateStaffName(name string) error {
	if name == "" {
		return Invalid("name", "Enter the name this person signs in with.")
	}
	if utf8.RuneCountInString(name) > MaxStaffNameLen {
		return Invalid("name", "The name is too long: at most %d characters.", MaxStaffNameLen)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return Invalid("name", "The name may contain only printable characters.")
		}
	}
	if MaskText(name) != name {
		return Invalid("name", "The name looks like a card number; use the person's name.")
	}
	return nil
}

// Throttle is the back-off after wrong PINs: Free attempts in a row cost nothing; after that each
// further failure locks the account for Base, doubling each time, never more than Max. A correct
// PIN resets the count.
type Throttle struct {
	Free int
	Base time.Duration
	Max  time.Duration
}

// DefaultThrottle allows 5 wrong PINs, then locks for 30 s, 1 min, 2 min ... up to 15 min.
var DefaultThrottle = Throttle{Free: 5, Base: 30 * time.Second, Max: 15 * time.Minute}

// Delay returns how long the account stays locked after failures wrong PINs in a row.
func (t Throttle) Delay(failures int) time.Duration {
	if failures < t.Free || failures <= 0 {
		return 0
	}
	d := t.Base
	for i := t.Free; i < failures; i++ {
		d *= 2
		if d >= t.Max {
			return t.Max
		}
	}
	return min(d, t.Max)
}

// StaffFilter selects staff accounts.
type StaffFilter struct {
	IncludeDisabled bool
}

// StaffUpdate changes a staff account; nil fields stay as they are.
type StaffUpdate struct {
	Role     *Role
	Disabled *bool
}

// StaffService manages staff accounts and signs people in. Every method that changes an account
// needs ActManageStaff, except SetPIN on one's own account and CreateFirstOwner.
type StaffService interface {
	// CountStaff returns how many accounts exist, enabled or not. Zero means a fresh shop that
	// acts as the implicit owner until the first owner is created.
	CountStaff(ctx context.Context) (int, error)
	// CreateFirstOwner creates the shop's first owner. It needs no signed-in user and returns
	// ECONFLICT once any account exists.
	CreateFirstOwner(ctx context.Context, name, pin string) (*User, error)
	// CreateUser adds a member of staff with role and PIN.
	CreateUser(ctx context.Context, name string, role Role, pin string) (*User, error)
	// FindUserByID returns ENOTFOUND if there is no such account.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserByName finds an account by name, ignoring letter case; ENOTFOUND if none.
	FindUserByName(ctx context.Context, name string) (*User, error)
	// FindUsers lists accounts by name.
	FindUsers(ctx context.Context, f StaffFilter) ([]*User, error)
	// UpdateUser changes an account's role or disables/enables it. The last enabled owner cannot
	// be demoted or disabled.
	UpdateUser(ctx context.Context, id int64, upd StaffUpdate) (*User, error)
	// SetPIN sets a new PIN; owners may set anyone's, everybody their own. It clears the
	// wrong-PIN lock.
	SetPIN(ctx context.Context, id int64, pin string) error
	// SignIn checks name and PIN and returns the account, or EFORBIDDEN (wrong name or PIN,
	// disabled account, or locked after too many wrong PINs: the message says how long).
	SignIn(ctx context.Context, name, pin string) (*User, error)
}

// CanSetPIN reports whether actor may set the PIN of the account target: owners may set any
// PIN, everybody else only their own.
func CanSetPIN(actor *User, target int64) bool {
	if actor == nil || actor.Disabled {
		return false
	}
	return actor.Role == RoleOwner || (actor.ID != 0 && actor.ID == target)
}

// SecondPerson returns EFORBIDDEN when the user in ctx is maker, the person who asked for the
// thing being approved (a refund, say): the checker must be somebody else. Names compare
// ignoring case and surrounding spaces.
func SecondPerson(ctx context.Context, maker string) error {
	u := UserFromContext(ctx)
	if u == nil {
		return Errorf(EFORBIDDEN, "Sign in first: no member of staff is acting.")
	}
	if strings.EqualFold(strings.TrimSpace(u.Name), strings.TrimSpace(maker)) {
		return Errorf(EFORBIDDEN, "%s asked for this and so cannot approve it; another manager or the owner must.", u.Name)
	}
	return nil
}

// Settings keys of this room. Values are stored as text.
const (
	SettingIdleLock       = "lock.idle_minutes" // minutes without input before the window locks; 0 = never
	SettingBackupFolder   = "backup.folder"     // folder of the automatic daily backups
	SettingBackupKeepDays = "backup.keep_days"  // how many days of daily backups to keep; 0 = all
)

// Defaults of the settings above.
const (
	DefaultIdleLock       = 10 * time.Minute
	DefaultBackupKeepDays = 30
)

// Session is the signed-in user of a window and when they last did something. The window locks
// (asks for the PIN again) once Idle has passed without activity. Time is passed in, so tests
// and the UI's ticker decide what "now" is.
type Session struct {
	User *User
	Last time.Time     // last activity
	Idle time.Duration // 0: never lock
}

// Touch records activity at now.
func (s *Session) Touch(now time.Time) {
	if now.After(s.Last) {
		s.Last = now
	}
}

// Locked reports whether the session has no user or has been idle for Idle or longer at now.
func (s *Session) Locked(now time.Time) bool {
	if s == nil || s.User == nil {
		return true
	}
	return s.Idle > 0 && now.Sub(s.Last) >= s.Idle
}

// AuditHead is the newest entry of the audit trail: its sequence number and hash. Printed on
// evidence packets and reports and stored in every backup, it anchors the trail outside the
// database: a trail rewritten later no longer contains this hash at this number.
type AuditHead struct {
	Seq  int64
	Hash string // hex SHA-256; "" for an empty trail
	Time time.Time
}

// Short returns the head as "SEQ:first 16 hex digits", the form printed on packets and accepted
// by posdesk check --anchor.
func (h AuditHead) Short() string {
	hash := h.Hash
	if len(hash) > 16 {
		hash = hash[:16]
	}
	return strconv.FormatInt(h.Seq, 10) + ":" + hash
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	Limit     int   // at most this many (default 100)
	BeforeSeq int64 // only entries with a smaller sequence number (paging); 0 = from the newest
	Entity    string
	EntityID  int64
	Actor     string
	Action    string
}

// AuditService reads the audit trail. Entries are written by the stores themselves, in the same
// transaction as the change they record.
type AuditService interface {
	// AuditHead returns the newest entry's sequence number and hash.
	AuditHead(ctx context.Context) (AuditHead, error)
	// FindAuditEntries returns entries newest first.
	FindAuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
	// VerifyAudit checks the whole chain and returns the last hash and the number of entries.
	// When the chain is broken, firstBad is the first entry found wrong and err (ECONFLICT)
	// says what is wrong with it; any other err means the check could not run.
	VerifyAudit(ctx context.Context) (head string, n int, firstBad *AuditEntry, err error)
}

// BackupInfo describes a backup file: when it was taken, from which database, and the audit
// head it holds (an anchor for the audit check).
type BackupInfo struct {
	Path          string
	TakenAt       time.Time
	Source        string // the database the backup was taken from
	Head          AuditHead
	SchemaVersion int
	Size          int64 // bytes
	// RestoredAt is set on the record a restored database keeps: when it was restored.
	RestoredAt time.Time
}

// BackupService takes backups of the shop's records. Restoring replaces the database itself,
// so it is not a service method: the program closes the database, restores, and opens it again.
type BackupService interface {
	// Backup writes a consistent copy of everything to dest (owners only); dest must not exist.
	Backup(ctx context.Context, dest string) (*BackupInfo, error)
	// AutoBackup takes today's automatic backup unless it exists (info is then nil) and deletes
	// the automatic backups older than the days kept.
	AutoBackup(ctx context.Context) (info *BackupInfo, removed []string, err error)
	// BackupSettings returns the automatic backup folder and how many days of backups are kept
	// (0: all).
	BackupSettings(ctx context.Context) (folder string, keepDays int, err error)
}

// ParseAuditHead reads an anchor written as "SEQ:HEX" (AuditHead.Short, or with the full hash),
// such as the one printed on an evidence packet. The hash needs at least 8 hex digits.
func ParseAuditHead(s string) (AuditHead, error) {
	seqText, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	seq, err := strconv.ParseInt(strings.TrimPrefix(seqText, "#"), 10, 64)
	hash = strings.ToLower(strings.TrimSpace(hash))
	if !ok || err != nil || seq <= 0 || len(hash) < 8 || len(hash) > 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return AuditHead{}, Invalid("anchor", "Anchor %q is not of the form NUMBER:HASH (for example 1234:9f2c4e1a0b7d3c55), as printed on packets.", s)
	}
	return AuditHead{Seq: seq, Hash: hash}, nil
}
