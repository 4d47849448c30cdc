package mock

import (
	"context"

	"github.com/posdesk/posdesk/internal/posdesk"
)

var (
	_ posdesk.RefundService    = (*RefundService)(nil)
	_ posdesk.DashboardService = (*DashboardService)(nil)
	_ posdesk.HolidayService   = (*HolidayService)(nil)
)

// RefundService is a mock of posdesk.RefundService.
type RefundService struct {
	FindRefundByIDFn      func(ctx context.Context, id int64) (*posdesk.Refund, error)
	FindRefundByIDInvoked bool

	FindRefundsFn      func(ctx context.Context, f posdesk.RefundFilter) ([]*posdesk.Refund, int, error)
	FindRefundsInvoked bool

	SumRefundsFn      func(ctx context.Context, f posdesk.RefundFilter) ([]posdesk.RefundTotal, error)
	SumRefundsInvoked bool

	CreateRefundFn      func(ctx context.Context, r *posdesk.Refund) error
	CreateRefundInvoked bool

	UpdateRefundFn      func(ctx context.Context, id int64, upd posdesk.RefundUpdate) (*posdesk.Refund, error)
	UpdateRefundInvoked bool

	SetRefundStatusFn      func(ctx context.Context, id int64, to posdesk.RefundStatus, reason string) (*posdesk.Refund, error)
	SetRefundStatusInvoked bool

	ApproveRefundFn      func(ctx context.Context, id int64, by string) (*posdesk.Refund, error)
	ApproveRefundInvoked bool

	CreateRefundReceiptFn      func(ctx context.Context, refundID int64, rc *posdesk.RefundReceipt) (*posdesk.Refund, error)
	CreateRefundReceiptInvoked bool

	VoidRefundReceiptFn      func(ctx context.Context, receiptID int64, reason string) (*posdesk.Refund, error)
	VoidRefundReceiptInvoked bool

	FindRefundReceiptsFn      func(ctx context.Context, f posdesk.RefundReceiptFilter) ([]*posdesk.RefundReceipt, int, error)
	FindRefundReceiptsInvoked bool

	FindRefundEventsFn      func(ctx context.Context, refundID int64) ([]*posdesk.RefundEvent, error)
	FindRefundEventsInvoked bool

	ApprovalThresholdFn      func(ctx context.Context) (posdesk.Money, error)
	ApprovalThresholdInvoked bool
}

// FindRefundByID calls FindRefundByIDFn.
func (s *RefundService) FindRefundByID(ctx context.Context, id int64) (*posdesk.Refund, error) {
	s.FindRefundByIDInvoked = true
	return s.FindRefundByIDFn(ctx, id)
}

// FindRefunds calls FindRefundsFn.
func (s *RefundService) FindRefunds(ctx context.Context, f posdesk.RefundFilter) ([]*posdesk.Refund, int, error) {
	s.FindRefundsInvoked = true
	return s.FindRefundsFn(ctx, f)
}

// SumRefunds calls SumRefundsFn.
func (s *RefundService) SumRefunds(ctx context.Context, f posdesk.RefundFilter) ([]posdesk.RefundTotal, error) {
	s.SumRefundsInvoked = true
	return s.SumRefundsFn(ctx, f)
}

// CreateRefund calls CreateRefundFn.
func (s *RefundService) CreateRefund(ctx context.Context, r *posdesk.Refund) error {
	s.CreateRefundInvoked = true
	return s.CreateRefundFn(ctx, r)
}

// UpdateRefund calls UpdateRefundFn.
func (s *RefundService) UpdateRefund(ctx context.Context, id int64, upd posdesk.RefundUpdate) (*posdesk.Refund, error) {
	s.UpdateRefundInvoked = true
	return s.UpdateRefundFn(ctx, id, upd)
}

// SetRefundStatus calls SetRefundStatusFn.
func (s *RefundService) SetRefundStatus(ctx context.Context, id int64, to posdesk.RefundStatus, reason string) (*posdesk.Refund, error) {
	s.SetRefundStatusInvoked = true
	return s.SetRefundStatusFn(ctx, id, to, reason)
}

// ApproveRefund calls ApproveRefundFn.
func (s *RefundService) ApproveRefund(ctx context.Context, id int64, by string) (*posdesk.Refund, error) {
	s.ApproveRefundInvoked = true
	return s.ApproveRefundFn(ctx, id, by)
}

