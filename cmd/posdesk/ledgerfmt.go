package main

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// Helpers shared by the ledger commands (transaction, transactions, demo): reading times, IDs
// and enumerations from flags, and printing aligned tables that hold Chinese text.

// timeLayouts are the date-time forms accepted on the command line, in the shop's time zone.
var timeLayouts = []string{
	"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05",
	"2006/01/02 15:04", "2006/01/02 15:04:05", "2006/1/2 15:04",
}

var dayLayouts = []string{"2006-01-02", "2006/01/02", "2006/1/2", "20060102"}

// parseTimeFlag reads a moment as a shop owner types it: "2026-09-14 08:30", RFC 3339
// ("2026-09-14T08:30:00+08:00"), "today 14:05", "yesterday 21:30" or "14:05" (today), in loc
// unless it names its own offset.
func parseTimeFlag(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	today := now.In(loc)
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	words := strings.Fields(strings.ToLower(s))
	clock := s
	if len(words) == 2 {
		switch words[0] {
		case "today", "今天":
		case "yesterday", "昨天":
			day = day.AddDate(0, 0, -1)
		default:
			return time.Time{}, false
		}
		clock = words[1]
	}
	for _, l := range []string{"15:04", "15:04:05"} {
		if c, err := time.Parse(l, clock); err == nil {
			return time.Date(day.Year(), day.Month(), day.Day(), c.Hour(), c.Minute(), c.Second(), 0, loc), true
		}
	}
	return time.Time{}, false
}

// parseDayFlag reads the bound of a date range. A plain date ("2026-09-14", "today",
// "yesterday") gives the start of that day, and whole reports whether it was a plain date, so
// that --to can include the whole day; anything parseTimeFlag reads gives that moment.
func parseDayFlag(s string, now time.Time, loc *time.Location) (t time.Time, whole, ok bool) {
	s = strings.TrimSpace(s)
	today := now.In(loc)
	midnight := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	switch strings.ToLower(s) {
	case "today", "今天":
		return midnight, true, true
	case "yesterday", "昨天":
		return midnight.AddDate(0, 0, -1), true, true
	}
	for _, l := range dayLayouts {
		if d, err := time.ParseInLocation(l, s, loc); err == nil {
			return d, true, true
		}
	}
	t, ok = parseTimeFlag(s, now, loc)
	return t, false, ok
}

// parseID reads a record ID given as a positional argument.
func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	return id, err == nil && id > 0
}

// parseEnum finds v among values by code ("no_response", "No-Response") or by label in English
// or Chinese ("No response", "无响应").
func parseEnum[T ~string](v string, values []T, title func(T) string) (T, bool) {
	norm := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(v), "-", "_"))
	for _, x := range values {
		t := title(x)
		if norm == string(x) || strings.EqualFold(v, t) || v == i18n.In(i18n.Chinese, t) {
			return x, true
		}
	}
	return "", false
}

// parseEnumList reads a comma-separated list of enumeration values.
func parseEnumList[T ~string](v string, values []T, title func(T) string) ([]T, string, bool) {
	var out []T
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' }) {
		x, ok := parseEnum(part, values, title)
		if !ok {
			return nil, part, false
		}
		out = append(out, x)
	}
	return out, "", len(out) > 0
}

func codes[T ~string](values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// fieldFlags maps the fields named by validation errors to the flags that set them.
var fieldFlags = map[string]string{
	"time": "--time", "amount": "--amount", "currency": "--currency", "kind": "--kind", "channel": "--channel",
	"status": "--status", "merchant": "--merchant", "terminal": "--terminal", "batch": "--batch", "trace": "--trace",
	"rrn": "--rrn", "auth": "--auth", "card": "--card", "note": "--note", "reason": "--reason",
	"original": "--original", "scheme": "--scheme",
}

// flagErrors turns validation errors about fields set by flags into a usage error (exit 2) that
// names each flag: "--terminal: Terminal ID is at most 8 characters (you entered 9)." Other
// errors pass through.
func flagErrors(err error) error {
	if posdesk.ErrorCode(err) != posdesk.EINVALID {
		return err
	}
	var list posdesk.Errors
	var one *posdesk.Error
	if !errors.As(err, &list) {
		if !errors.As(err, &one) {
			return err
		}
		list = posdesk.Errors{one}
	}
	var lines []string
	for _, e := range list {
		flag, ok := fieldFlags[e.Field]
		if !ok {
			return err
		}
		lines = append(lines, flag+": "+i18n.T(e.Format, labelArgs(e.Args)...))
	}
	return usageError{strings.Join(lines, "\n")}
}

// fieldLabels are the field names posdesk.Transaction.Validate passes as message arguments.
var fieldLabels = map[string]bool{"Merchant ID": true, "Terminal ID": true, "Batch number": true,
	"Trace number": true, "Reference number (RRN)": true, "Authorisation code": true}

// labelArgs translates the field names among a validation message's arguments, which the domain
// passes in English ("Terminal ID is at most 8 characters" must read "终端号 最多 8 个字符").
func labelArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if s, ok := a.(string); ok && fieldLabels[s] {
			a = i18n.T(s)
		}
		out[i] = a
	}
	return out
}

