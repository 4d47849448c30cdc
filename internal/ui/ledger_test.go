package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

func TestLedgerAddTransactionThroughForm(t *testing.T) {
	fake := newFakeLedger(3)
	w, q := newTestWindow(t, Services{Transactions: fake.svc}, owner)
	l := ledgerOf(t, w, q)
	findsBefore := len(fake.finds)

	test.Tap(l.add)
	f := l.form
	if f == nil || len(w.Canvas().Overlays().List()) != 1 {
		t.Fatal("Add transaction did not open the form")
	}
	f.when.SetText("")
	test.Type(f.when, "2024-05-30 09:15")
	test.Type(f.amount, "1,288.50")
	f.kind.SetSelected(i18n.T(posdesk.KindRefund.Title()))
	f.channel.SetSelected(i18n.T(posdesk.ChannelWeChatPay.Title()))
	f.status.SetSelected(i18n.T(posdesk.StatusNoResponse.Title()))
	test.Type(f.terminal, "T0000007")
	test.Type(f.trace, "000123")
	test.Type(f.rrn, "412345678901")
	test.Type(f.auth, "A1B2C3")
	test.Type(f.card, "622848******1234")
	test.Type(f.note, "customer charged twice")
	test.Tap(f.save)
	q.drain()

	if len(fake.created) != 1 {
		t.Fatalf("CreateTransaction called %d times, want 1", len(fake.created))
	}
	got := fake.created[0]
	if want := time.Date(2024, 5, 30, 9, 15, 0, 0, shanghai); !got.Time.Equal(want) {
		t.Errorf("Time = %v, want %v", got.Time, want)
	}
	if want := posdesk.CNY("1288.50"); !got.Amount.Equal(want) {
		t.Errorf("Amount = %v, want %v", got.Amount, want)
	}
	if got.Kind != posdesk.KindRefund || got.Channel != posdesk.ChannelWeChatPay || got.Status != posdesk.StatusNoResponse {
		t.Errorf("kind, channel, status = %s, %s, %s; want refund, wechat_pay, no_response", got.Kind, got.Channel, got.Status)
	}
	for _, c := range []struct{ name, got, want string }{
		{"Terminal", got.Terminal, "T0000007"}, {"Trace", got.Trace, "000123"}, {"RRN", got.RRN, "412345678901"},
		{"AuthCode", got.AuthCode, "A1B2C3"}, {"Card", got.Card, "622848******1234"}, {"Note", got.Note, "customer charged twice"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("%d dialogs open after saving, want the form closed", n)
	}
	if len(fake.finds) == findsBefore {
		t.Error("the ledger was not reloaded after adding a record")
	}
}

func TestLedgerFormEnterSavesEscCloses(t *testing.T) {
	fake := newFakeLedger(1)
	w, q := newTestWindow(t, Services{Transactions: fake.svc}, owner)
	l := ledgerOf(t, w, q)

	test.Tap(l.add)
	test.Type(l.form.amount, "58")
	l.form.amount.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	q.drain()
	if len(fake.created) != 1 || !fake.created[0].Amount.Equal(posdesk.CNY("58")) {
		t.Fatalf("Enter in the amount field: created %v, want one record of 58.00", fake.created)
	}

	test.Tap(l.add)
	if len(w.Canvas().Overlays().List()) != 1 {
		t.Fatal("form not open")
	}
	l.form.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("Esc left %d dialogs open", n)
	}
	if len(fake.created) != 1 {
		t.Errorf("Esc saved a record")
	}
}

