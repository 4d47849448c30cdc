package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// The ledger commands: transaction add / edit / void / show, and transactions (the list).

func init() {
	add := &txFlags{}
	register(&command{
		Name:    "transaction add",
		Usage:   "--amount A [--time T] [--terminal TID] [--trace N] [--rrn R] [--auth A] [--card C] [--status S] [--kind K] [--channel C] [--note TEXT] ...",
		Summary: "Add a transaction to the ledger and print its ID.",
		Flags:   add.declare,
		Run:     add.runAdd,
	})
	edit := &txFlags{}
	register(&command{
		Name:    "transaction edit",
		Usage:   "ID --reason TEXT [--amount A] [--status S] [... any flag of transaction add]",
		Summary: "Correct a transaction; the old values stay in the audit trail with the reason.",
		Flags: func(fs *flag.FlagSet) {
			edit.declare(fs)
			fs.StringVar(&edit.reason, "reason", "", "why the record is corrected (required)")
		},
		Run: edit.runEdit,
	})
	var voidReason string
	register(&command{
		Name:    "transaction void",
		Usage:   "ID --reason TEXT",
		Summary: "Void a transaction entered by mistake; it stays in the ledger with the reason.",
		Flags:   func(fs *flag.FlagSet) { fs.StringVar(&voidReason, "reason", "", "why the record is voided (required)") },
		Run: func(e *env, args []string) error {
			id, err := idArg(args, "posdesk transaction void ID --reason TEXT")
			if err != nil {
				return err
			}
			if strings.TrimSpace(voidReason) == "" {
				return usagef("--reason is required: say why transaction %d is voided.", id)
			}
			if err := e.DB.VoidTransaction(e.Ctx, id, voidReason); err != nil {
				return flagErrors(err)
			}
			if e.JSON {
				t, err := e.DB.FindTransactionByID(e.Ctx, id)
				if err != nil {
					return err
				}
				return writeJSON(e.Stdout, toJSON(t, e.Loc))
			}
			fmt.Fprintln(e.Stdout, i18n.T("Transaction %d voided.", id))
			return nil
		},
	})
	register(&command{
		Name:    "transaction show",
		Usage:   "ID [--json]",
		Summary: "Show one transaction with all its fields.",
		Run: func(e *env, args []string) error {
			id, err := idArg(args, "posdesk transaction show ID")
			if err != nil {
				return err
			}
			t, err := e.DB.FindTransactionByID(e.Ctx, id)
			if err != nil {
				return err
			}
			if e.JSON {
				return writeJSON(e.Stdout, toJSON(t, e.Loc))
			}
			return showTransaction(e, t)
		},
	})
	list := &listFlags{}
	register(&command{
		Name:    "transactions",
		Usage:   "[--status S] [--kind K] [--channel C] [--terminal T] [--from D] [--to D] [--q TEXT] [--min A] [--max A] [--limit N] [--voided] [--totals] [--json]",
		Summary: "List ledger transactions, newest first.",
		Flags:   list.declare,
		Run:     list.run,
	})
}

// idArg reads the one positional argument of a command that works on a record.
func idArg(args []string, usage string) (int64, error) {
	if len(args) != 1 {
		return 0, usagef("Give one transaction ID: %s", usage)
	}
	id, ok := parseID(args[0])
	if !ok {
		return 0, usagef("%q is not a transaction ID; IDs are whole numbers such as 42.", args[0])
	}
	return id, nil
}

// txFlags are the flags that set a record's fields, shared by transaction add and edit.
type txFlags struct {
	fs                                                *flag.FlagSet
	amount, currency, time, kind, channel, status     string
	merchant, terminal, batch, trace, rrn, auth, card string
	scheme, note, original, reason                    string
}

