package posdesk

import "github.com/shopspring/decimal"

// maxAmount is the largest amount one transaction, incident or refund may have: 100 million in
// major units. It is compared as a decimal: converting a 19-digit amount to int64 minor units
// overflows and would let it through as a negative number.
var maxAmount = decimal.New(100_000_000, 0)