func TestLedgerFormErrorsAtTheirField(t *testing.T) {
	fake := newFakeLedger(1)
	w, q := newTestWindow(t, Services{Transactions: fake.svc}, owner)
	l := ledgerOf(t, w, q)

	t.Run("parse error under the amount", func(t *testing.T) {
		test.Tap(l.add)
		f := l.form
		test.Type(f.amount, "12.345")
		test.Type(f.trace, "12a")
		test.Tap(f.save)
		q.drain()
		if len(fake.created) != 0 {
			t.Fatal("a record with a bad amount reached the service")
		}
		amountErr := f.errs["amount"]
		if !amountErr.Visible() || !strings.Contains(amountErr.Text, `"12.345" has more than 2 decimal places`) {
			t.Errorf("amount error line = %q (visible %v)", amountErr.Text, amountErr.Visible())
		}
		if got := f.errs["trace"].Text; !strings.Contains(got, "Trace number must be digits only") {
			t.Errorf("trace error line = %q", got)
		}
		if f.errs["terminal"].Visible() || f.general.Visible() {
			t.Error("an error shows at a field that has none")
		}
		f.dlg.Hide()
	})

	t.Run("field labels in messages are translated", func(t *testing.T) {
		setLang(t, i18n.Chinese)
		test.Tap(l.add)
		f := l.form
		test.Type(f.amount, "5")
		test.Type(f.trace, "12a")
		test.Tap(f.save)
		if got, want := f.errs["trace"].Text, "凭证号 只能是数字（您输入的是 \"12a\"）。"; got != want {
			t.Errorf("trace error line = %q, want %q", got, want)
		}
		f.dlg.Hide()
	})

	t.Run("service error under the amount, in Chinese", func(t *testing.T) {
		setLang(t, i18n.Chinese)
		fake.svc.CreateTransactionFn = func(context.Context, *posdesk.Transaction) error {
			return posdesk.Errors{posdesk.Invalid("amount", "Enter an amount greater than zero.")}
		}
		test.Tap(l.add)
		f := l.form
		test.Type(f.amount, "99")
		test.Tap(f.save)
		q.drain()
		if got, want := f.errs["amount"].Text, "请输入大于零的金额。"; got != want {
			t.Errorf("amount error line = %q, want %q", got, want)
		}
		if len(w.Canvas().Overlays().List()) != 1 {
			t.Error("the form closed although saving failed")
		}
		f.dlg.Hide()
	})

	t.Run("error without a field on top", func(t *testing.T) {
		fake.svc.CreateTransactionFn = func(context.Context, *posdesk.Transaction) error {
			return errors.New("disk I/O error")
		}
		test.Tap(l.add)
		f := l.form
		test.Type(f.amount, "99")
		test.Tap(f.save)
		q.drain()
		if got := f.general.Text; !strings.Contains(got, "Something went wrong inside posdesk") {
			t.Errorf("general error line = %q", got)
		}
		f.dlg.Hide()
	})
}

func TestLedgerFilterReachesService(t *testing.T) {
	fake := newFakeLedger(50)
	w, q := newTestWindow(t, Services{Transactions: fake.svc}, owner)
	l := ledgerOf(t, w, q)

	first := fake.lastFind(t)
	if !first.IncludeVoided || first.Limit != ledgerPageSize || first.After != nil || first.Query != "" {
		t.Errorf("first load filter = %+v", first)
	}

	l.status.SetSelected(i18n.T(posdesk.StatusFailed.Title()))
	test.Type(l.from, "2024-05-01")
	test.Type(l.to, "2024/5/31")
	test.Type(l.minAmount, "¥10")
	test.Type(l.search, "000041")
	l.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	q.drain()

	got := fake.lastFind(t)
	if len(got.Statuses) != 1 || got.Statuses[0] != posdesk.StatusFailed {
		t.Errorf("Statuses = %v, want [failed]", got.Statuses)
	}
	if got.Query != "000041" {
		t.Errorf("Query = %q, want 000041", got.Query)
	}
	if want := time.Date(2024, 5, 1, 0, 0, 0, 0, shanghai); !got.From.Equal(want) {
		t.Errorf("From = %v, want %v", got.From, want)
	}
	if want := time.Date(2024, 6, 1, 0, 0, 0, 0, shanghai); !got.To.Equal(want) {
		t.Errorf("To = %v, want %v (the day after the last day shown)", got.To, want)
	}
	if got.MinAmount == nil || !got.MinAmount.Equal(posdesk.CNY("10")) || got.MaxAmount != nil {
		t.Errorf("MinAmount, MaxAmount = %v, %v; want 10.00 CNY, nil", got.MinAmount, got.MaxAmount)
	}
	sum := fake.sums[len(fake.sums)-1]
	if sum.IncludeVoided || sum.Query != "000041" {
		t.Errorf("totals filter = %+v, want the same filter without voided records", sum)
	}
	if got, want := l.cache.rows(), 1; got != want { // trace 000041 is one failed sale
		t.Errorf("table rows = %d, want %d", got, want)
	}

	// A bad date stops the load and says why under the filters.
	n := len(fake.finds)
	l.to.SetText("2024-02-30")
	l.Apply()
	q.drain()
	if len(fake.finds) != n {
		t.Error("a bad date still queried the ledger")
	}
	if !l.filterErr.Visible() || !strings.Contains(l.filterErr.Text, "not a day of the calendar") {
		t.Errorf("filter error = %q", l.filterErr.Text)
	}

	// The filters stay while the user visits another section.
	w.Open("settings")
	w.Open("ledger")
	if w.Built("ledger").(*Ledger).search.Text != "000041" {
		t.Error("the search text was forgotten after switching sections")
	}

	l.ClearFilters()
	q.drain()
	if got := fake.lastFind(t); got.Query != "" || len(got.Statuses) != 0 || !got.From.IsZero() || !got.IncludeVoided {
		t.Errorf("after Clear filters the filter is %+v", got)
	}
}