func (f *txFlags) declare(fs *flag.FlagSet) {
	f.fs = fs
	fs.StringVar(&f.amount, "amount", "", "amount, such as 128.00, 1,288.50 or ¥58")
	fs.StringVar(&f.currency, "currency", "", "ISO 4217 currency code (default CNY)")
	fs.StringVar(&f.time, "time", "", `when: "2026-09-14 08:30", "today 14:05" or RFC 3339 (default now)`)
	fs.StringVar(&f.kind, "kind", "", "sale, void, refund, reversal, preauth or preauth_completion (default sale)")
	fs.StringVar(&f.channel, "channel", "", "debit_card, credit_card, card, unionpay_qr, alipay, wechat_pay or cash (default card)")
	fs.StringVar(&f.status, "status", "", "approved, settled, declined, failed, no_response or reversed (default approved)")
	fs.StringVar(&f.merchant, "merchant", "", "merchant ID (商户号), 15 digits")
	fs.StringVar(&f.terminal, "terminal", "", "terminal ID (终端号), up to 8 letters and digits")
	fs.StringVar(&f.batch, "batch", "", "batch number (批次号), up to 6 digits")
	fs.StringVar(&f.trace, "trace", "", "trace number (凭证号), up to 6 digits")
	fs.StringVar(&f.rrn, "rrn", "", "reference number (参考号), up to 12 letters and digits")
	fs.StringVar(&f.auth, "auth", "", "authorisation code (授权码), up to 6 letters and digits")
	fs.StringVar(&f.card, "card", "", "card number; stored masked (first 6 and last 4 digits at most)")
	fs.StringVar(&f.scheme, "scheme", "", "card scheme, such as UnionPay or Visa")
	fs.StringVar(&f.note, "note", "", "free text; card numbers in it are masked")
	fs.StringVar(&f.original, "original", "", "ID of the sale a void, refund or reversal undoes")
}

// given reports whether the flag name was on the command line.
func (f *txFlags) given(name string) bool {
	found := false
	f.fs.Visit(func(fl *flag.Flag) { found = found || fl.Name == name })
	return found
}

// flagValueError is a bad flag value: the flag, then the domain's message saying what is accepted.
func flagValueError(flag string, err error) error {
	return usageError{flag + ": " + i18n.Message(err)}
}

func (f *txFlags) parseTime(e *env) (time.Time, error) {
	t, ok := parseTimeFlag(f.time, e.Now(), e.Loc)
	if !ok {
		return t, usagef("--time %q is not a date and time; write it like \"2026-09-14 08:30\", \"today 14:05\" or 2026-09-14T08:30:00+08:00.", f.time)
	}
	return t, nil
}

func (f *txFlags) parseAmount(currency string) (posdesk.Money, error) {
	m, err := posdesk.ParseMoney(f.amount, currency)
	if err != nil {
		if posdesk.ErrorField(err) == "currency" {
			return m, flagValueError("--currency", err)
		}
		return m, flagValueError("--amount", err)
	}
	return m, nil
}

func (f *txFlags) parseKind() (posdesk.TxKind, error) {
	k, ok := parseEnum(f.kind, posdesk.TxKinds, posdesk.TxKind.Title)
	if !ok {
		return k, usagef("--kind %q is not one of: %s.", f.kind, codes(posdesk.TxKinds))
	}
	return k, nil
}

func (f *txFlags) parseChannel() (posdesk.Channel, error) {
	c, ok := parseEnum(f.channel, posdesk.Channels, posdesk.Channel.Title)
	if !ok {
		return c, usagef("--channel %q is not one of: %s.", f.channel, codes(posdesk.Channels))
	}
	return c, nil
}

func (f *txFlags) parseStatus() (posdesk.TxStatus, error) {
	s, ok := parseEnum(f.status, posdesk.TxStatuses, posdesk.TxStatus.Title)
	if !ok {
		return s, usagef("--status %q is not one of: %s.", f.status, codes(posdesk.TxStatuses))
	}
	return s, nil
}

func (f *txFlags) runAdd(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("Unexpected argument %q; every field is given with a flag, such as --amount 128.00.", args[0])
	}
	if strings.TrimSpace(f.amount) == "" {
		return usagef("--amount is required: the amount of the transaction, such as 128.00.")
	}
	t := &posdesk.Transaction{Source: posdesk.SourceManual, Merchant: f.merchant, Terminal: f.terminal, Batch: f.batch,
		Trace: f.trace, RRN: f.rrn, AuthCode: f.auth, Card: f.card, Scheme: f.scheme, Note: f.note}
	var err error
	if t.Amount, err = f.parseAmount(f.currency); err != nil {
		return err
	}
	t.Time = e.Now()
	if f.given("time") {
		if t.Time, err = f.parseTime(e); err != nil {
			return err
		}
	}
	if f.given("kind") {
		if t.Kind, err = f.parseKind(); err != nil {
			return err
		}
	}
	if f.given("channel") {
		if t.Channel, err = f.parseChannel(); err != nil {
			return err
		}
	}
	if f.given("status") {
		if t.Status, err = f.parseStatus(); err != nil {
			return err
		}
	}
	if f.given("original") {
		if t.OriginalID, err = f.parseOriginal(); err != nil {
			return err
		}
	}
	if err := e.DB.CreateTransaction(e.Ctx, t); err != nil {
		return flagErrors(err)
	}
	if e.JSON {
		return writeJSON(e.Stdout, toJSON(t, e.Loc))
	}
	fmt.Fprintln(e.Stdout, t.ID)
	return nil
}

