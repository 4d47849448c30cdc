package mock

import (
	"context"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Ensure the mocks implement their services.
var (
	_ posdesk.StaffService  = (*StaffService)(nil)
	_ posdesk.AuditService  = (*AuditService)(nil)
	_ posdesk.BackupService = (*BackupService)(nil)
)

// StaffService is a mock of posdesk.StaffService.
type StaffService struct {
	CountStaffFn      func(ctx context.Context) (int, error)
	CountStaffInvoked bool

	CreateFirstOwnerFn      func(ctx context.Context, name, pin string) (*posdesk.User, error)
	CreateFirstOwnerInvoked bool

	CreateUserFn      func(ctx context.Context, name string, role posdesk.Role, pin string) (*posdesk.User, error)
	CreateUserInvoked bool

	FindUserByIDFn      func(ctx context.Context, id int64) (*posdesk.User, error)
	FindUserByIDInvoked bool

	FindUserByNameFn      func(ctx context.Context, name string) (*posdesk.User, error)
	FindUserByNameInvoked bool

	FindUsersFn      func(ctx context.Context, f posdesk.StaffFilter) ([]*posdesk.User, error)
	FindUsersInvoked bool

	UpdateUserFn      func(ctx context.Context, id int64, upd posdesk.StaffUpdate) (*posdesk.User, error)
	UpdateUserInvoked bool

	SetPINFn      func(ctx context.Context, id int64, pin string) error
	SetPINInvoked bool

	SignInFn      func(ctx context.Context, name, pin string) (*posdesk.User, error)
	SignInInvoked bool
}

// CountStaff calls CountStaffFn.
func (s *StaffService) CountStaff(ctx context.Context) (int, error) {
	s.CountStaffInvoked = true
	return s.CountStaffFn(ctx)
}

// CreateFirstOwner calls CreateFirstOwnerFn.
func (s *StaffService) CreateFirstOwner(ctx context.Context, name, pin string) (*posdesk.User, error) {
	s.CreateFirstOwnerInvoked = true
	return s.CreateFirstOwnerFn(ctx, name, pin)
}

// CreateUser calls CreateUserFn.
func (s *StaffService) CreateUser(ctx context.Context, name string, role posdesk.Role, pin string) (*posdesk.User, error) {
	s.CreateUserInvoked = true
	return s.CreateUserFn(ctx, name, role, pin)
}

// FindUserByID calls FindUserByIDFn.
func (s *StaffService) FindUserByID(ctx context.Context, id int64) (*posdesk.User, error) {
	s.FindUserByIDInvoked = true
	return s.FindUserByIDFn(ctx, id)
}

// FindUserByName calls FindUserByNameFn.
func (s *StaffService) FindUserByName(ctx context.Context, name string) (*posdesk.User, error) {
	s.FindUserByNameInvoked = true
	return s.FindUserByNameFn(ctx, name)
}

// FindUsers calls FindUsersFn.
func (s *StaffService) FindUsers(ctx context.Context, f posdesk.StaffFilter) ([]*posdesk.User, error) {
	s.FindUsersInvoked = true
	return s.FindUsersFn(ctx, f)
}

// UpdateUser calls UpdateUserFn.
func (s *StaffService) UpdateUser(ctx context.Context, id int64, upd posdesk.StaffUpdate) (*posdesk.User, error) {
	s.UpdateUserInvoked = true
	return s.UpdateUserFn(ctx, id, upd)
}

// SetPIN calls SetPINFn.
func (s *StaffService) SetPIN(ctx context.Context, id int64, pin string) error {
	s.SetPINInvoked = true
	return s.SetPINFn(ctx, id, pin)
}

// SignIn calls SignInFn.
func (s *StaffService) SignIn(ctx context.Context, name, pin string) (*posdesk.User, error) {
	s.SignInInvoked = true
	return s.SignInFn(ctx, name, pin)
}

// AuditService is a mock of posdesk.AuditService.
type AuditService struct {
	AuditHeadFn      func(ctx context.Context) (posdesk.AuditHead, error)
	AuditHeadInvoked bool

	FindAuditEntriesFn      func(ctx context.Context, f posdesk.AuditFilter) ([]*posdesk.AuditEntry, error)
	FindAuditEntriesInvoked bool

	VerifyAuditFn      func(ctx context.Context) (string, int, *posdesk.AuditEntry, error)
	VerifyAuditInvoked bool
}

// AuditHead calls AuditHeadFn.
func (s *AuditService) AuditHead(ctx context.Context) (posdesk.AuditHead, error) {
	s.AuditHeadInvoked = true
	return s.AuditHeadFn(ctx)
}

// FindAuditEntries calls FindAuditEntriesFn.
func (s *AuditService) FindAuditEntries(ctx context.Context, f posdesk.AuditFilter) ([]*posdesk.AuditEntry, error) {
	s.FindAuditEntriesInvoked = true
	return s.FindAuditEntriesFn(ctx, f)
}

// VerifyAudit calls VerifyAuditFn.
func (s *AuditService) VerifyAudit(ctx context.Context) (string, int, *posdesk.AuditEntry, error) {
	s.VerifyAuditInvoked = true
	return s.VerifyAuditFn(ctx)
}

// BackupService is a mock of posdesk.BackupService.
type BackupService struct {
	BackupFn      func(ctx context.Context, dest string) (*posdesk.BackupInfo, error)
	BackupInvoked bool

	AutoBackupFn      func(ctx context.Context) (*posdesk.BackupInfo, []string, error)
	AutoBackupInvoked bool

	BackupSettingsFn      func(ctx context.Context) (string, int, error)
	BackupSettingsInvoked bool
}

// Backup calls BackupFn.
func (s *BackupService) Backup(ctx context.Context, dest string) (*posdesk.BackupInfo, error) {
	s.BackupInvoked = true
	return s.BackupFn(ctx, dest)
}

// AutoBackup calls AutoBackupFn.
func (s *BackupService) AutoBackup(ctx context.Context) (*posdesk.BackupInfo, []string, error) {
	s.AutoBackupInvoked = true
	return s.AutoBackupFn(ctx)
}

// BackupSettings calls BackupSettingsFn.
func (s *BackupService) BackupSettings(ctx context.Context) (string, int, error) {
	s.BackupSettingsInvoked = true
	return s.BackupSettingsFn(ctx)
}