func TestLedgerPagesGrowTheTable(t *testing.T) {
	fake := newFakeLedger(450)
	w, q := newTestWindow(t, Services{Transactions: fake.svc}, owner)
	l := ledgerOf(t, w, q)

	if got, want := l.cache.rows(), ledgerPageSize+1; got != want {
		t.Fatalf("rows after the first page = %d, want %d (a page and the loading row)", got, want)
	}
	// Drawing a row near the end of what is known fetches the next page after the last row.
	l.updateCell(widget.TableCellID{Row: 150, Col: colTime}, &widget.Label{})
	q.drain()
	got := fake.lastFind(t)
	if got.After == nil || got.After.ID != fake.rows[ledgerPageSize-1].ID {
		t.Fatalf("second page cursor = %+v, want after ID %d", got.After, fake.rows[ledgerPageSize-1].ID)
	}
	l.updateCell(widget.TableCellID{Row: 399, Col: colTime}, &widget.Label{})
	q.drain()
	if got, want := l.cache.rows(), 450; got != want {
		t.Errorf("rows after the last page = %d, want %d", got, want)
	}
	lbl := &widget.Label{}
	l.updateCell(widget.TableCellID{Row: 449, Col: colTrace}, lbl)
	if lbl.Text != fake.rows[449].Trace {
		t.Errorf("last row trace = %q, want %q", lbl.Text, fake.rows[449].Trace)
	}
}

func TestLedgerCells(t *testing.T) {
	fake := newFakeLedger(3)
	fake.rows[1].VoidedAt = testNow
	fake.rows[1].VoidReason = "entered twice"
	fake.rows[2].Status = posdesk.StatusNoResponse
	w, q := newTestWindow(t, Services{Transactions: fake.svc}, owner)
	l := ledgerOf(t, w, q)

	cell := func(row, col int) *widget.Label {
		lbl := &widget.Label{}
		l.updateCell(widget.TableCellID{Row: row, Col: col}, lbl)
		return lbl
	}
	for _, c := range []struct {
		row, col   int
		text       string
		importance widget.Importance
		struck     bool
		align      fyne.TextAlign
	}{
		{0, colTime, "2024-05-31 14:05:00", widget.MediumImportance, false, fyne.TextAlignLeading},
		{0, colAmount, "¥ 10.00", widget.MediumImportance, false, fyne.TextAlignTrailing},
		{0, colStatus, "Approved", widget.SuccessImportance, false, fyne.TextAlignLeading},
		{0, colCard, "622848******1234", widget.MediumImportance, false, fyne.TextAlignLeading},
		{1, colAmount, "¥ 10.01", widget.LowImportance, true, fyne.TextAlignTrailing},
		{1, colStatus, "Voided", widget.LowImportance, false, fyne.TextAlignLeading},
		{1, colNote, "Voided: entered twice", widget.LowImportance, false, fyne.TextAlignLeading},
		{2, colStatus, "No response", widget.WarningImportance, false, fyne.TextAlignLeading},
	} {
		got := cell(c.row, c.col)
		if got.Text != c.text || got.Importance != c.importance || got.TextStyle.Strikethrough != c.struck || got.Alignment != c.align {
			t.Errorf("row %d col %d = %q importance %d struck %v align %d; want %q %d %v %d", c.row, c.col,
				got.Text, got.Importance, got.TextStyle.Strikethrough, got.Alignment, c.text, c.importance, c.struck, c.align)
		}
	}
}