func (f *txFlags) parseOriginal() (int64, error) {
	id, ok := parseID(f.original)
	if !ok {
		return 0, usagef("--original %q is not a transaction ID; IDs are whole numbers such as 42.", f.original)
	}
	return id, nil
}

func (f *txFlags) runEdit(e *env, args []string) error {
	id, err := idArg(args, "posdesk transaction edit ID --reason TEXT [--amount A] ...")
	if err != nil {
		return err
	}
	if strings.TrimSpace(f.reason) == "" {
		return usagef("--reason is required: say why transaction %d is corrected.", id)
	}
	old, err := e.DB.FindTransactionByID(e.Ctx, id)
	if err != nil {
		return err
	}
	upd := posdesk.TransactionUpdate{Reason: f.reason}
	changed := false
	if f.given("amount") || f.given("currency") {
		currency := old.Amount.Currency
		if f.given("currency") {
			currency = f.currency
		}
		if !f.given("amount") {
			f.amount = old.Amount.Plain()
		}
		m, err := f.parseAmount(currency)
		if err != nil {
			return err
		}
		upd.Amount, changed = &m, true
	}
	if f.given("time") {
		t, err := f.parseTime(e)
		if err != nil {
			return err
		}
		upd.Time, changed = &t, true
	}
	if f.given("kind") {
		k, err := f.parseKind()
		if err != nil {
			return err
		}
		upd.Kind, changed = &k, true
	}
	if f.given("channel") {
		c, err := f.parseChannel()
		if err != nil {
			return err
		}
		upd.Channel, changed = &c, true
	}
	if f.given("status") {
		s, err := f.parseStatus()
		if err != nil {
			return err
		}
		upd.Status, changed = &s, true
	}
	if f.given("original") {
		return usagef("--original cannot be changed by an edit; void the record and add it again.")
	}
	for _, p := range []struct {
		name string
		dst  **string
		val  *string
	}{{"merchant", &upd.Merchant, &f.merchant}, {"terminal", &upd.Terminal, &f.terminal}, {"batch", &upd.Batch, &f.batch},
		{"trace", &upd.Trace, &f.trace}, {"rrn", &upd.RRN, &f.rrn}, {"auth", &upd.AuthCode, &f.auth},
		{"card", &upd.Card, &f.card}, {"scheme", &upd.Scheme, &f.scheme}, {"note", &upd.Note, &f.note}} {
		if f.given(p.name) {
			*p.dst, changed = p.val, true
		}
	}
	if !changed {
		return usagef("Nothing to change: give at least one field, such as --amount 128.00 or --status failed.")
	}
	t, err := e.DB.UpdateTransaction(e.Ctx, id, upd)
	if err != nil {
		return flagErrors(err)
	}
	if e.JSON {
		return writeJSON(e.Stdout, toJSON(t, e.Loc))
	}
	fmt.Fprintln(e.Stdout, i18n.T("Transaction %d corrected.", id))
	return nil
}

