package ui

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/mock"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// fakeIncidents is an in-memory incident store behind a mock.IncidentService.
type fakeIncidents struct {
	incs     []*posdesk.Incident // oldest first
	atts     map[int64][]*posdesk.Attachment
	created  []*posdesk.Incident
	changes  []posdesk.StatusChange
	contacts []*posdesk.Contact
	filters  []posdesk.IncidentFilter
	svc      *mock.IncidentService
}

func newFakeIncidents() *fakeIncidents {
	f := &fakeIncidents{atts: map[int64][]*posdesk.Attachment{}}
	find := func(id int64) (*posdesk.Incident, error) {
		for _, inc := range f.incs {
			if inc.ID == id {
				return inc, nil
			}
		}
		return nil, posdesk.Errorf(posdesk.ENOTFOUND, "Incident %d does not exist.", id)
	}
	match := func(flt posdesk.IncidentFilter, skip string) []*posdesk.Incident {
		var out []*posdesk.Incident
		for i := len(f.incs) - 1; i >= 0; i-- {
			inc := f.incs[i]
			if (flt.Status != "" && skip != "status" && inc.Status != flt.Status) || (flt.Active && skip != "status" && !inc.Active()) ||
				(flt.Kind != "" && skip != "kind" && inc.Kind != flt.Kind) || (flt.Cause != "" && skip != "cause" && inc.Cause != flt.Cause) ||
				(!flt.OverdueOn.IsZero() && !inc.Overdue(flt.OverdueOn)) ||
				(flt.TransactionID != 0 && !slices.ContainsFunc(inc.Transactions, func(t *posdesk.Transaction) bool { return t.ID == flt.TransactionID })) {
				continue
			}
			out = append(out, inc)
		}
		return out
	}
	f.svc = &mock.IncidentService{
		FindIncidentByIDFn: func(_ context.Context, id int64) (*posdesk.Incident, error) { return find(id) },
		FindIncidentsFn: func(_ context.Context, flt posdesk.IncidentFilter) ([]*posdesk.Incident, int, error) {
			f.filters = append(f.filters, flt)
			all := match(flt, "")
			return all[min(flt.Offset, len(all)):min(flt.Offset+flt.Limit, len(all))], len(all), nil
		},
		CountIncidentsFn: func(_ context.Context, flt posdesk.IncidentFilter, today posdesk.Date) (*posdesk.IncidentCounts, error) {
			c := &posdesk.IncidentCounts{ByStatus: map[posdesk.IncidentStatus]int{}, ByKind: map[posdesk.IncidentKind]int{}, ByCause: map[posdesk.Cause]int{}}
			for _, inc := range match(flt, "") {
				c.Total++
				if inc.Overdue(today) {
					c.Overdue++
				}
			}
			for _, inc := range match(flt, "status") {
				c.ByStatus[inc.Status]++
			}
			for _, inc := range match(flt, "kind") {
				c.ByKind[inc.Kind]++
			}
			for _, inc := range match(flt, "cause") {
				c.ByCause[inc.Cause]++
			}
			return c, nil
		},
		CreateIncidentFn: func(_ context.Context, inc *posdesk.Incident) error {
			inc.Normalize()
			if err := inc.Validate(); err != nil {
				return err
			}
			inc.ID = int64(len(f.incs) + 1)
			inc.Number = posdesk.NumberFor(2024, int(inc.ID))
			f.incs = append(f.incs, inc)
			f.created = append(f.created, inc)
			return nil
		},
		SetIncidentStatusFn: func(_ context.Context, id int64, ch posdesk.StatusChange) (*posdesk.Incident, error) {
			f.changes = append(f.changes, ch)
			inc, err := find(id)
			if err != nil {
				return nil, err
			}
			if _, err := inc.ChangeStatus(ch, testNow); err != nil {
				return nil, err
			}
			return inc, nil
		},
		AddContactFn: func(_ context.Context, c *posdesk.Contact) error {
			inc, err := find(c.IncidentID)
			if err != nil {
				return err
			}
			f.contacts = append(f.contacts, c)
			inc.Contacts = append(inc.Contacts, c)
			return nil
		},
		AddAttachmentFn: func(_ context.Context, id int64, a *posdesk.Attachment) error {
			for _, o := range f.atts[id] {
				if o.SHA256 == a.SHA256 {
					return posdesk.Errorf(posdesk.ECONFLICT, "File %[1]q is already attached to incident %[2]s (as %[3]q); it was not added again.", a.FileName, "x", o.FileName)
				}
			}
			a.ID = int64(len(f.atts[id]) + 1)
			f.atts[id] = append(f.atts[id], a)
			return nil
		},
		FindAttachmentsFn: func(_ context.Context, id int64) ([]*posdesk.Attachment, error) { return f.atts[id], nil },
	}
	return f
}