func TestLedgerEmptyState(t *testing.T) {
	fake := newFakeLedger(0)
	w, q := newTestWindow(t, Services{Transactions: fake.svc}, owner)
	l := ledgerOf(t, w, q)
	if !l.empty.Visible() || l.empty.Text != "No transactions yet. Add one, or run posdesk demo to explore." {
		t.Errorf("empty ledger says %q (visible %v)", l.empty.Text, l.empty.Visible())
	}
	test.Type(l.search, "nothing")
	l.Apply()
	q.drain()
	if !strings.HasPrefix(l.empty.Text, "No transactions match these filters.") {
		t.Errorf("empty search says %q", l.empty.Text)
	}
}

func TestLedgerTotals(t *testing.T) {
	totals := []posdesk.TxTotal{
		{Status: posdesk.StatusFailed, Count: 12, Amount: posdesk.CNY("300"), Currency: "CNY"},
		{Status: posdesk.StatusApproved, Count: 1234567, Amount: posdesk.CNY("1288000.5"), Currency: "CNY"},
		{Status: posdesk.StatusApproved, Count: 3, Amount: posdesk.Money{Amount: posdesk.CNY("20").Amount, Currency: "USD"}, Currency: "USD"},
	}
	tests := []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.English, []string{"Total 1,234,582 (voided excluded)", "Approved: 1,234,567 · ¥ 1,288,000.50",
			"Approved: 3 · $ 20.00", "Failed: 12 · ¥ 300.00"}},
		{i18n.Chinese, []string{"合计 1,234,582 笔（不含已作废）", "成功：1,234,567 笔 · ¥ 1,288,000.50", "成功：3 笔 · $ 20.00",
			"失败：12 笔 · ¥ 300.00"}},
	}
	for _, tt := range tests {
		setLang(t, tt.lang)
		lines := totalLines(totals)
		var got []string
		for _, l := range lines {
			got = append(got, l.text)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s totals = %q, want %q", tt.lang, got, tt.want)
		}
		if lines[1].importance != widget.SuccessImportance || lines[3].importance != widget.DangerImportance {
			t.Errorf("%s: approved and failed totals are not green and red", tt.lang)
		}
	}

	// The totals bar shows them once loaded.
	fake := newFakeLedger(20)
	w, q := newTestWindow(t, Services{Transactions: fake.svc}, owner)
	l := ledgerOf(t, w, q)
	if got := l.totals.Objects[0].(*widget.Label).Text; got != "Total 20 (voided excluded)" {
		t.Errorf("totals bar starts with %q", got)
	}
}

