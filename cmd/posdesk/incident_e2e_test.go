package main_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var (
	incBinOnce sync.Once
	incBinPath string
	incBinErr  error
)

// buildIncidentBinary builds cmd/posdesk once per test run, without cgo and with the "ci" tag
// (Fyne's software driver), which is all the command line needs. The binary goes to a fixed
// place in the temp folder, replaced atomically, so repeated runs do not pile up copies.
func buildIncidentBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test builds the binary; skipped with -short")
	}
	incBinOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), "posdesk-e2e-incidents")
		if incBinErr = os.MkdirAll(dir, 0o755); incBinErr != nil {
			return
		}
		tmp := filepath.Join(dir, "posdesk."+strconv.Itoa(os.Getpid()))
		cmd := exec.Command("go", "build", "-tags", "ci", "-o", tmp, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			incBinErr = errors.New("build posdesk: " + err.Error() + "\n" + string(out))
			return
		}
		incBinPath = filepath.Join(dir, "posdesk")
		incBinErr = os.Rename(tmp, incBinPath)
	})
	if incBinErr != nil {
		t.Fatal(incBinErr)
	}
	return incBinPath
}

// incCLI runs posdesk commands against one temp database.
type incCLI struct {
	t    *testing.T
	bin  string
	db   string
	home string
	env  []string // extra environment: who signs in (POSDESK_USER, POSDESK_PIN)
}

// as returns a copy of c acting as a member of staff with a PIN.
func (c *incCLI) as(name, pin string, more ...string) *incCLI {
	d := *c
	d.env = append([]string{"POSDESK_USER=" + name, "POSDESK_PIN=" + pin}, more...)
	return &d
}

func newIncCLI(t *testing.T) *incCLI {
	dir := t.TempDir()
	return &incCLI{t: t, bin: buildIncidentBinary(t), db: filepath.Join(dir, "shop.db"), home: dir}
}

