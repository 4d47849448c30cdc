// Package mock holds hand-written mocks of the posdesk services for tests. Each mock has one
// function field per method (FindTransactionsFn for FindTransactions...) and a Invoked flag per
// method; a test sets the functions it expects to be called, and a call to an unset one panics
// so an unexpected call cannot pass unnoticed.
package mock