// add stores an incident in status st with a deadline days from testNow's date.
func (f *fakeIncidents) add(kind posdesk.IncidentKind, st posdesk.IncidentStatus, days int) *posdesk.Incident {
	id := int64(len(f.incs) + 1)
	inc := &posdesk.Incident{ID: id, Number: posdesk.NumberFor(2024, int(id)), Kind: kind, Cause: posdesk.CauseNetwork, Status: st,
		Time: testNow.Add(-time.Duration(id) * time.Hour), Amount: posdesk.CNY("58.00"), CreatedBy: "li", CreatedAt: testNow,
		Deadline: posdesk.DateOf(testNow, shanghai).AddDays(days), DeadlineSource: "letter",
		Transactions: []*posdesk.Transaction{{ID: id, Time: testNow, Amount: posdesk.CNY("58.00"), Status: posdesk.StatusFailed, RRN: "412345678901"}},
		Events:       []*posdesk.IncidentEvent{{Type: posdesk.EventCreated, Time: testNow, Actor: "li"}}}
	if st == posdesk.IncidentResolved || st == posdesk.IncidentClosed {
		inc.Outcome = posdesk.OutcomeCreditedToShop
	}
	f.incs = append(f.incs, inc)
	return inc
}

func testIntake(name string, r io.Reader, kind posdesk.AttachmentKind, caption string) (*posdesk.Attachment, error) {
	return attach.Intake(name, r, attach.Options{Kind: kind, Caption: caption})
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func file(data []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(data)) }

var ctrlN = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}

func TestLogIncidentThroughTheForm(t *testing.T) {
	fake := newFakeIncidents()
	cashier := &posdesk.User{Name: "小李", Role: posdesk.RoleCashier}
	w, q := newTestWindow(t, Services{Incidents: fake.svc, Intake: testIntake}, cashier)

	// The top bar's button and Ctrl+N open the form.
	w.TypedShortcut(ctrlN)
	if n := len(w.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("Ctrl+N opened %d dialogs, want the Log incident form", n)
	}
	w.Escape()

	f := OpenLogIncident(w)
	test.Tap(f.kindButtons[0])
	if f.Kind() != posdesk.IncidentChargedButFailed || f.kindButtons[0].Importance != widget.HighImportance {
		t.Fatalf("tapping the first kind chose %q", f.Kind())
	}
	test.Type(f.amount, "58.00")
	test.Type(f.trace, "000123")
	test.Type(f.rrn, "412345678901")
	test.Type(f.story, "屏幕显示交易失败，顾客手机收到扣款短信")
	f.AddFile("slip.png", file(pngBytes(t, 80, 120)))
	f.AddFile("notes.jpg", file([]byte("not a photo\n")))
	q.drain()
	files := f.Files()
	if len(files) != 2 || files[0].att == nil || files[1].err == nil || !strings.Contains(i18n.Message(files[1].err), "notes.jpg") {
		t.Fatalf("files after adding: %+v", files)
	}
	test.Tap(f.save)
	q.drain()

	if len(fake.created) != 1 {
		t.Fatalf("CreateIncident called %d times, want 1", len(fake.created))
	}
	got := fake.created[0]
	if got.Kind != posdesk.IncidentChargedButFailed || got.Amount.Plain() != "58.00" || !got.Time.Equal(testNow) {
		t.Errorf("incident %s %s %v; want charged_but_failed, 58.00 at the time the form opened", got.Kind, got.Amount.Plain(), got.Time)
	}
	slip := got.Transactions[0]
	if slip.ID != 0 || slip.Trace != "000123" || slip.RRN != "412345678901" || slip.Status != posdesk.StatusFailed {
		t.Errorf("slip %+v", slip)
	}
	if atts := fake.atts[got.ID]; len(atts) != 1 || atts[0].FileName != "slip.png" {
		t.Errorf("attachments stored: %v (the refused file must not be sent)", atts)
	}
	if f.Logged == nil || f.Logged.Number == "" {
		t.Error("no incident number to show the cashier")
	}
	overlays := w.Canvas().Overlays().List()
	if len(overlays) != 1 {
		t.Fatalf("%d dialogs after saving, want only the confirmation", len(overlays))
	}
}