// showTransaction prints every field of t, one per line.
func showTransaction(e *env, t *posdesk.Transaction) error {
	tbl := &textTable{header: []string{i18n.T("Field"), i18n.T("Value")}}
	add := func(label, v string) {
		if v != "" {
			tbl.add(i18n.T(label), v)
		}
	}
	add("ID", strconv.FormatInt(t.ID, 10))
	add("Time", t.Time.In(e.Loc).Format("2006-01-02 15:04:05"))
	add("Amount", t.Amount.Display())
	add("Kind", i18n.T(t.Kind.Title()))
	add("Channel", i18n.T(t.Channel.Title()))
	add("Status", i18n.T(t.Status.Title()))
	add("Merchant ID", t.Merchant)
	add("Terminal ID", t.Terminal)
	add("Batch number", t.Batch)
	add("Trace number", t.Trace)
	add("Reference number (RRN)", t.RRN)
	add("Authorisation code", t.AuthCode)
	add("Card scheme", t.Scheme)
	add("Card number", t.Card)
	add("Note", t.Note)
	if t.OriginalID != 0 {
		add("Original transaction", strconv.FormatInt(t.OriginalID, 10))
	}
	add("Source", string(t.Source))
	if t.Voided() {
		add("Voided", i18n.T("%s by %s: %s", t.VoidedAt.In(e.Loc).Format("2006-01-02 15:04"), t.VoidedBy, t.VoidReason))
	}
	add("Created", i18n.T("%s by %s", t.CreatedAt.In(e.Loc).Format("2006-01-02 15:04"), t.CreatedBy))
	if !t.UpdatedAt.Equal(t.CreatedAt) {
		add("Last corrected", t.UpdatedAt.In(e.Loc).Format("2006-01-02 15:04"))
	}
	return tbl.write(e.Stdout)
}

// listFlags are the flags of posdesk transactions.
type listFlags struct {
	status, kind, channel, terminal, from, to, q, min, max, limit string
	voided, totals                                                bool
}

func (f *listFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.status, "status", "", "only these statuses, comma-separated: "+codes(posdesk.TxStatuses))
	fs.StringVar(&f.kind, "kind", "", "only these kinds, comma-separated: "+codes(posdesk.TxKinds))
	fs.StringVar(&f.channel, "channel", "", "only these channels, comma-separated: "+codes(posdesk.Channels))
	fs.StringVar(&f.terminal, "terminal", "", "only this terminal ID")
	fs.StringVar(&f.from, "from", "", `from this date or time on ("2026-09-01", "today", "2026-09-01 12:00")`)
	fs.StringVar(&f.to, "to", "", "up to this date (the whole day) or time (exclusive)")
	fs.StringVar(&f.q, "q", "", "search RRN, trace, auth code, last 4 card digits (exact) or note (contains)")
	fs.StringVar(&f.min, "min", "", "smallest amount")
	fs.StringVar(&f.max, "max", "", "largest amount")
	fs.StringVar(&f.limit, "limit", "50", "how many records at most (1 to 1000000)")
	fs.BoolVar(&f.voided, "voided", false, "include voided records")
	fs.BoolVar(&f.totals, "totals", false, "also print count and amount per status")
}

// filter builds the ledger filter from the flags.
func (f *listFlags) filter(e *env) (posdesk.TransactionFilter, int, error) {
	var flt posdesk.TransactionFilter
	var bad string
	var ok bool
	if f.status != "" {
		if flt.Statuses, bad, ok = parseEnumList(f.status, posdesk.TxStatuses, posdesk.TxStatus.Title); !ok {
			return flt, 0, usagef("--status %q is not one of: %s.", bad, codes(posdesk.TxStatuses))
		}
	}
	if f.kind != "" {
		if flt.Kinds, bad, ok = parseEnumList(f.kind, posdesk.TxKinds, posdesk.TxKind.Title); !ok {
			return flt, 0, usagef("--kind %q is not one of: %s.", bad, codes(posdesk.TxKinds))
		}
	}
	if f.channel != "" {
		if flt.Channels, bad, ok = parseEnumList(f.channel, posdesk.Channels, posdesk.Channel.Title); !ok {
			return flt, 0, usagef("--channel %q is not one of: %s.", bad, codes(posdesk.Channels))
		}
	}
	flt.Terminal = strings.TrimSpace(f.terminal)
	if f.from != "" {
		t, _, ok := parseDayFlag(f.from, e.Now(), e.Loc)
		if !ok {
			return flt, 0, usagef("--from %q is not a date; write it like 2026-09-01, today or \"2026-09-01 12:00\".", f.from)
		}
		flt.From = t
	}
	if f.to != "" {
		t, whole, ok := parseDayFlag(f.to, e.Now(), e.Loc)
		if !ok {
			return flt, 0, usagef("--to %q is not a date; write it like 2026-09-30, today or \"2026-09-30 18:00\".", f.to)
		}
		if whole {
			t = t.AddDate(0, 0, 1)
		}
		flt.To = t
	}
	if !flt.From.IsZero() && !flt.To.IsZero() && !flt.From.Before(flt.To) {
		return flt, 0, usagef("--from %s is not before --to %s; nothing could match.", f.from, f.to)
	}
	for _, b := range []struct {
		flag, v string
		dst     **posdesk.Money
	}{{"--min", f.min, &flt.MinAmount}, {"--max", f.max, &flt.MaxAmount}} {
		if b.v == "" {
			continue
		}
		m, err := posdesk.ParseMoney(b.v, posdesk.DefaultCurrency)
		if err != nil {
			return flt, 0, flagValueError(b.flag, err)
		}
		*b.dst = &m
	}
	if flt.MinAmount != nil && flt.MaxAmount != nil && flt.MinAmount.Cmp(*flt.MaxAmount) > 0 {
		return flt, 0, usagef("--min %s is larger than --max %s; nothing could match.", f.min, f.max)
	}
	flt.Query = strings.TrimSpace(f.q)
	flt.IncludeVoided = f.voided
	limit, err := strconv.Atoi(strings.TrimSpace(f.limit))
	if err != nil || limit < 1 || limit > 1_000_000 {
		return flt, 0, usagef("--limit must be a whole number from 1 to 1000000 (you gave %q).", f.limit)
	}
	return flt, limit, nil
}