func TestLedgerCorrectAndVoid(t *testing.T) {
	fake := newFakeLedger(5)
	var upd posdesk.TransactionUpdate
	var voidID int64
	var voidReason string
	fake.svc.UpdateTransactionFn = func(_ context.Context, id int64, u posdesk.TransactionUpdate) (*posdesk.Transaction, error) {
		upd = u
		t := *fake.rows[0]
		u.Apply(&t)
		return &t, nil
	}
	fake.svc.VoidTransactionFn = func(_ context.Context, id int64, reason string) error {
		voidID, voidReason = id, reason
		return nil
	}
	fake.svc.FindTransactionByIDFn = func(_ context.Context, id int64) (*posdesk.Transaction, error) {
		t := *fake.rows[0]
		t.VoidedAt, t.VoidReason = testNow, voidReason
		return &t, nil
	}
	w, q := newTestWindow(t, Services{Transactions: fake.svc}, owner)
	l := ledgerOf(t, w, q)

	if !l.edit.Disabled() || !l.void.Disabled() {
		t.Error("Edit and Void are enabled with no row selected")
	}
	l.table.Select(widget.TableCellID{Row: 0, Col: colAmount})
	if l.edit.Disabled() || l.void.Disabled() {
		t.Fatal("Edit and Void stay disabled on a selected row")
	}

	test.Tap(l.edit)
	f := l.form
	f.amount.SetText("")
	test.Type(f.amount, "12.80")
	test.Tap(f.save)
	if !f.errs["reason"].Visible() {
		t.Error("a correction without a reason shows no error at the reason")
	}
	test.Type(f.reason, "typo on the slip")
	test.Tap(f.save)
	q.drain()
	if upd.Amount == nil || !upd.Amount.Equal(posdesk.CNY("12.80")) || upd.Reason != "typo on the slip" {
		t.Errorf("update = %+v, want amount 12.80 and the reason", upd)
	}
	if upd.Time != nil || upd.Kind != nil || upd.Note != nil {
		t.Errorf("update changes fields nobody touched: %+v", upd)
	}
	if got := l.cellText(l.selectedTx(), colAmount); got != "¥ 12.80" {
		t.Errorf("corrected row shows %q, want ¥ 12.80", got)
	}

	test.Tap(l.void)
	v := l.voidDlg
	test.Tap(v.confirm)
	if !v.errLine.Visible() || voidID != 0 {
		t.Error("void without a reason went through or showed no error")
	}
	test.Type(v.reason, "entered twice")
	test.Tap(v.confirm)
	q.drain()
	if voidID != fake.rows[0].ID || voidReason != "entered twice" {
		t.Errorf("VoidTransaction(%d, %q), want (%d, entered twice)", voidID, voidReason, fake.rows[0].ID)
	}
	if got := l.cellText(l.selectedTx(), colStatus); got != "Voided" {
		t.Errorf("voided row status = %q", got)
	}
	if !l.void.Disabled() {
		t.Error("Void is still enabled on a voided row")
	}
}

func TestLedgerActionsFollowRole(t *testing.T) {
	fake := newFakeLedger(1)
	cashier := &posdesk.User{Name: "Xiao Zhang", Role: posdesk.RoleCashier}
	w, q := newTestWindow(t, Services{Transactions: fake.svc}, cashier)
	l := ledgerOf(t, w, q)
	var got []string
	for _, o := range l.actions.Objects {
		got = append(got, o.(*widget.Button).Text)
	}
	if len(got) != 1 || got[0] != "Add transaction" {
		t.Errorf("a cashier's ledger buttons = %q, want only Add transaction", got)
	}
}

func TestParseDates(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{"2024-05-31", time.Date(2024, 5, 31, 0, 0, 0, 0, shanghai), ""},
		{"2024/5/1", time.Date(2024, 5, 1, 0, 0, 0, 0, shanghai), ""},
		{"20240501", time.Date(2024, 5, 1, 0, 0, 0, 0, shanghai), ""},
		{"２０２４－０５－０１", time.Date(2024, 5, 1, 0, 0, 0, 0, shanghai), ""},
		{"2024-05-31 14:05", time.Date(2024, 5, 31, 14, 5, 0, 0, shanghai), ""},
		{"2024-05-31T14:05:09", time.Date(2024, 5, 31, 14, 5, 9, 0, shanghai), ""},
		{"2024.05.31 9:07", time.Date(2024, 5, 31, 9, 7, 0, 0, shanghai), ""},
		{"2024-02-30", time.Time{}, "not a day of the calendar"},
		{"31/05/2024", time.Time{}, "not a date"},
		{"2024-05-31 25:00", time.Time{}, "no valid time of day"},
		{"yesterday", time.Time{}, "not a date"},
	}
	for _, tt := range tests {
		got, err := parseDateTime("time", tt.in, shanghai)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || posdesk.ErrorField(err) != "time" {
				t.Errorf("parseDateTime(%q) error = %v, want one about %q on field time", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseDateTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := parseDate("from", "2024-05-31 14:05", shanghai); err == nil {
		t.Error("parseDate accepted a time of day")
	}
}

func TestGroupDigits(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -45000: "-45,000"} {
		if got := groupDigits(in); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", in, got, want)
		}
	}
}
