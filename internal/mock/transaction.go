package mock

import (
	"context"

	"github.com/posdesk/posdesk/internal/posdesk"
)

var _ posdesk.TransactionService = (*TransactionService)(nil)

// TransactionService is a mock of posdesk.TransactionService.
type TransactionService struct {
	FindTransactionByIDFn      func(ctx context.Context, id int64) (*posdesk.Transaction, error)
	FindTransactionByIDInvoked bool

	FindTransactionsFn      func(ctx context.Context, f posdesk.TransactionFilter) ([]*posdesk.Transaction, *posdesk.TxCursor, error)
	FindTransactionsInvoked bool

	SumTransactionsFn      func(ctx context.Context, f posdesk.TransactionFilter) ([]posdesk.TxTotal, error)
	SumTransactionsInvoked bool

	CreateTransactionFn      func(ctx context.Context, t *posdesk.Transaction) error
	CreateTransactionInvoked bool

	UpdateTransactionFn      func(ctx context.Context, id int64, upd posdesk.TransactionUpdate) (*posdesk.Transaction, error)
	UpdateTransactionInvoked bool

	VoidTransactionFn      func(ctx context.Context, id int64, reason string) error
	VoidTransactionInvoked bool
}

// FindTransactionByID calls FindTransactionByIDFn.
func (s *TransactionService) FindTransactionByID(ctx context.Context, id int64) (*posdesk.Transaction, error) {
	s.FindTransactionByIDInvoked = true
	return s.FindTransactionByIDFn(ctx, id)
}

// FindTransactions calls FindTransactionsFn.
func (s *TransactionService) FindTransactions(ctx context.Context, f posdesk.TransactionFilter) ([]*posdesk.Transaction, *posdesk.TxCursor, error) {
	s.FindTransactionsInvoked = true
	return s.FindTransactionsFn(ctx, f)
}

// SumTransactions calls SumTransactionsFn.
func (s *TransactionService) SumTransactions(ctx context.Context, f posdesk.TransactionFilter) ([]posdesk.TxTotal, error) {
	s.SumTransactionsInvoked = true
	return s.SumTransactionsFn(ctx, f)
}

// CreateTransaction calls CreateTransactionFn.
func (s *TransactionService) CreateTransaction(ctx context.Context, t *posdesk.Transaction) error {
	s.CreateTransactionInvoked = true
	return s.CreateTransactionFn(ctx, t)
}

// UpdateTransaction calls UpdateTransactionFn.
func (s *TransactionService) UpdateTransaction(ctx context.Context, id int64, upd posdesk.TransactionUpdate) (*posdesk.Transaction, error) {
	s.UpdateTransactionInvoked = true
	return s.UpdateTransactionFn(ctx, id, upd)
}

// VoidTransaction calls VoidTransactionFn.
func (s *TransactionService) VoidTransaction(ctx context.Context, id int64, reason string) error {
	s.VoidTransactionInvoked = true
	return s.VoidTransactionFn(ctx, id, reason)
}