// run executes posdesk with args (plus --db) and returns stdout, stderr and the exit code.
func (c *incCLI) run(args ...string) (string, string, int) {
	c.t.Helper()
	cmd := exec.Command(c.bin, append(args, "--db", c.db)...)
	cmd.Env = append([]string{"HOME=" + c.home, "XDG_CONFIG_HOME=" + c.home, "LANG=C", "TZ=Asia/Shanghai", "PATH=" + os.Getenv("PATH")}, c.env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// ok runs a command that must succeed and returns its stdout.
func (c *incCLI) ok(args ...string) string {
	c.t.Helper()
	out, errOut, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("posdesk %s: exit %d\nstderr: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// fail runs a command that must fail with the given exit code and returns its stderr.
func (c *incCLI) fail(code int, args ...string) string {
	c.t.Helper()
	out, errOut, got := c.run(args...)
	if got != code {
		c.t.Fatalf("posdesk %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), got, code, out, errOut)
	}
	return errOut
}

// show returns the JSON of one incident.
func (c *incCLI) show(ref string) map[string]any {
	c.t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(c.ok("incident", "show", ref, "--json")), &m); err != nil {
		c.t.Fatal(err)
	}
	return m
}

func TestIncidentE2ELogEveryKind(t *testing.T) {
	c := newIncCLI(t)
	kinds := []string{"charged_but_failed", "approved_then_reversed", "no_response", "posting_failure", "duplicate_charge", "wrong_amount", "customer_refund", "other"}
	for i, k := range kinds {
		out := c.ok("incident", "add", "--kind", k, "--amount", "58.00", "--time", "2026-09-20 14:3"+strconv.Itoa(i),
			"--terminal", "61000042", "--trace", "00012"+strconv.Itoa(i), "--rrn", "26092000012"+strconv.Itoa(i), "--story", "顾客说扣款了")
		if got, want := strings.TrimSpace(out), strconv.Itoa(i+1); got != want {
			t.Fatalf("incident add printed %q, want the ID %s", got, want)
		}
	}
	// The Chinese merchants' name works as the kind.
	id := strings.TrimSpace(c.ok("incident", "add", "--kind", "单边账", "--amount", "¥12.50"))
	inc := c.show(id)
	if inc["kind"] != "charged_but_failed" || inc["amount"] != "12.50" || inc["number"] != "INC-2026-0009" && !strings.HasPrefix(inc["number"].(string), "INC-") {
		t.Errorf("Chinese kind: %v %v %v", inc["kind"], inc["amount"], inc["number"])
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(c.ok("incidents", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != len(kinds)+1 {
		t.Fatalf("%d incidents listed, want %d", len(list), len(kinds)+1)
	}
	if list[0]["id"].(float64) != 9 {
		t.Errorf("newest first: first is %v", list[0]["id"])
	}
	first := c.show("1")
	txs := first["transactions"].([]any)
	tx := txs[0].(map[string]any)
	if tx["status"] != "failed" || tx["rrn"] != "260920000120" || tx["terminal"] != "61000042" || tx["time"] != "2026-09-20T06:30:00Z" {
		t.Errorf("slip record %v", tx)
	}
	if len(first["checklist"].([]any)) < 8 || first["status"] != "open" {
		t.Errorf("show: checklist %v, status %v", first["checklist"], first["status"])
	}
	byNumber := c.show(first["number"].(string))
	if byNumber["id"].(float64) != 1 {
		t.Errorf("show by number gave %v", byNumber["id"])
	}
	// Filters.
	var dup []map[string]any
	json.Unmarshal([]byte(c.ok("incidents", "--kind", "duplicate_charge", "--json")), &dup)
	if len(dup) != 1 || dup[0]["kind"] != "duplicate_charge" {
		t.Errorf("--kind filter: %v", dup)
	}
	text := c.ok("incidents")
	if !strings.Contains(text, "INC-2026-0001") || !strings.Contains(text, "Charged but failed") || !strings.Contains(text, "Open 9") {
		t.Errorf("text list:\n%s", text)
	}
	// Chinese output.
	zh := c.ok("incident", "show", "1", "--lang", "zh")
	for _, want := range []string{"交易失败但已扣款", "待处理", "打电话给银行之前"} {
		if !strings.Contains(zh, want) {
			t.Errorf("Chinese show lacks %q:\n%s", want, zh)
		}
	}
}

func TestIncidentE2EWorkflowAndContacts(t *testing.T) {
	c := newIncCLI(t)
	id := strings.TrimSpace(c.ok("incident", "add", "--kind", "posting_failure", "--amount", "1,288.00", "--rrn", "260920000777", "--deadline", "2026-10-20", "--case", "GD-2026-0921"))
	msg := c.fail(1, "incident", "status", id, "closed")
	if !strings.Contains(msg, "contacting, waiting_for_bank, resolved") {
		t.Errorf("illegal move message: %s", msg)
	}
	c.ok("incident", "status", id, "联系中") // Chinese status name
	c.ok("contact", id, "--party", "acquirer", "--channel", "phone", "--summary", "they will check the batch", "--person", "客服 张",
		"--ticket", "GD-1", "--next", "call back", "--due", "2026-09-25")
	c.fail(2, "contact", id, "--party", "acquirer")
	c.fail(1, "contact", id, "--party", "police", "--channel", "phone", "--summary", "x")
	c.ok("incident", "status", id, "waiting_for_bank")
	msg = c.fail(1, "incident", "status", id, "resolved")
	if !strings.Contains(msg, "credited_to_shop") {
		t.Errorf("resolve without outcome: %s", msg)
	}
	c.ok("incident", "status", id, "resolved", "--outcome", "credited_to_shop")
	c.ok("incident", "status", id, "closed")
	c.fail(1, "incident", "status", id, "open")
	c.ok("incident", "status", id, "open", "--reason", "acquirer took the credit back")
	inc := c.show(id)
	if inc["status"] != "open" || inc["outcome"] != nil || inc["deadline"] != "2026-10-20" || inc["deadline_source"] != "letter" {
		t.Errorf("after reopen: %v %v %v %v", inc["status"], inc["outcome"], inc["deadline"], inc["deadline_source"])
	}
	contacts := inc["contacts"].([]any)
	if len(contacts) != 1 || contacts[0].(map[string]any)["due"] != "2026-09-25" {
		t.Errorf("contacts %v", contacts)
	}
	var types []string
	for _, e := range inc["events"].([]any) {
		types = append(types, e.(map[string]any)["type"].(string))
	}
	if got, want := strings.Join(types, ","), "created,status,contact,status,status,status,reopen"; got != want {
		t.Errorf("timeline %s, want %s", got, want)
	}
	c.ok("incident", "edit", id, "--preset", "visa", "--from", "2026-09-21", "--cause", "bank_system")
	inc = c.show(id)
	if inc["deadline"] != "2026-10-21" || inc["deadline_source"] != "visa" || inc["cause"] != "bank_system" {
		t.Errorf("after edit: %v %v %v", inc["deadline"], inc["deadline_source"], inc["cause"])
	}
	text := c.ok("incident", "show", id)
	for _, want := range []string{"GD-2026-0921", "they will check the batch", "Reopened", "¥ 1,288.00"} {
		if !strings.Contains(text, want) {
			t.Errorf("show lacks %q:\n%s", want, text)
		}
	}
	// Usage errors exit 2; unknown incidents exit 1.
	c.fail(2, "incident", "add", "--amount", "5")
	c.fail(1, "incident", "show", "INC-2026-0999")
	c.fail(1, "incident", "add", "--kind", "gremlins", "--amount", "5")
}

func TestIncidentE2EErasePersonalData(t *testing.T) {
	c := newIncCLI(t)
	c.fail(1, "incident", "add", "--kind", "no_response", "--amount", "5", "--customer-phone", "13800138000")
	id := strings.TrimSpace(c.ok("incident", "add", "--kind", "customer_refund", "--amount", "268", "--customer-name", "王秀英", "--customer-phone", "138 0013 8000"))
	if inc := c.show(id); inc["customer_name"] != "王秀英" {
		t.Fatalf("customer name %v", inc["customer_name"])
	}
	c.ok("incident", "erase-personal", id)
	inc := c.show(id)
	if inc["customer_name"] != nil || inc["customer_phone"] != nil || inc["personal_erased_at"] == nil || inc["amount"] != "268.00" {
		t.Errorf("after erase: %v", inc)
	}
}

func TestIncidentE2EAttach(t *testing.T) {
	c := newIncCLI(t)
	id := strings.TrimSpace(c.ok("incident", "add", "--kind", "charged_but_failed", "--amount", "58"))
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A phone photo stored sideways (40x20 pixels) with EXIF orientation 6: upright it is 20x40.
	rotated := write("phone.jpg", incJPEGWithOrientation(t, 40, 20, 6))
	sms := write("sms.png", incPNG(t, 60, 90))
	text := write("notes.jpg", []byte("this is a text file, not a photo\n"))
	empty := write("empty.png", nil)
	full := incJPEGWithOrientation(t, 64, 64, 1)
	cut := write("cut.jpg", full[:len(full)/2])
	out, errOut, code := c.run("attach", id, rotated, text, sms, empty, cut, "--caption", "slip and SMS")
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout %s\nstderr %s", code, out, errOut)
	}
	for _, name := range []string{"notes.jpg", "empty.png", "cut.jpg", "3 of 5"} {
		if !strings.Contains(errOut, name) {
			t.Errorf("stderr does not name %s:\n%s", name, errOut)
		}
	}
	if !strings.Contains(out, "phone.jpg") || !strings.Contains(out, "sms.png") {
		t.Errorf("stdout does not list the accepted files:\n%s", out)
	}
	inc := c.show(id)
	atts := inc["attachments"].([]any)
	if len(atts) != 2 {
		t.Fatalf("%d attachments kept, want 2", len(atts))
	}
	photo := atts[0].(map[string]any)
	if photo["file_name"] != "phone.jpg" || photo["width"].(float64) != 20 || photo["height"].(float64) != 40 || photo["caption"] != "slip and SMS" || photo["kind"] != "slip_photo" {
		t.Errorf("photo %v: want upright 20x40", photo)
	}
	// The same file again is refused by name; the incident keeps its two files.
	errOut = c.fail(1, "attach", id, sms, "--type", "screenshot")
	if !strings.Contains(errOut, "already attached") {
		t.Errorf("duplicate: %s", errOut)
	}
	if n := len(c.show(id)["attachments"].([]any)); n != 2 {
		t.Errorf("%d attachments after duplicate, want 2", n)
	}
	c.fail(1, "attach", id, filepath.Join(dir, "missing.jpg"))
	c.fail(2, "attach", id)
}

// incPNG returns a PNG image made in code.
func incPNG(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 2), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// incJPEGWithOrientation returns a w x h JPEG carrying an EXIF orientation tag, as phones save
// photos taken sideways.
func incJPEGWithOrientation(t *testing.T, w, h, orientation int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 6), 40, uint8(y * 6), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	// TIFF header (big-endian), one IFD entry: Orientation (0x0112), SHORT, count 1.
	var tiff bytes.Buffer
	tiff.WriteString("MM")
	binary.Write(&tiff, binary.BigEndian, uint16(42))
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{uint16(orientation), 0})
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	body := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, byte((len(body) + 2) >> 8), byte(len(body) + 2)}
	jpg := buf.Bytes()
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, body...)
	return append(out, jpg[2:]...)
}

func TestIncidentE2EStaffPermissions(t *testing.T) {
	c := newIncCLI(t)
	owner := c.as("王芳", "902715")
	c.as("", "902715").ok("staff", "init", "--name", "王芳")
	owner.as("王芳", "902715", "POSDESK_NEW_PIN=4821").ok("staff", "add", "小陈", "--role", "cashier")
	owner.as("王芳", "902715", "POSDESK_NEW_PIN=482193").ok("staff", "add", "Li Wei", "--role", "manager")
	cashier, manager := c.as("小陈", "4821"), c.as("Li Wei", "482193")

	// The cashier logs the incident and a call; the workflow and erasing are not theirs.
	id := strings.TrimSpace(cashier.ok("incident", "add", "--kind", "charged_but_failed", "--amount", "58", "--trace", "000501"))
	cashier.ok("contact", id, "--party", "customer", "--channel", "counter", "--summary", "customer shows the debit SMS")
	if msg := cashier.fail(1, "incident", "status", id, "contacting"); !strings.Contains(msg, "may not do this") {
		t.Errorf("cashier status change: %s", msg)
	}
	cashier.fail(1, "incident", "edit", id, "--case", "GD-1")
	manager.ok("incident", "status", id, "contacting")
	manager.ok("incident", "edit", id, "--case", "GD-1")
	manager.fail(1, "incident", "erase-personal", id)
	inc := owner.show(id)
	if inc["status"] != "contacting" || inc["case_number"] != "GD-1" || inc["created_by"] != "小陈" {
		t.Errorf("after the staff's work: %v %v %v", inc["status"], inc["case_number"], inc["created_by"])
	}
}