func TestLogIncidentFormShowsErrorsAtFields(t *testing.T) {
	fake := newFakeIncidents()
	w, q := newTestWindow(t, Services{Incidents: fake.svc, Intake: testIntake}, owner)
	f := OpenLogIncident(w)
	test.Tap(f.save)
	q.drain()
	if len(fake.created) != 0 {
		t.Fatal("an incident without kind and amount was saved")
	}
	if !f.errs["kind"].Visible() || !f.errs["amount"].Visible() {
		t.Errorf("kind error shown %v, amount error shown %v", f.errs["kind"].Visible(), f.errs["amount"].Visible())
	}
	test.Tap(f.kindButtons[6]) // customer refund shows the customer fields
	if !f.customer.Visible() {
		t.Error("customer fields hidden for a customer refund")
	}
	test.Type(f.amount, "12.345")
	test.Type(f.trace, "12ab")
	test.Tap(f.save)
	q.drain()
	if !strings.Contains(f.errs["amount"].Text, "decimal") || !f.errs["trace"].Visible() || len(fake.created) != 0 {
		t.Errorf("amount error %q, trace error shown %v", f.errs["amount"].Text, f.errs["trace"].Visible())
	}
	f.amount.SetText("268")
	f.trace.SetText("")
	test.Type(f.customerName, "王女士")
	f.amount.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter saves
	q.drain()
	if len(fake.created) != 1 || fake.created[0].CustomerName != "王女士" {
		t.Fatalf("refund not saved with the customer's name: %v", fake.created)
	}
}

func TestIncidentDetailOffersOnlyLegalMoves(t *testing.T) {
	fake := newFakeIncidents()
	for _, st := range posdesk.IncidentStatuses {
		fake.add(posdesk.IncidentDuplicateCharge, st, 5)
	}
	manager := &posdesk.User{Name: "王经理", Role: posdesk.RoleManager}
	w, q := newTestWindow(t, Services{Incidents: fake.svc, Intake: testIntake}, manager)
	for _, inc := range fake.incs {
		d := NewIncidentDetail(w, inc.ID, nil)
		q.drain()
		var got []posdesk.IncidentStatus
		for st := range d.StatusButtons {
			got = append(got, st)
		}
		want := slices.Clone(posdesk.NextStatuses(inc.Status))
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: buttons for %v, want %v", inc.Status, got, want)
		}
	}
	// A cashier sees no status buttons: the workflow is the manager's.
	wc, qc := newTestWindow(t, Services{Incidents: fake.svc, Intake: testIntake}, &posdesk.User{Name: "小李", Role: posdesk.RoleCashier})
	d := NewIncidentDetail(wc, 1, nil)
	qc.drain()
	if len(d.StatusButtons) != 0 || len(d.moves.Objects) != 0 {
		t.Errorf("cashier sees %d status buttons", len(d.StatusButtons))
	}
}