// CreateRefundReceipt calls CreateRefundReceiptFn.
func (s *RefundService) CreateRefundReceipt(ctx context.Context, refundID int64, rc *posdesk.RefundReceipt) (*posdesk.Refund, error) {
	s.CreateRefundReceiptInvoked = true
	return s.CreateRefundReceiptFn(ctx, refundID, rc)
}

// VoidRefundReceipt calls VoidRefundReceiptFn.
func (s *RefundService) VoidRefundReceipt(ctx context.Context, receiptID int64, reason string) (*posdesk.Refund, error) {
	s.VoidRefundReceiptInvoked = true
	return s.VoidRefundReceiptFn(ctx, receiptID, reason)
}

// FindRefundReceipts calls FindRefundReceiptsFn.
func (s *RefundService) FindRefundReceipts(ctx context.Context, f posdesk.RefundReceiptFilter) ([]*posdesk.RefundReceipt, int, error) {
	s.FindRefundReceiptsInvoked = true
	return s.FindRefundReceiptsFn(ctx, f)
}

// FindRefundEvents calls FindRefundEventsFn.
func (s *RefundService) FindRefundEvents(ctx context.Context, refundID int64) ([]*posdesk.RefundEvent, error) {
	s.FindRefundEventsInvoked = true
	return s.FindRefundEventsFn(ctx, refundID)
}

// ApprovalThreshold calls ApprovalThresholdFn.
func (s *RefundService) ApprovalThreshold(ctx context.Context) (posdesk.Money, error) {
	s.ApprovalThresholdInvoked = true
	return s.ApprovalThresholdFn(ctx)
}

// DashboardService is a mock of posdesk.DashboardService.
type DashboardService struct {
	DashboardFn      func(ctx context.Context, today posdesk.Date) (*posdesk.Dashboard, error)
	DashboardInvoked bool

	FindIncidentSliceFn      func(ctx context.Context, s posdesk.IncidentSlice) ([]*posdesk.Incident, int, error)
	FindIncidentSliceInvoked bool

	MonthlyReportFn      func(ctx context.Context, month, today posdesk.Date) (*posdesk.MonthlyReport, error)
	MonthlyReportInvoked bool
}

// Dashboard calls DashboardFn.
func (s *DashboardService) Dashboard(ctx context.Context, today posdesk.Date) (*posdesk.Dashboard, error) {
	s.DashboardInvoked = true
	return s.DashboardFn(ctx, today)
}

// FindIncidentSlice calls FindIncidentSliceFn.
func (m *DashboardService) FindIncidentSlice(ctx context.Context, s posdesk.IncidentSlice) ([]*posdesk.Incident, int, error) {
	m.FindIncidentSliceInvoked = true
	return m.FindIncidentSliceFn(ctx, s)
}

// MonthlyReport calls MonthlyReportFn.
func (s *DashboardService) MonthlyReport(ctx context.Context, month, today posdesk.Date) (*posdesk.MonthlyReport, error) {
	s.MonthlyReportInvoked = true
	return s.MonthlyReportFn(ctx, month, today)
}

// HolidayService is a mock of posdesk.HolidayService.
type HolidayService struct {
	FindHolidaysFn      func(ctx context.Context, from, to posdesk.Date) ([]*posdesk.Holiday, error)
	FindHolidaysInvoked bool

	SetHolidayFn      func(ctx context.Context, h *posdesk.Holiday) error
	SetHolidayInvoked bool

	DeleteHolidayFn      func(ctx context.Context, d posdesk.Date) error
	DeleteHolidayInvoked bool
}

// FindHolidays calls FindHolidaysFn.
func (s *HolidayService) FindHolidays(ctx context.Context, from, to posdesk.Date) ([]*posdesk.Holiday, error) {
	s.FindHolidaysInvoked = true
	return s.FindHolidaysFn(ctx, from, to)
}

// SetHoliday calls SetHolidayFn.
func (s *HolidayService) SetHoliday(ctx context.Context, h *posdesk.Holiday) error {
	s.SetHolidayInvoked = true
	return s.SetHolidayFn(ctx, h)
}

// DeleteHoliday calls DeleteHolidayFn.
func (s *HolidayService) DeleteHoliday(ctx context.Context, d posdesk.Date) error {
	s.DeleteHolidayInvoked = true
	return s.DeleteHolidayFn(ctx, d)
}