func (f *listFlags) run(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("Unexpected argument %q; to search, use --q %s.", args[0], args[0])
	}
	flt, limit, err := f.filter(e)
	if err != nil {
		return err
	}
	var rows []*posdesk.Transaction
	more := false
	for len(rows) < limit {
		flt.Limit = min(limit-len(rows), 1000)
		page, next, err := e.DB.FindTransactions(e.Ctx, flt)
		if err != nil {
			return err
		}
		rows = append(rows, page...)
		if next == nil {
			break
		}
		flt.After = next
		more = len(rows) >= limit
	}
	var totals []posdesk.TxTotal
	if f.totals {
		flt.After = nil
		if totals, err = e.DB.SumTransactions(e.Ctx, flt); err != nil {
			return err
		}
	}
	if e.JSON {
		list := make([]txJSON, len(rows))
		for i, t := range rows {
			list[i] = toJSON(t, e.Loc)
		}
		if !f.totals {
			return writeJSON(e.Stdout, list)
		}
		type totalJSON struct {
			Status   string `json:"status"`
			Count    int64  `json:"count"`
			Amount   string `json:"amount"`
			Currency string `json:"currency"`
		}
		tj := make([]totalJSON, len(totals))
		for i, t := range totals {
			tj[i] = totalJSON{string(t.Status), t.Count, t.Amount.Plain(), t.Currency}
		}
		return writeJSON(e.Stdout, map[string]any{"transactions": list, "totals": tj, "more": more})
	}
	if len(rows) == 0 {
		fmt.Fprintln(e.Stdout, i18n.T("No transactions match."))
	} else {
		tbl := &textTable{
			header: []string{i18n.T("ID"), i18n.T("Time"), i18n.T("Kind"), i18n.T("Channel"), i18n.T("Status"), i18n.T("Amount"),
				i18n.T("Terminal"), i18n.T("Trace"), i18n.T("RRN"), i18n.T("Card number"), i18n.T("Note")},
			right: map[int]bool{0: true, 5: true},
		}
		for _, t := range rows {
			status := i18n.T(t.Status.Title())
			if t.Voided() {
				status = i18n.T("%s (voided)", status)
			}
			tbl.add(strconv.FormatInt(t.ID, 10), t.Time.In(e.Loc).Format("2006-01-02 15:04"), i18n.T(t.Kind.Title()),
				i18n.T(t.Channel.Title()), status, amountCell(t.Amount), t.Terminal, t.Trace, t.RRN, t.Card,
				truncate(strings.Join(strings.Fields(t.Note), " "), 30))
		}
		if err := tbl.write(e.Stdout); err != nil {
			return err
		}
	}
	if more {
		fmt.Fprintln(e.Stderr, i18n.T("More transactions match; these are the newest %d. Raise --limit to see more.", limit))
	}
	if f.totals {
		fmt.Fprintln(e.Stdout)
		tbl := &textTable{header: []string{i18n.T("Status"), i18n.T("Count"), i18n.T("Amount")}, right: map[int]bool{1: true, 2: true}}
		for _, t := range totals {
			tbl.add(i18n.T(t.Status.Title()), strconv.FormatInt(t.Count, 10), t.Amount.Display())
		}
		return tbl.write(e.Stdout)
	}
	return nil
}
