package reliability_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/posdesk/posdesk/internal/attach"
	"github.com/posdesk/posdesk/internal/pdf"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// acked is every commit the children acknowledged, over all cycles of a kill loop.
type acked struct {
	incidents   map[int64]int64  // incident ID -> its slip's ledger record ID
	contacts    map[int64]int64  // contact ID -> incident ID
	attachments map[int64]string // attachment ID -> SHA-256
	statuses    map[int64]string // incident ID -> status set
	imports     map[int64]int    // import batch ID -> rows
	packets     map[string]string
	total       map[string]int    // acks per workload
	checked     map[string]string // packet files already read whole and found complete -> SHA-256
	removed     map[string]bool   // checked packet files the test deleted to bound the disk used

	batches, packetFiles int // over several databases (merge)
}

func newAcked() *acked {
	return &acked{incidents: map[int64]int64{}, contacts: map[int64]int64{}, attachments: map[int64]string{},
		statuses: map[int64]string{}, imports: map[int64]int{}, packets: map[string]string{}, total: map[string]int{},
		checked: map[string]string{}, removed: map[string]bool{}}
}

// merge adds the acknowledgements of b (another database's) to the counts of a.
func (a *acked) merge(b *acked) {
	for k, v := range b.total {
		a.total[k] += v
	}
	a.batches += len(b.imports)
	a.packetFiles += len(b.packets)
}

// add records one ack line of a child.
func (a *acked) add(workload, line string) error {
	f := strings.Fields(line)
	if len(f) == 0 || f[0] == "ready" || f[0] == "unsupported" {
		return nil
	}
	id := func(i int) int64 {
		n, _ := strconv.ParseInt(f[i], 10, 64)
		return n
	}
	if len(f) < 3 {
		return fmt.Errorf("bad ack %q", line)
	}
	switch f[0] {
	case "incident":
		a.incidents[id(1)] = id(2)
	case "contact":
		a.contacts[id(1)] = id(2)
	case "attachment":
		a.attachments[id(1)] = f[2]
	case "status":
		a.statuses[id(1)] = f[2]
	case "import":
		a.imports[id(1)] = int(id(2))
	case "packet":
		a.packets[f[1]] = f[2]
	default:
		return fmt.Errorf("bad ack %q", line)
	}
	a.total[workload]++
	return nil
}

// child is a running child process and the ack lines it printed.
type child struct {
	cmd    *exec.Cmd
	lines  chan string
	done   chan struct{}
	stderr bytes.Buffer
}

// startChild starts this test binary as a child doing workload on the database at dbPath.
func startChild(t testing.TB, workload, dbPath, dir string, seed uint64, arg string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+workload, childDBEnv+"="+dbPath, childDirEnv+"="+dir,
		childSeedEnv+"="+strconv.FormatUint(seed, 10), childArgEnv+"="+arg)
	c := &child{cmd: cmd, lines: make(chan string, 1<<16), done: make(chan struct{})}
	cmd.Stderr = &c.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(c.done)
		br := bufio.NewReader(out)
		for {
			line, err := br.ReadString('\n')
			if err != nil { // a line cut by the kill has no newline: it was not acknowledged
				return
			}
			c.lines <- strings.TrimSuffix(line, "\n")
		}
	}()
	return c
}

// waitReady waits for the child's "ready" line (or its end) and returns whether it came.
func (c *child) waitReady(timeout time.Duration) (string, bool) {
	select {
	case l := <-c.lines:
		return l, true
	case <-c.done:
		return "", false
	case <-time.After(timeout):
		return "", false
	}
}

// kill sends SIGKILL, waits for the process and returns every line it printed.
func (c *child) kill() []string {
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.cmd.Wait()
	<-c.done
	return c.drain()
}

// wait waits for the child to end by itself and returns its lines and exit error.
func (c *child) wait() ([]string, error) {
	err := c.cmd.Wait()
	<-c.done
	return c.drain(), err
}

func (c *child) drain() []string {
	var out []string
	for {
		select {
		case l := <-c.lines:
			out = append(out, l)
		default:
			return out
		}
	}
}

