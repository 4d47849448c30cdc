package posdesk

import (
	"context"
	"time"
)

// Role is what a member of staff may do.
type Role string

// Staff roles, from least to most trusted.
const (
	RoleCashier Role = "cashier"
	RoleManager Role = "manager"
	RoleOwner   Role = "owner"
)

// Title returns the role's English label; it is also its translation key.
func (r Role) Title() string {
	switch r {
	case RoleCashier:
		return "Cashier"
	case RoleManager:
		return "Manager"
	case RoleOwner:
		return "Owner"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleCashier || r == RoleManager || r == RoleOwner }

// rank orders roles so that a permission given to a role is given to the roles above it.
func (r Role) rank() int {
	switch r {
	case RoleCashier:
		return 1
	case RoleManager:
		return 2
	case RoleOwner:
		return 3
	}
	return 0
}

// User is a member of staff acting on the shop's records.
type User struct {
	ID        int64
	Name      string
	Role      Role
	CreatedAt time.Time
	Disabled  bool
	// LockedUntil is when sign-in opens again after too many wrong PINs (zero: not locked).
	LockedUntil time.Time
}

// Action is something a user does that changes or reveals records.
type Action string

// Actions checked by Authorize. Each names the least role allowed to do it in actionRole.
const (
	ActCreateTransaction Action = "transaction.create"
	ActEditTransaction   Action = "transaction.edit"
	ActVoidTransaction   Action = "transaction.void"
	ActLogIncident       Action = "incident.create"
	ActEditIncident      Action = "incident.edit"
	ActAttach            Action = "incident.attach"
	ActAddContact        Action = "incident.contact"
	ActErasePersonalData Action = "incident.erase_personal"
	ActBuildPacket       Action = "packet.build"
	ActManageRefund      Action = "refund.manage"
	ActApproveRefund     Action = "refund.approve"
	ActImport            Action = "import"
	ActReconcile         Action = "reconcile"
	ActManageStaff       Action = "staff.manage"
	ActEditSettings      Action = "settings.edit"
	ActBackup            Action = "backup"
	ActRestore           Action = "restore"
	ActDemo              Action = "demo"
)

var actionRole = map[Action]Role{
	ActCreateTransaction: RoleCashier,
	ActEditTransaction:   RoleManager,
	ActVoidTransaction:   RoleManager,
	ActLogIncident:       RoleCashier,
	ActEditIncident:      RoleManager,
	ActAttach:            RoleCashier,
	ActAddContact:        RoleCashier,
	ActErasePersonalData: RoleOwner,
	ActBuildPacket:       RoleManager,
	ActManageRefund:      RoleManager,
	ActApproveRefund:     RoleManager,
	ActImport:            RoleManager,
	ActReconcile:         RoleManager,
	ActManageStaff:       RoleOwner,
	ActEditSettings:      RoleOwner,
	ActBackup:            RoleOwner,
	ActRestore:           RoleOwner,
	ActDemo:              RoleOwner,
}

// Actions returns every action Authorize knows, for permission matrices and tests.
func Actions() []Action {
	out := make([]Action, 0, len(actionRole))
	for a := range actionRole {
		out = append(out, a)
	}
	return out
}

// Can reports whether role may do action.
func Can(role Role, action Action) bool {
	least, ok := actionRole[action]
	return ok && role.rank() >= least.rank()
}

type userKey struct{}

// NewContextWithUser returns a context acting as u.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFromContext returns the user ctx acts as, or nil.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}

// ActorName returns the name of the user ctx acts as, or "" when there is none.
func ActorName(ctx context.Context) string {
	if u := UserFromContext(ctx); u != nil {
		return u.Name
	}
	return ""
}

// Authorize returns EFORBIDDEN unless the user in ctx may do action. Storage calls it inside
// every method that changes records, so the rule holds for the GUI and the CLI alike.
func Authorize(ctx context.Context, action Action) error {
	u := UserFromContext(ctx)
	if u == nil {
		return Errorf(EFORBIDDEN, "Sign in first: no member of staff is acting.")
	}
	if u.Disabled {
		return Errorf(EFORBIDDEN, "The account of %s is disabled.", u.Name)
	}
	if !Can(u.Role, action) {
		return Errorf(EFORBIDDEN, "%[1]s (%[2]s) may not do this: %[3]s needs a %[4]s.", u.Name, string(u.Role), string(action), string(actionRole[action]))
	}
	return nil
}

// AuditEntry is one line of the append-only, hash-chained audit trail.
type AuditEntry struct {
	Seq      int64
	Time     time.Time
	Actor    string
	Action   string // e.g. "transaction.create", "transaction.void", "denied"
	Entity   string // e.g. "transaction", "incident"
	EntityID int64
	Old      string // JSON of the values before, or ""
	New      string // JSON of the values after, or ""
	PrevHash string // hex SHA-256 of the previous entry ("" for the first)
	Hash     string // hex SHA-256 over this entry's fields and PrevHash
}
