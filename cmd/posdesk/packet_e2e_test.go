package main_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return -1
		}
		n = n*10 + int(r-'0')
	}
	return n
}

func copyFixture(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "internal", "pdf", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPacketE2E(t *testing.T) {
	c := newIncCLI(t)
	dir := t.TempDir()
	id := strings.TrimSpace(c.ok("incident", "add", "--kind", "duplicate_charge", "--amount", "1288.00", "--time", "2026-09-20 14:30",
		"--terminal", "61000042", "--trace", "000123", "--rrn", "260920000120", "--story", "顾客被扣款两次，店员重新刷卡。", "--case", "GD-2026-0921"))
	c.ok("attach", id, copyFixture(t, dir, "slip_portrait.jpg"), "--caption", "签购单照片")
	c.ok("attach", id, copyFixture(t, dir, "bank_statement.pdf"), "--caption", "银行对账单")
	c.ok("contact", id, "--party", "acquirer", "--channel", "phone", "--summary", "收单机构答应核查")

	// Without a shop name the packet is refused with the way to fix it.
	msg := c.fail(1, "packet", id, "-o", filepath.Join(dir, "x.pdf"))
	if !strings.Contains(msg, "--shop") {
		t.Errorf("no shop name: %s", msg)
	}
	c.fail(2, "packet", id)                                                       // no -o
	c.fail(1, "packet", id, "-o", filepath.Join(dir, "x.pdf"), "--preset", "fax") // unknown preset

	out := filepath.Join(dir, "packet.pdf")
	var res struct {
		Pages    int    `json:"pages"`
		Bytes    int    `json:"bytes"`
		SHA256   string `json:"sha256"`
		Exhibits []struct {
			Name  string `json:"name"`
			Pages int    `json:"pages"`
		} `json:"exhibits"`
	}
	js := c.ok("packet", id, "-o", out, "--preset", "stripe", "--lang", "zh+en", "--shop", "老街面馆", "--json")
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if res.Bytes != len(data) || res.Pages < 5 || len(res.Exhibits) != 2 || res.Exhibits[1].Pages != 2 {
		t.Errorf("packet result %+v (file %d bytes)", res, len(data))
	}
	inc := c.show(id)
	if inc["packet_sha256"] != res.SHA256 {
		t.Errorf("incident records packet %v, built %s", inc["packet_sha256"], res.SHA256)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		text, err := exec.Command("pdftotext", "-enc", "UTF-8", out, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		flat := strings.Join(strings.Fields(string(text)), "")
		for _, want := range []string{"老街面馆", "260920000120", "收单机构答应核查", "ExampleBank"} {
			if !strings.Contains(flat, want) {
				t.Errorf("packet text lacks %q", want)
			}
		}
	}
	// Chosen files, in a chosen order; an unknown file number is refused.
	js = c.ok("packet", id, "-o", out, "--shop", "老街面馆", "--files", "2,1", "--json")
	if err := json.Unmarshal([]byte(js), &res); err != nil || len(res.Exhibits) != 2 || res.Exhibits[0].Pages != 2 {
		t.Errorf("--files 2,1: %v %+v", err, res)
	}
	c.fail(1, "packet", id, "-o", out, "--shop", "老街面馆", "--files", "9")
	// The acceptance fixtures through the real intake: a phone photo stored sideways with EXIF
	// orientation 6 (800x400 stored, 400x800 upright), a CMYK scan and a PNG screenshot.
	rotated := filepath.Join(dir, "phone.jpg")
	if err := os.WriteFile(rotated, incJPEGWithOrientation(t, 800, 400, 6), 0o644); err != nil {
		t.Fatal(err)
	}
	c.ok("attach", id, rotated, copyFixture(t, dir, "scan_cmyk.jpg"), copyFixture(t, dir, "sms_screenshot.png"))
	js = c.ok("packet", id, "-o", out, "--shop", "老街面馆", "--files", "3,4,5", "--json")
	if err := json.Unmarshal([]byte(js), &res); err != nil || len(res.Exhibits) != 3 {
		t.Fatalf("photos packet: %v %s", err, js)
	}
	if _, err := exec.LookPath("pdfimages"); err == nil {
		list, err := exec.Command("pdfimages", "-list", out).Output()
		if err != nil {
			t.Fatal(err)
		}
		// The first image is the phone photo: upright means taller than wide.
		var w, h int
		for _, line := range strings.Split(string(list), "\n")[2:] {
			f := strings.Fields(line)
			if len(f) > 4 {
				w, h = atoi(f[3]), atoi(f[4])
				break
			}
		}
		if w != 400 || h != 800 {
			t.Errorf("phone photo embedded as %dx%d, want upright 400x800\n%s", w, h, list)
		}
	}
	// Plain output names pages and size.
	text := c.ok("packet", id, "-o", out, "--shop", "老街面馆", "--lang", "en")
	if !strings.Contains(text, "pages") || !strings.Contains(text, "SHA-256") {
		t.Errorf("plain output:\n%s", text)
	}
}
