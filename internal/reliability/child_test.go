package reliability_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/importer"
	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// The child side of the multi-process tests. A child is this test binary started again with
// childEnv set: it opens the database the way the app does and does one kind of work in a
// loop, printing a line on stdout for each change only after the change is committed (an
// acknowledged commit, "ack"). The kill loop kills it at a random moment; the concurrency test
// lets it finish.
//
// Why a re-executed test binary and not the posdesk command: the command does one change per
// process, so killing it tests little more than start-up; the child does many commits per
// process through the same storage, import and PDF code the command and the window call, and
// it can tell the parent exactly which commits returned.

// shopZone is the demo shop's time zone.
var shopZone = time.FixedZone("CST", 8*3600)

// ack prints one acknowledged commit. fmt.Fprintf on os.Stdout is a single write system call,
// so a line is either wholly in the pipe or not at all when the child is killed.
func ack(format string, args ...any) { fmt.Fprintf(os.Stdout, format+"\n", args...) }

func runChild(workload string) int {
	seed, _ := strconv.ParseUint(os.Getenv(childSeedEnv), 10, 64)
	r := rand.New(rand.NewPCG(seed, 7))
	if workload == "readonly" {
		return childReadOnly(os.Getenv(childDBEnv))
	}
	db, err := sqlite.Open(os.Getenv(childDBEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		return 3
	}
	defer db.Close()
	ctx := owner()
	ack("ready")
	dir := os.Getenv(childDirEnv)
	switch workload {
	case "import":
		err = childImport(ctx, db, r, dir, seed)
	case "incident":
		err = childIncidents(ctx, db, r, seed)
	case "packet":
		err = childPackets(ctx, db, r, dir, seed)
	case "writer":
		err = childWriter(ctx, db, r, seed)
	default:
		err = fmt.Errorf("unknown workload %q", workload)
	}
	if err != nil {
		// The message a person would see, then the whole chain for the test log.
		fmt.Fprintf(os.Stderr, "child %s: %s\n", workload, err)
		return 1
	}
	return 0
}

// importService returns the storage's import service, or false while storage has none.
func importService(db *sqlite.DB) (posdesk.ImportService, bool) {
	imp, ok := any(db).(posdesk.ImportService)
	return imp, ok
}

// posCSV returns a POS export of rows rows whose RRNs and traces are unique to (seed, file).
func posCSV(r *rand.Rand, seed uint64, file, rows int) []byte {
	var b bytes.Buffer
	b.WriteString("Date,Time,Terminal,Batch,Trace,RRN,Auth,Card,Type,Amount,Status\n")
	day := time.Date(2026, 9, 1, 9, 0, 0, 0, shopZone).Add(time.Duration(file%300) * 24 * time.Hour)
	for i := 0; i < rows; i++ {
		at := day.Add(time.Duration(i) * 37 * time.Second)
		rrn := fmt.Sprintf("%03d%04d%05d", seed%1000, file%10000, i)
		fmt.Fprintf(&b, "%s,%s,61000042,%06d,%06d,%s,%06d,622848******%04d,SALE,%d.%02d,APPROVED\n",
			at.Format("2006-01-02"), at.Format("15:04:05"), file%999999+1, i+1, rrn, r.IntN(1000000), r.IntN(10000),
			1+r.IntN(2000), r.IntN(100))
	}
	return b.Bytes()
}

// childImport imports POS exports of 20 to 400 rows, one batch per file, for ever. Each ack is
// "import BATCH ROWS".
func childImport(ctx context.Context, db *sqlite.DB, r *rand.Rand, dir string, seed uint64) error {
	imp, ok := importService(db)
	if !ok {
		ack("unsupported")
		return nil
	}
	for i := 0; ; i++ {
		rows := 20 + r.IntN(381)
		data := posCSV(r, seed, i, rows)
		name := fmt.Sprintf("pos-%d-%d.csv", seed, i)
		rd, err := importer.NewReader(bytes.NewReader(data), importer.Options{Kind: posdesk.ImportPOS, FileName: name, Location: shopZone})
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		batch := &posdesk.ImportBatch{Kind: posdesk.ImportPOS, FileName: name, FileSHA256: hex.EncodeToString(sum[:]),
			Profile: "reliability", ImportedBy: "owner"}
		if err := imp.CreatePOSImport(ctx, batch, rd.POSLines()); err != nil {
			return err
		}
		if batch.New != rows {
			return fmt.Errorf("import %s stored %d rows of %d", name, batch.New, rows)
		}
		ack("import %d %d", batch.ID, batch.New)
	}
}

// childIncidents logs incidents from a slip (the ledger record is created with the incident),
// then a contact, an attachment every third time and a status move, for ever. Acks:
// "incident ID TXID", "contact ID INCIDENT", "attachment ID SHA256", "status INCIDENT STATUS".
func childIncidents(ctx context.Context, db *sqlite.DB, r *rand.Rand, seed uint64) error {
	for i := 0; ; i++ {
		kind := posdesk.IncidentKinds[r.IntN(len(posdesk.IncidentKinds)-2)] // not customer refund, other
		at := time.Date(2026, 9, 1+r.IntN(28), 9+r.IntN(12), r.IntN(60), 0, 0, shopZone)
		amount := posdesk.CNY(fmt.Sprintf("%d.%02d", 1+r.IntN(3000), r.IntN(100)))
		rrn := fmt.Sprintf("9%03d%08d", seed%1000, i)
		inc := &posdesk.Incident{Kind: kind, Time: at, Amount: amount,
			Story:        fmt.Sprintf("终端显示交易失败，顾客手机收到扣款短信 (run %d, %d)", seed, i),
			Transactions: []*posdesk.Transaction{posdesk.NewSlip(kind, at, amount, "61000042", fmt.Sprintf("%06d", i%999999+1), rrn)}}
		if err := db.CreateIncident(ctx, inc); err != nil {
			return err
		}
		ack("incident %d %d", inc.ID, inc.Transactions[0].ID)
		c := &posdesk.Contact{IncidentID: inc.ID, Time: at.Add(time.Hour), Channel: posdesk.ContactPhone,
			Party: posdesk.PartyAcquirer, Ticket: fmt.Sprintf("T%d", i), Summary: "客服说三个工作日内回复"}
		if err := db.AddContact(ctx, c); err != nil {
			return err
		}
		ack("contact %d %d", c.ID, inc.ID)
		if i%3 == 0 {
			a, err := attach.Intake(fmt.Sprintf("slip-%d.png", i), bytes.NewReader(smallPNG(r, 320, 240)),
				attach.Options{Caption: "小票照片", By: "owner"})
			if err != nil {
				return err
			}
			if err := db.AddAttachment(ctx, inc.ID, a); err != nil {
				return err
			}
			ack("attachment %d %s", a.ID, a.SHA256)
		}
		if _, err := db.SetIncidentStatus(ctx, inc.ID, posdesk.StatusChange{To: posdesk.IncidentContacting}); err != nil {
			return err
		}
		ack("status %d %s", inc.ID, posdesk.IncidentContacting)
	}
}

// childPackets builds the evidence packet of the incident named by childArgEnv again and again:
// render it, write the PDF under a new name through a synced temporary file and a rename, then
// record its SHA-256 on the incident. Each ack is "packet FILE SHA256".
func childPackets(ctx context.Context, db *sqlite.DB, r *rand.Rand, dir string, seed uint64) error {
	id, err := strconv.ParseInt(os.Getenv(childArgEnv), 10, 64)
	if err != nil {
		return err
	}
	rend := &pdf.Renderer{Workers: 1}
	for i := 0; ; i++ {
		p, err := packetOf(ctx, db, id)
		if err != nil {
			return err
		}
		res, err := rend.Build(ctx, p)
		if err != nil {
			return err
		}
		name := filepath.Join(dir, fmt.Sprintf("packet-%d-%d.pdf", seed, i))
		if err := writeFileAtomic(name, res.PDF); err != nil {
			return err
		}
		if err := db.SetPacketHash(ctx, id, res.SHA256, time.Time{}); err != nil {
			return err
		}
		ack("packet %s %s", filepath.Base(name), res.SHA256)
	}
}

// packetOf composes the packet of a stored incident as `posdesk packet` does: the incident with
// its events and contacts, every attachment with its data, the shop from the settings, the
// audit head.
func packetOf(ctx context.Context, db *sqlite.DB, id int64) (pdf.Packet, error) {
	inc, err := db.FindIncidentByID(ctx, id)
	if err != nil {
		return pdf.Packet{}, err
	}
	list, err := db.FindAttachments(ctx, id)
	if err != nil {
		return pdf.Packet{}, err
	}
	var atts []*posdesk.Attachment
	for _, a := range list {
		full, err := db.FindAttachmentByID(ctx, a.ID)
		if err != nil {
			return pdf.Packet{}, err
		}
		atts = append(atts, full)
	}
	shop, loc := pdf.ShopFromSettings(func(key string) string {
		v, _ := db.Setting(ctx, key, "")
		return v
	})
	if loc == nil {
		loc = shopZone
	}
	p := pdf.FromIncident(inc, atts, shop, loc, pdf.LangBoth, "")
	if head, err := db.AuditHead(ctx); err == nil {
		p.AuditHead = head.Short()
	}
	return p, nil
}

// writeFileAtomic writes data to path through a synced temporary file in the same folder and a
// rename, as the command writes packets and reports: a crash leaves the old file or the new
// one under the name, never half of one.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// childWriter is one of several processes writing at once. ARG is "N REFUND": it creates N
// ledger records, N/5 incidents (each with its slip record) and N receipts of 0.01 against the
// shared refund REFUND (a read-modify-write of the refund's received total in storage). Every
// change is acknowledged with its ID, every failure printed as "error MESSAGE".
func childWriter(ctx context.Context, db *sqlite.DB, r *rand.Rand, seed uint64) error {
	var n int
	var refund int64
	if _, err := fmt.Sscan(os.Getenv(childArgEnv), &n, &refund); err != nil {
		return err
	}
	fail := func(err error) { ack("error %s", oneLine(err)) }
	for i := 0; i < n; i++ {
		at := time.Date(2026, 9, 20, 10, 0, 0, 0, shopZone).Add(time.Duration(i) * time.Second)
		t := &posdesk.Transaction{Time: at, Amount: posdesk.CNY(fmt.Sprintf("%d.00", 1+r.IntN(500))), Terminal: "61000042",
			Trace: fmt.Sprintf("%06d", i+1), RRN: fmt.Sprintf("8%03d%08d", seed%1000, i), Note: fmt.Sprintf("writer %d", seed)}
		if err := db.CreateTransaction(ctx, t); err != nil {
			fail(err)
		} else {
			ack("tx %d", t.ID)
		}
		if _, err := db.CreateRefundReceipt(ctx, refund, &posdesk.RefundReceipt{Amount: posdesk.CNY("0.01"), Note: fmt.Sprintf("writer %d", seed)}); err != nil {
			fail(err)
		} else {
			ack("receipt %d", refund)
		}
		if i%5 == 4 {
			kind := posdesk.IncidentNoResponse
			inc := &posdesk.Incident{Kind: kind, Time: at, Amount: posdesk.CNY("10.00"), Story: fmt.Sprintf("writer %d", seed),
				Transactions: []*posdesk.Transaction{posdesk.NewSlip(kind, at, posdesk.CNY("10.00"), "61000042", "", fmt.Sprintf("7%03d%08d", seed%1000, i))}}
			if err := db.CreateIncident(ctx, inc); err != nil {
				fail(err)
			} else {
				ack("incident %d %s", inc.ID, inc.Number)
			}
		}
	}
	return nil
}

// childReadOnly opens the database at path as the app would, possibly as a user who may not
// write it, and prints what happened, one fact a line: "notice CODE MESSAGE" (or "notice none"),
// "open-error MESSAGE", "records N", "write CODE MESSAGE" (or "write ok"), then what plain Open
// does: "plain-open ok" or "plain-open MESSAGE".
func childReadOnly(path string) int {
	msg := func(err error) string { return strings.ReplaceAll(i18n.MessageIn(i18n.English, err), "\n", " ") }
	db, notice, err := sqlite.OpenOrReadOnly(path)
	if err != nil {
		ack("open-error %s [%s]", msg(err), oneLine(err))
	} else {
		if notice != nil {
			ack("notice %s %s", posdesk.ErrorCode(notice), msg(notice))
		} else {
			ack("notice none")
		}
		if page, _, err := db.FindTransactions(owner(), posdesk.TransactionFilter{Limit: 100000}); err != nil {
			ack("records-error %s", msg(err))
		} else {
			ack("records %d", len(page))
		}
		err = db.CreateTransaction(owner(), &posdesk.Transaction{Time: time.Date(2026, 9, 20, 10, 0, 0, 0, shopZone), Amount: posdesk.CNY("1.00")})
		if err != nil {
			ack("write %s %s", posdesk.ErrorCode(err), msg(err))
		} else {
			ack("write ok")
		}
		db.Close()
	}
	if db, err := sqlite.Open(path); err != nil {
		ack("plain-open %s", msg(err))
	} else {
		ack("plain-open ok")
		db.Close()
	}
	return 0
}

// oneLine returns err's message on one line.
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", " | ") }

// smallPNG returns a w x h PNG with a few random blocks, different for each call.
func smallPNG(r *rand.Rand, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(200 + x%40), uint8(200 + y%40), 210, 255})
		}
	}
	for k := 0; k < 8; k++ {
		x0, y0 := r.IntN(w-20), r.IntN(h-10)
		c := color.RGBA{uint8(r.IntN(120)), uint8(r.IntN(120)), uint8(r.IntN(120)), 255}
		for y := y0; y < y0+10; y++ {
			for x := x0; x < x0+20; x++ {
				img.Set(x, y, c)
			}
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// photoJPEG returns a w x h JPEG with smooth shading and noise, like a phone photo of a slip.
func photoJPEG(r *rand.Rand, w, h int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 150 + x*40/w - y*30/h + r.IntN(25)
			if (x/24+y/40)%7 == 0 && y%40 < 28 {
				v = 40
			}
			img.Y[y*img.YStride+x] = uint8(min(255, max(0, v)))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 128, 132
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	return b.Bytes()
}