func TestIncidentDetailResolveNeedsOutcomeReopenNeedsReason(t *testing.T) {
	fake := newFakeIncidents()
	inc := fake.add(posdesk.IncidentPostingFailure, posdesk.IncidentWaitingForBank, 2)
	w, q := newTestWindow(t, Services{Incidents: fake.svc, Intake: testIntake}, owner)
	d := NewIncidentDetail(w, inc.ID, nil)
	q.drain()

	test.Tap(d.StatusButtons[posdesk.IncidentResolved])
	dlg := d.statusDlg
	if dlg == nil {
		t.Fatal("Resolved… did not ask for the outcome")
	}
	test.Tap(dlg.confirm)
	q.drain()
	if len(fake.changes) != 0 || !dlg.errLine.Visible() {
		t.Fatalf("resolved without an outcome: changes %v", fake.changes)
	}
	dlg.outcome.SetSelected(i18n.T(posdesk.OutcomeCreditedToShop.Title()))
	test.Tap(dlg.confirm)
	q.drain()
	if len(fake.changes) != 1 || fake.changes[0].Outcome != posdesk.OutcomeCreditedToShop || inc.Status != posdesk.IncidentResolved {
		t.Fatalf("changes %v, status %s", fake.changes, inc.Status)
	}
	// After the reload the buttons are those of a resolved incident: close, reopen.
	if _, ok := d.StatusButtons[posdesk.IncidentClosed]; !ok || len(d.StatusButtons) != 2 {
		t.Errorf("buttons after resolving: %v", d.StatusButtons)
	}
	test.Tap(d.StatusButtons[posdesk.IncidentOpen])
	dlg = d.statusDlg
	test.Tap(dlg.confirm)
	if len(fake.changes) != 1 || !dlg.errLine.Visible() {
		t.Fatal("reopened without a reason")
	}
	test.Type(dlg.reason, "the acquirer took the credit back")
	test.Tap(dlg.confirm)
	q.drain()
	if inc.Status != posdesk.IncidentOpen || fake.changes[1].Reason != "the acquirer took the credit back" {
		t.Errorf("after reopen: %s %v", inc.Status, fake.changes)
	}
}

func TestIncidentDetailContactsFilesAndChecklist(t *testing.T) {
	fake := newFakeIncidents()
	inc := fake.add(posdesk.IncidentChargedButFailed, posdesk.IncidentOpen, 3)
	w, q := newTestWindow(t, Services{Incidents: fake.svc, Intake: testIntake}, owner)
	d := NewIncidentDetail(w, inc.ID, nil)
	q.drain()
	if got, want := len(d.check.Objects), 1+len(inc.Kind.Checklist()); got != want {
		t.Errorf("checklist has %d lines, want %d", got, want)
	}
	d.OpenContactForm()
	f := d.contactDlg
	test.Tap(f.save)
	if len(fake.contacts) != 0 || !f.errs.lines["summary"].Visible() {
		t.Fatal("contact without a summary saved")
	}
	test.Type(f.summary, "acquirer will check the batch")
	test.Type(f.ticket, "GD-88")
	test.Type(f.next, "call back")
	test.Type(f.due, "2024-06-03")
	test.Tap(f.save)
	q.drain()
	if len(fake.contacts) != 1 || fake.contacts[0].Ticket != "GD-88" || fake.contacts[0].Due != posdesk.NewDate(2024, 6, 3) || fake.contacts[0].Party != posdesk.PartyAcquirer {
		t.Fatalf("contacts %+v", fake.contacts)
	}
	var err error
	d.AttachFile("sms.png", file(pngBytes(t, 50, 90)), func(e error) { err = e })
	q.drain()
	if err != nil || len(d.atts) != 1 {
		t.Fatalf("attach: %v, %d files shown", err, len(d.atts))
	}
	d.AttachFile("empty.jpg", file(nil), func(e error) { err = e })
	q.drain()
	if err == nil || !strings.Contains(i18n.Message(err), "empty.jpg") || len(fake.atts[inc.ID]) != 1 {
		t.Errorf("bad file: %v; %d files kept", err, len(fake.atts[inc.ID]))
	}
}

