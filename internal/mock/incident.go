package mock

import (
	"context"
	"time"

	"github.com/posdesk/posdesk/internal/posdesk"
)

var _ posdesk.IncidentService = (*IncidentService)(nil)

// IncidentService is a mock of posdesk.IncidentService.
type IncidentService struct {
	FindIncidentByIDFn      func(ctx context.Context, id int64) (*posdesk.Incident, error)
	FindIncidentByIDInvoked bool

	FindIncidentByNumberFn      func(ctx context.Context, number string) (*posdesk.Incident, error)
	FindIncidentByNumberInvoked bool

	FindIncidentsFn      func(ctx context.Context, f posdesk.IncidentFilter) ([]*posdesk.Incident, int, error)
	FindIncidentsInvoked bool

	CountIncidentsFn      func(ctx context.Context, f posdesk.IncidentFilter, today posdesk.Date) (*posdesk.IncidentCounts, error)
	CountIncidentsInvoked bool

	CreateIncidentFn      func(ctx context.Context, inc *posdesk.Incident) error
	CreateIncidentInvoked bool

	UpdateIncidentFn      func(ctx context.Context, id int64, upd posdesk.IncidentUpdate) (*posdesk.Incident, error)
	UpdateIncidentInvoked bool

	SetIncidentStatusFn      func(ctx context.Context, id int64, ch posdesk.StatusChange) (*posdesk.Incident, error)
	SetIncidentStatusInvoked bool

	AddContactFn      func(ctx context.Context, c *posdesk.Contact) error
	AddContactInvoked bool

	AddAttachmentFn      func(ctx context.Context, incidentID int64, a *posdesk.Attachment) error
	AddAttachmentInvoked bool

	FindAttachmentsFn      func(ctx context.Context, incidentID int64) ([]*posdesk.Attachment, error)
	FindAttachmentsInvoked bool

	FindAttachmentByIDFn      func(ctx context.Context, id int64) (*posdesk.Attachment, error)
	FindAttachmentByIDInvoked bool

	EraseIncidentPersonalDataFn      func(ctx context.Context, id int64) error
	EraseIncidentPersonalDataInvoked bool

	SetPacketHashFn      func(ctx context.Context, id int64, sha256 string, at time.Time) error
	SetPacketHashInvoked bool
}

// FindIncidentByID calls FindIncidentByIDFn.
func (s *IncidentService) FindIncidentByID(ctx context.Context, id int64) (*posdesk.Incident, error) {
	s.FindIncidentByIDInvoked = true
	return s.FindIncidentByIDFn(ctx, id)
}

// FindIncidentByNumber calls FindIncidentByNumberFn.
func (s *IncidentService) FindIncidentByNumber(ctx context.Context, number string) (*posdesk.Incident, error) {
	s.FindIncidentByNumberInvoked = true
	return s.FindIncidentByNumberFn(ctx, number)
}

// FindIncidents calls FindIncidentsFn.
func (s *IncidentService) FindIncidents(ctx context.Context, f posdesk.IncidentFilter) ([]*posdesk.Incident, int, error) {
	s.FindIncidentsInvoked = true
	return s.FindIncidentsFn(ctx, f)
}

// CountIncidents calls CountIncidentsFn.
func (s *IncidentService) CountIncidents(ctx context.Context, f posdesk.IncidentFilter, today posdesk.Date) (*posdesk.IncidentCounts, error) {
	s.CountIncidentsInvoked = true
	return s.CountIncidentsFn(ctx, f, today)
}

// CreateIncident calls CreateIncidentFn.
func (s *IncidentService) CreateIncident(ctx context.Context, inc *posdesk.Incident) error {
	s.CreateIncidentInvoked = true
	return s.CreateIncidentFn(ctx, inc)
}

// UpdateIncident calls UpdateIncidentFn.
func (s *IncidentService) UpdateIncident(ctx context.Context, id int64, upd posdesk.IncidentUpdate) (*posdesk.Incident, error) {
	s.UpdateIncidentInvoked = true
	return s.UpdateIncidentFn(ctx, id, upd)
}

// SetIncidentStatus calls SetIncidentStatusFn.
func (s *IncidentService) SetIncidentStatus(ctx context.Context, id int64, ch posdesk.StatusChange) (*posdesk.Incident, error) {
	s.SetIncidentStatusInvoked = true
	return s.SetIncidentStatusFn(ctx, id, ch)
}

// AddContact calls AddContactFn.
func (s *IncidentService) AddContact(ctx context.Context, c *posdesk.Contact) error {
	s.AddContactInvoked = true
	return s.AddContactFn(ctx, c)
}

// AddAttachment calls AddAttachmentFn.
func (s *IncidentService) AddAttachment(ctx context.Context, incidentID int64, a *posdesk.Attachment) error {
	s.AddAttachmentInvoked = true
	return s.AddAttachmentFn(ctx, incidentID, a)
}

// FindAttachments calls FindAttachmentsFn.
func (s *IncidentService) FindAttachments(ctx context.Context, incidentID int64) ([]*posdesk.Attachment, error) {
	s.FindAttachmentsInvoked = true
	return s.FindAttachmentsFn(ctx, incidentID)
}

// FindAttachmentByID calls FindAttachmentByIDFn.
func (s *IncidentService) FindAttachmentByID(ctx context.Context, id int64) (*posdesk.Attachment, error) {
	s.FindAttachmentByIDInvoked = true
	return s.FindAttachmentByIDFn(ctx, id)
}

// EraseIncidentPersonalData calls EraseIncidentPersonalDataFn.
func (s *IncidentService) EraseIncidentPersonalData(ctx context.Context, id int64) error {
	s.EraseIncidentPersonalDataInvoked = true
	return s.EraseIncidentPersonalDataFn(ctx, id)
}

// SetPacketHash calls SetPacketHashFn.
func (s *IncidentService) SetPacketHash(ctx context.Context, id int64, sha256 string, at time.Time) error {
	s.SetPacketHashInvoked = true
	return s.SetPacketHashFn(ctx, id, sha256, at)
}