// displayWidth returns how many terminal columns s takes: East Asian wide characters (Chinese,
// full-width forms) take two.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

func runeWidth(r rune) int {
	switch {
	case r < 0x1100:
		return 1
	case r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF && r != 0x303F, r >= 0xAC00 && r <= 0xD7A3,
		r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60,
		r >= 0xFFE0 && r <= 0xFFE6, r >= 0x1F300 && r <= 0x1F64F, r >= 0x20000 && r <= 0x3FFFD:
		return 2
	}
	return 1
}

// truncate shortens s to at most width columns, ending with "…" when cut.
func truncate(s string, width int) string {
	if displayWidth(s) <= width {
		return s
	}
	w := 0
	for i, r := range s {
		if w+runeWidth(r) > width-1 {
			return s[:i] + "…"
		}
		w += runeWidth(r)
	}
	return s
}

// textTable prints rows under a header, columns separated by two spaces and padded by display
// width; the columns listed in right are right-aligned (amounts).
type textTable struct {
	header []string
	right  map[int]bool
	rows   [][]string
}

func (t *textTable) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *textTable) write(w io.Writer) error {
	widths := make([]int, len(t.header))
	for _, row := range append([][]string{t.header}, t.rows...) {
		for i, c := range row {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	line := func(row []string) {
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			switch {
			case t.right[i]:
				b.WriteString(pad + c)
			case i == len(row)-1:
				b.WriteString(c) // no trailing spaces
			default:
				b.WriteString(c + pad)
			}
			if i < len(row)-1 {
				b.WriteString("  ")
			}
		}
		// No trailing spaces when the last cells are empty.
		trimmed := strings.TrimRight(b.String(), " ")
		b.Reset()
		b.WriteString(trimmed)
		b.WriteString("\n")
	}
	line(t.header)
	for _, row := range t.rows {
		line(row)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// txJSON is the JSON shape of a ledger record on the command line. Amounts are strings, so no
// reader turns them into floating point; times are RFC 3339 in the shop's time zone.
type txJSON struct {
	ID         int64  `json:"id"`
	Time       string `json:"time"`
	Amount     string `json:"amount"`
	Currency   string `json:"currency"`
	Kind       string `json:"kind"`
	Channel    string `json:"channel"`
	Status     string `json:"status"`
	Merchant   string `json:"merchant,omitempty"`
	Terminal   string `json:"terminal,omitempty"`
	Batch      string `json:"batch,omitempty"`
	Trace      string `json:"trace,omitempty"`
	RRN        string `json:"rrn,omitempty"`
	AuthCode   string `json:"auth_code,omitempty"`
	Scheme     string `json:"scheme,omitempty"`
	Card       string `json:"card,omitempty"`
	Note       string `json:"note,omitempty"`
	OriginalID int64  `json:"original_id,omitempty"`
	Source     string `json:"source"`
	VoidedAt   string `json:"voided_at,omitempty"`
	VoidReason string `json:"void_reason,omitempty"`
	VoidedBy   string `json:"voided_by,omitempty"`
	CreatedAt  string `json:"created_at"`
	CreatedBy  string `json:"created_by,omitempty"`
	UpdatedAt  string `json:"updated_at"`
}

func toJSON(t *posdesk.Transaction, loc *time.Location) txJSON {
	ts := func(x time.Time) string {
		if x.IsZero() {
			return ""
		}
		return x.In(loc).Format(time.RFC3339)
	}
	return txJSON{
		ID: t.ID, Time: ts(t.Time), Amount: t.Amount.Plain(), Currency: t.Amount.Currency, Kind: string(t.Kind),
		Channel: string(t.Channel), Status: string(t.Status), Merchant: t.Merchant, Terminal: t.Terminal,
		Batch: t.Batch, Trace: t.Trace, RRN: t.RRN, AuthCode: t.AuthCode, Scheme: t.Scheme, Card: t.Card,
		Note: t.Note, OriginalID: t.OriginalID, Source: string(t.Source), VoidedAt: ts(t.VoidedAt),
		VoidReason: t.VoidReason, VoidedBy: t.VoidedBy, CreatedAt: ts(t.CreatedAt), CreatedBy: t.CreatedBy,
		UpdatedAt: ts(t.UpdatedAt),
	}
}

// amountCell shows an amount in a table: thousands separators and decimals, no currency sign
// for the shop's own currency ("1,288.00"), the code otherwise ("12.00 USD").
func amountCell(m posdesk.Money) string {
	d := m.Display()
	if i := strings.Index(d, " "); i >= 0 && m.Currency == posdesk.DefaultCurrency {
		sign := ""
		if strings.HasPrefix(d, "-") {
			sign = "-"
		}
		return sign + d[i+1:]
	}
	if m.Currency != posdesk.DefaultCurrency {
		return m.Plain() + " " + m.Currency
	}
	return d
}