func TestIncidentListCountsAndOverdue(t *testing.T) {
	fake := newFakeIncidents()
	fake.add(posdesk.IncidentChargedButFailed, posdesk.IncidentOpen, -2) // overdue
	fake.add(posdesk.IncidentDuplicateCharge, posdesk.IncidentContacting, 3)
	fake.add(posdesk.IncidentChargedButFailed, posdesk.IncidentResolved, -9)
	w, q := newTestWindow(t, Services{Incidents: fake.svc, Intake: testIntake}, owner)
	if !w.Open(incidentsSectionID) {
		t.Fatal("incidents section not visible")
	}
	q.drain()
	s := w.Built(incidentsSectionID).(*IncidentsScreen)
	if len(s.rows) != 3 || s.rows[0].ID != 3 {
		t.Fatalf("rows %d, first %d: want newest first", len(s.rows), s.rows[0].ID)
	}
	if got := s.status.Options[2]; got != "Open (1)" {
		t.Errorf("status option %q, want the count beside it", got)
	}
	if !strings.Contains(s.summary.Text, "1 overdue") {
		t.Errorf("summary %q", s.summary.Text)
	}
	// The overdue incident's deadline is red and says so in words.
	cell := s.createRow()
	s.updateRow(2, cell)
	dl := cell.(*fyne.Container).Objects[5].(*widget.Label)
	if dl.Text != "overdue by 2 days" || dl.Importance != widget.DangerImportance {
		t.Errorf("overdue cell %q importance %v", dl.Text, dl.Importance)
	}
	s.updateRow(1, cell)
	if dl.Text != "due in 3 days" || dl.Importance == widget.DangerImportance {
		t.Errorf("cell %q importance %v", dl.Text, dl.Importance)
	}
	s.kind.SetSelected(s.kind.Options[1+slices.Index(posdesk.IncidentKinds, posdesk.IncidentChargedButFailed)])
	q.drain()
	if last := fake.filters[len(fake.filters)-1]; last.Kind != posdesk.IncidentChargedButFailed || len(s.rows) != 2 {
		t.Errorf("kind filter: %+v, %d rows", last, len(s.rows))
	}
	s.overdue.SetChecked(true)
	q.drain()
	if len(s.rows) != 1 || s.rows[0].ID != 1 {
		t.Errorf("overdue filter rows %d", len(s.rows))
	}
	// Opening a row shows the detail; Back returns to the list.
	s.OpenDetail(1)
	q.drain()
	if s.Detail() == nil || s.Detail().Incident().ID != 1 {
		t.Fatal("detail not shown")
	}
	s.ShowList()
	q.drain()
	if s.Detail() != nil {
		t.Error("Back did not return to the list")
	}
}