// TestKillLoop kills a writing child with SIGKILL at random moments while it imports POS
// exports, saves incidents (with their slip record, contacts, attachments, status moves) and
// generates evidence packets, then reopens the database as the app does and checks it:
// integrity_check ok, foreign_key_check empty, audit chain intact, every acknowledged commit
// present, no import batch with only part of its rows, no half-written packet under its name.
func TestKillLoop(t *testing.T) {
	n := cycles()
	// Each database takes segment cycles, then a fresh one starts: checking every
	// acknowledged commit and the whole file after each kill costs time that grows with the
	// database, and 1,000 cycles on one file would take hours.
	const segment = 50
	var dir, dbPath, packets string
	var packetIncident int64
	var acks *acked
	total := newAcked()
	segments := 0
	fresh := func() {
		if acks != nil {
			total.merge(acks)
		}
		segments++
		dir = t.TempDir()
		dbPath = filepath.Join(dir, "posdesk.db")
		packets = filepath.Join(dir, "packets")
		if err := os.Mkdir(packets, 0o700); err != nil {
			t.Fatal(err)
		}
		packetIncident = setupPacketIncident(t, dbPath)
		acks = newAcked()
	}

	// "command" is the posdesk binary building a packet (posdesk packet ID -o FILE): the
	// command's own start-up, file writing and recording, killed at a random moment.
	workloads := []string{"import", "incident", "packet", "command"}
	bin := posdeskBinary(t)
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	runs := map[string]int{}
	var reopenMax, checkTotal time.Duration
	earlyKills, failures := 0, 0
	_, importSupported := any((*sqlite.DB)(nil)).(posdesk.ImportService)
	start := time.Now()
	for cycle := 0; cycle < n && failures == 0; cycle++ {
		if cycle%segment == 0 {
			fresh()
		}
		w := workloads[cycle%len(workloads)]
		if w == "import" && !importSupported {
			w = workloads[1+(cycle/len(workloads))%3]
		}
		if w == "command" {
			runs[w]++
			line, err := killCommand(bin, dir, dbPath, packets, packetIncident, cycle, r)
			if err != nil {
				t.Fatalf("cycle %d (command): %v", cycle, err)
			}
			if line != "" {
				if err := acks.add(w, line); err != nil {
					t.Fatal(err)
				}
			}
			_, problems := verifyAfterKill(t, dbPath, packets, packetIncident, acks)
			for _, p := range problems {
				t.Errorf("cycle %d (%s): %s", cycle, w, p)
				failures++
			}
			continue
		}
		c := startChild(t, w, dbPath, packets, uint64(cycle+1), strconv.FormatInt(packetIncident, 10))
		var lines []string
		if cycle%10 == 9 {
			// One cycle in ten dies while it opens the database (recovery, migrations).
			time.Sleep(time.Duration(r.IntN(300)) * time.Millisecond)
			earlyKills++
			lines = c.kill()
		} else {
			first, ok := c.waitReady(60 * time.Second)
			if !ok {
				lines, err := c.wait()
				t.Fatalf("cycle %d (%s): child ended before it was ready: %v %q\n%s", cycle, w, err, lines, c.stderr.String())
			}
			lines = append(lines, first)
			// Kill while it writes: up to 0.8 s for imports and incidents, 2.5 s for packets,
			// which take longer to build.
			max := 800
			if w == "packet" {
				max = 2500
			}
			select {
			case <-time.After(time.Duration(r.IntN(max)) * time.Millisecond):
			case <-c.done:
				lines, err := c.wait()
				t.Fatalf("cycle %d (%s): child ended by itself: %v %q\n%s", cycle, w, err, lines, c.stderr.String())
			}
			lines = append(lines, c.kill()...)
		}
		if s := c.stderr.String(); s != "" {
			t.Errorf("cycle %d (%s): child wrote to stderr:\n%s", cycle, w, s)
		}
		runs[w]++
		for _, l := range lines {
			if err := acks.add(w, l); err != nil {
				t.Fatal(err)
			}
		}
		t0 := time.Now()
		reopen, problems := verifyAfterKill(t, dbPath, packets, packetIncident, acks)
		checkTotal += time.Since(t0)
		reopenMax = max(reopenMax, reopen)
		for _, p := range problems {
			t.Errorf("cycle %d (%s): %s", cycle, w, p)
			failures++
		}
	}
	total.merge(acks)
	ran := runs["import"] + runs["incident"] + runs["packet"] + runs["command"]
	report(t, "kill -9 cycles", fmt.Sprintf("%d (import %d, incident %d, packet %d, posdesk packet command %d; %d during open; %d databases) in %s",
		ran, runs["import"], runs["incident"], runs["packet"], runs["command"], earlyKills, segments, since(start)), fmt.Sprintf("%d", n), ran == n && failures == 0)
	report(t, "acknowledged commits lost", fmt.Sprintf("%d of %d (import batches %d, incident saves %d, packets %d of which %d by the command)",
		failures, total.total["import"]+total.total["incident"]+total.total["packet"]+total.total["command"], total.batches, total.total["incident"],
		total.packetFiles, total.total["command"]), "0", failures == 0)
	report(t, "reopen after kill: integrity_check, foreign_key_check, audit chain", fmt.Sprintf("ok after every cycle (%d problems); slowest reopen %s, checks %s per cycle",
		failures, reopenMax.Round(time.Millisecond), (checkTotal/time.Duration(max(ran, 1))).Round(time.Millisecond)), "ok", failures == 0)
	if !importSupported {
		reportNotRun(t, "half imports after kill", "storage has no ImportService yet (posdesk.ImportService not implemented by sqlite.DB)", "0")
	} else {
		report(t, "half imports after kill", fmt.Sprintf("%d (batches checked: %d acknowledged)", failures, total.batches), "0", failures == 0 && runs["import"] > 0)
	}
}

