package mock

import "context"

// SettingsService is a mock of the shop settings service (ui.SettingsService).
type SettingsService struct {
	SettingFn      func(ctx context.Context, key, def string) (string, error)
	SettingInvoked bool

	SetSettingFn      func(ctx context.Context, key, value string) error
	SetSettingInvoked bool
}

// Setting calls SettingFn.
func (s *SettingsService) Setting(ctx context.Context, key, def string) (string, error) {
	s.SettingInvoked = true
	return s.SettingFn(ctx, key, def)
}

// SetSetting calls SetSettingFn.
func (s *SettingsService) SetSetting(ctx context.Context, key, value string) error {
	s.SetSettingInvoked = true
	return s.SetSettingFn(ctx, key, value)
}