func TestIncidentTextsChinese(t *testing.T) {
	setLang(t, i18n.Chinese)
	today := posdesk.NewDate(2024, 5, 31)
	inc := &posdesk.Incident{Status: posdesk.IncidentOpen, Deadline: today.AddDays(-3)}
	if got, overdue := DeadlineText(inc, today); got != "已逾期 3 天" || !overdue {
		t.Errorf("DeadlineText = %q %v", got, overdue)
	}
	ev := &posdesk.IncidentEvent{Type: posdesk.EventStatus, From: posdesk.IncidentWaitingForBank, To: posdesk.IncidentResolved, Outcome: posdesk.OutcomeRefundedToCustomer}
	if got := IncidentEventText(ev); got != "状态 等待银行处理 → 已解决：已退款给顾客" {
		t.Errorf("event text %q", got)
	}
	if got := KindLabel(posdesk.IncidentDuplicateCharge); got != "重复扣款" {
		t.Errorf("KindLabel = %q", got)
	}
	setLang(t, i18n.English)
	if got := KindLabel(posdesk.IncidentDuplicateCharge); got != "Charged twice (重复扣款)" {
		t.Errorf("KindLabel = %q", got)
	}
	for _, tc := range []struct {
		days int
		want string
	}{{0, "due today"}, {1, "due tomorrow"}, {5, "due in 5 days"}, {-1, "overdue by 1 day"}} {
		inc := &posdesk.Incident{Status: posdesk.IncidentContacting, Deadline: today.AddDays(tc.days)}
		if got, _ := DeadlineText(inc, today); got != tc.want {
			t.Errorf("%d days: %q, want %q", tc.days, got, tc.want)
		}
	}
	_ = fmt.Sprint
}

func TestLogEveryKindFromTheForm(t *testing.T) {
	fake := newFakeIncidents()
	w, q := newTestWindow(t, Services{Incidents: fake.svc, Intake: testIntake}, &posdesk.User{Name: "小李", Role: posdesk.RoleCashier})
	for i, k := range posdesk.IncidentKinds {
		f := OpenLogIncident(w)
		test.Tap(f.kindButtons[i])
		test.Type(f.amount, "10.50")
		test.Tap(f.save)
		q.drain()
		if len(fake.created) != i+1 || fake.created[i].Kind != k {
			t.Fatalf("kind %s: %d incidents saved", k, len(fake.created))
		}
		w.Escape() // the confirmation
	}
}

// jpegWithOrientation returns a w x h JPEG carrying an EXIF orientation tag, as phones save
// photos taken sideways.
func jpegWithOrientation(t *testing.T, w, h, orientation int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 3), 60, uint8(y * 3), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	var tiff bytes.Buffer
	tiff.WriteString("MM")
	for _, v := range []any{uint16(42), uint32(8), uint16(1), uint16(0x0112), uint16(3), uint32(1), uint16(orientation), uint16(0), uint32(0)} {
		binary.Write(&tiff, binary.BigEndian, v)
	}
	body := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	jpg := buf.Bytes()
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xFF, 0xE1, byte((len(body)+2)>>8), byte(len(body)+2))
	out = append(out, body...)
	return append(out, jpg[2:]...)
}

func TestRotatedPhotoShowsUpright(t *testing.T) {
	fake := newFakeIncidents()
	inc := fake.add(posdesk.IncidentChargedButFailed, posdesk.IncidentOpen, 3)
	w, q := newTestWindow(t, Services{Incidents: fake.svc, Intake: testIntake}, owner)
	d := NewIncidentDetail(w, inc.ID, nil)
	q.drain()
	// Stored sideways (120 wide, 60 high) with orientation 6: upright it is 60 x 120.
	var err error
	d.AttachFile("phone.jpg", file(jpegWithOrientation(t, 120, 60, 6)), func(e error) { err = e })
	q.drain()
	if err != nil || len(d.atts) != 1 {
		t.Fatalf("attach: %v", err)
	}
	a := d.atts[0]
	thumb, _, terr := image.DecodeConfig(bytes.NewReader(a.Thumbnail))
	if terr != nil {
		t.Fatal(terr)
	}
	if a.Width != 60 || a.Height != 120 || thumb.Width >= thumb.Height {
		t.Errorf("photo %dx%d, thumbnail %dx%d: want upright (portrait)", a.Width, a.Height, thumb.Width, thumb.Height)
	}
	// The tile on screen shows that thumbnail.
	if len(d.files.Objects) != 1 {
		t.Fatalf("%d file tiles", len(d.files.Objects))
	}
}