// killCommand runs `posdesk packet` on the packet incident and kills it at a random moment
// within the time a build takes. It returns the ack line ("packet FILE SHA") when the command
// finished first with exit 0.
func killCommand(bin, home, dbPath, packets string, incident int64, cycle int, r *rand.Rand) (string, error) {
	name := fmt.Sprintf("packet-command-%d.pdf", cycle)
	cmd := exec.Command(bin, "packet", strconv.FormatInt(incident, 10), "-o", filepath.Join(packets, name), "--db", dbPath, "--json", "--lang", "zh+en")
	cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "LANG=C", "TZ=Asia/Shanghai"}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		return "", err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			return "", fmt.Errorf("posdesk packet failed by itself: %v\n%s", err, errOut.String())
		}
		var res struct{ SHA256 string }
		if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.SHA256 == "" {
			return "", fmt.Errorf("posdesk packet printed %q: %v", out.String(), err)
		}
		return "packet " + name + " " + res.SHA256, nil
	case <-time.After(time.Duration(r.IntN(3000)) * time.Millisecond):
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		return "", nil
	}
}

// setupPacketIncident logs the incident whose packet the packet children build: a slip, three
// photos of a slip, a screenshot and a terminal log.
func setupPacketIncident(t *testing.T, dbPath string) int64 {
	t.Helper()
	db := mustOpen(t, dbPath)
	ctx := owner()
	at := time.Date(2026, 9, 14, 20, 31, 0, 0, shopZone)
	inc := &posdesk.Incident{Kind: posdesk.IncidentChargedButFailed, Time: at, Amount: posdesk.CNY("268.00"),
		Story:        "终端显示“交易失败”，未打印小票；顾客手机收到扣款短信。The terminal said failed; the customer was charged.",
		Transactions: []*posdesk.Transaction{posdesk.NewSlip(posdesk.IncidentChargedButFailed, at, posdesk.CNY("268.00"), "61000042", "000731", "260914000731")}}
	if err := db.CreateIncident(ctx, inc); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{pdf.SettingShopName: "好运便利店", pdf.SettingShopMerchantID: "898310058120042", pdf.SettingShopPhone: "021-5555 0101"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(42, 42))
	files := map[string][]byte{
		"slip-1.jpg": photoJPEG(r, 1600, 1200), "slip-2.jpg": photoJPEG(r, 1200, 1600), "terminal.jpg": photoJPEG(r, 1600, 1200),
		"sms.png":      smallPNG(r, 720, 1280),
		"terminal.log": []byte("2026-09-14 20:31:05 SALE 268.00 RRN 260914000731\n2026-09-14 20:31:35 TIMEOUT no response from host\n"),
	}
	for _, name := range []string{"slip-1.jpg", "slip-2.jpg", "terminal.jpg", "sms.png", "terminal.log"} {
		a, err := attach.Intake(name, bytes.NewReader(files[name]), attach.Options{Caption: "证据 " + name, By: "owner"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AddAttachment(ctx, inc.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	return inc.ID
}

// verifyAfterKill reopens the database as the app does after a crash and returns how long the
// open took and every broken promise found.
func verifyAfterKill(t *testing.T, dbPath, packets string, packetIncident int64, a *acked) (time.Duration, []string) {
	t.Helper()
	t0 := time.Now()
	db, err := sqlite.Open(dbPath)
	reopen := time.Since(t0)
	if err != nil {
		return reopen, []string{"reopen: " + err.Error()}
	}
	defer db.Close()
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	q := db.Reader()

	var integrity string
	if err := q.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		bad("integrity_check: %q %v", integrity, err)
	}
	if rows := queryStrings(t, q, `PRAGMA foreign_key_check`); len(rows) > 0 {
		bad("foreign_key_check: %v", rows)
	}
	if _, _, firstBad, err := db.VerifyAudit(owner()); err != nil || firstBad != nil {
		bad("audit chain: first bad entry %+v, %v", firstBad, err)
	}

	// Incidents: every acknowledged one with its slip record; none without a record.
	links := map[int64][]int64{}
	for _, row := range queryPairs(t, q, `SELECT i.id, coalesce(l.transaction_id, 0) FROM incidents i LEFT JOIN incident_transactions l ON l.incident_id = i.id`) {
		links[row[0]] = append(links[row[0]], row[1])
	}
	for id, tx := range a.incidents {
		if !slices.Contains(links[id], tx) {
			bad("acknowledged incident %d (slip record %d) missing: links %v", id, tx, links[id])
		}
	}
	for id, l := range links {
		if slices.Contains(l, 0) {
			bad("incident %d stored without its slip record", id)
		}
	}
	contacts := setOf(queryPairs(t, q, `SELECT id, incident_id FROM contacts`))
	for id, inc := range a.contacts {
		if contacts[id] != inc {
			bad("acknowledged contact %d of incident %d missing", id, inc)
		}
	}
	shas := map[int64]string{}
	rows, err := q.Query(`SELECT id, sha256, length(original) FROM attachments`)
	if err != nil {
		bad("attachments: %v", err)
	} else {
		for rows.Next() {
			var id, size int64
			var sha string
			rows.Scan(&id, &sha, &size)
			shas[id] = sha
		}
		rows.Close()
	}
	for id, sha := range a.attachments {
		if shas[id] != sha {
			bad("acknowledged attachment %d (%s) missing or changed: %q", id, sha, shas[id])
		}
	}
	statuses := map[int64]string{}
	for _, s := range queryStrings(t, q, `SELECT id || ' ' || status FROM incidents`) {
		id, st, _ := strings.Cut(s, " ")
		n, _ := strconv.ParseInt(id, 10, 64)
		statuses[n] = st
	}
	for id, st := range a.statuses {
		if statuses[id] != st {
			bad("acknowledged status %s of incident %d is %q", st, id, statuses[id])
		}
	}

	// Imports: each batch has all its rows or does not exist.
	if imp, ok := importService(db); ok {
		batches, _, err := imp.FindImportBatches(owner(), posdesk.ImportBatchFilter{})
		if err != nil {
			bad("import batches: %v", err)
		}
		rowsPer := setOf(queryPairs(t, q, `SELECT import_batch_id, count(*) FROM transactions WHERE import_batch_id IS NOT NULL GROUP BY import_batch_id`))
		known := map[int64]bool{}
		for _, b := range batches {
			known[b.ID] = true
			if got := rowsPer[b.ID]; got != int64(b.New) {
				bad("half import: batch %d says %d rows, %d stored", b.ID, b.New, got)
			}
		}
		for id, n := range rowsPer {
			if !known[id] {
				bad("half import: %d rows of batch %d, which does not exist", n, id)
			}
		}
		for id, n := range a.imports {
			if !known[id] || rowsPer[id] != int64(n) {
				bad("acknowledged import batch %d (%d rows) missing: %d rows stored", id, n, rowsPer[id])
			}
		}
	}

	// Packets: every acknowledged file complete with its hash; every file under a final name
	// complete; the hash on the incident is that of a packet on disk.
	onDisk := map[string]string{}
	entries, _ := os.ReadDir(packets)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue // a temporary file the kill left behind; never under a packet's name
		}
		if sha, ok := a.checked[name]; ok {
			onDisk[name] = sha
			continue
		}
		data, err := os.ReadFile(filepath.Join(packets, name))
		if err != nil {
			bad("packet %s: %v", name, err)
			continue
		}
		if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimRight(data, "\r\n"), []byte("%%EOF")) {
			bad("half-written packet under its name: %s (%d bytes)", name, len(data))
			continue
		}
		sum := sha256.Sum256(data)
		onDisk[name] = hex.EncodeToString(sum[:])
		a.checked[name] = onDisk[name]
	}
	for name, sha := range a.packets {
		if got, ok := onDisk[name]; a.removed[name] {
			continue
		} else if !ok {
			bad("acknowledged packet %s missing", name)
		} else if got != sha {
			bad("acknowledged packet %s has hash %s, acknowledged %s", name, got, sha)
		}
	}
	var recorded sql.NullString
	q.QueryRow(`SELECT packet_sha256 FROM incidents WHERE id = ?`, packetIncident).Scan(&recorded)
	if recorded.String != "" && !slices.Contains(slices.Collect(maps.Values(onDisk)), recorded.String) {
		bad("the incident records packet %s, which is not on disk", recorded.String)
	}
	// Packets are about 1 MB: keep only the one the incident records, once checked.
	for name, sha := range onDisk {
		if sha != recorded.String {
			os.Remove(filepath.Join(packets, name))
			a.removed[name] = true
		}
	}
	return reopen, problems
}

// queryStrings returns the first column of every row of query as text.
func queryStrings(t testing.TB, q *sql.DB, query string) []string {
	t.Helper()
	rows, err := q.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals...))
	}
	return out
}

// queryPairs returns the two integer columns of every row of query.
func queryPairs(t testing.TB, q *sql.DB, query string) [][2]int64 {
	t.Helper()
	rows, err := q.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var a, b int64
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		out = append(out, [2]int64{a, b})
	}
	return out
}

func setOf(pairs [][2]int64) map[int64]int64 {
	m := make(map[int64]int64, len(pairs))
	for _, p := range pairs {
		m[p[0]] = p[1]
	}
	return m
}
