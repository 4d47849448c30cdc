package main

import (
	"flag"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/demo"
	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

func init() {
	f := &demoFlags{}
	register(&command{
		Name:    "demo",
		Usage:   "[--transactions N] [--seed S] [--end TIME] [--force]",
		Summary: "Fill the database with a realistic demo shop: terminals, weeks of sales, failures, reversals, voids and refunds.",
		Flags:   f.declare,
		Run:     f.run,
	})
}

// demoPart is a part of the demo made after the ledger: incidents, refund cases and the like.
type demoPart struct {
	// Name says what the part adds, in English ("incidents"); a translation key.
	Name string
	// Run adds the part's records to e.DB, acting as e.Ctx's user, and returns how many it
	// added. By then the shop's ledger is stored: shop.Notable holds its failures, reversals,
	// voids and refunds of the last weeks, with their IDs. Draw randomness from
	// shop.Rand(Name), so the same seed gives the same demo.
	Run func(e *env, shop *demo.Shop) (int, error)
}

// demoParts are run in order after the ledger of posdesk demo. Other parts of posdesk add
// theirs from an init function in their own file:
//
//	func init() { demoParts = append(demoParts, demoPart{Name: "incidents", Run: demoIncidents}) }
var demoParts []demoPart

// demoFlags are the flags of posdesk demo.
type demoFlags struct {
	transactions, seed, end string
	force                   bool
}

func (f *demoFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.transactions, "transactions", strconv.Itoa(demo.DefaultTransactions), "how many ledger records to make (1 to 10000000)")
	fs.StringVar(&f.seed, "seed", "1", "random seed; the same seed (and --end) makes the same shop")
	fs.StringVar(&f.end, "end", "", `the demo's "now": the last record is no later (default now)`)
	fs.BoolVar(&f.force, "force", false, "add demo records even though the database holds real ones")
}

// demoSummary is what posdesk demo --json prints.
type demoSummary struct {
	Added     int            `json:"added"`
	FirstID   int64          `json:"first_id"`
	LastID    int64          `json:"last_id"`
	Seconds   float64        `json:"seconds"`
	Shop      string         `json:"shop"`
	Merchant  string         `json:"merchant"`
	Terminals []string       `json:"terminals"`
	From      string         `json:"from"`
	To        string         `json:"to"`
	ByKind    map[string]int `json:"by_kind"`
	ByStatus  map[string]int `json:"by_status"`
	Parts     map[string]int `json:"parts,omitempty"` // records added by each demoPart
}

func (f *demoFlags) run(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("Unexpected argument %q; posdesk demo takes only flags.", args[0])
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.transactions))
	if err != nil || n < 1 || n > 10_000_000 {
		return usagef("--transactions must be a whole number from 1 to 10000000 (you gave %q).", f.transactions)
	}
	seed, err := strconv.ParseUint(strings.TrimSpace(f.seed), 10, 64)
	if err != nil {
		return usagef("--seed must be a whole number from 0 to 18446744073709551615 (you gave %q).", f.seed)
	}
	end := e.Now()
	if f.end != "" {
		var ok bool
		if end, ok = parseTimeFlag(f.end, e.Now(), e.Loc); !ok {
			return usagef("--end %q is not a date and time; write it like \"2026-09-20 18:00\" or 2026-09-20T18:00:00+08:00.", f.end)
		}
	}
	if !f.force {
		real, err := e.DB.CountTransactionsNotFrom(e.Ctx, posdesk.SourceDemo)
		if err != nil {
			return err
		}
		if real > 0 {
			return posdesk.Errorf(posdesk.ECONFLICT, "This database already holds %d transactions that are not demo data, and demo records would mix with them. Use another database (--db FILE), or add --force.", real)
		}
	}
	var shop *demo.Shop
	start := time.Now()
	res, err := e.DB.CreateTransactionsFrom(e.Ctx, posdesk.SourceDemo, func(first int64) iter.Seq[*posdesk.Transaction] {
		shop = demo.NewShop(demo.Config{Seed: seed, Transactions: n, End: end, Loc: e.Loc, FirstID: first})
		return shop.Transactions()
	})
	if err != nil {
		return err
	}
	added := map[string]int{}
	for _, p := range demoParts {
		n, err := p.Run(e, shop)
		if err != nil {
			return err
		}
		added[p.Name] = n
	}
	took := time.Since(start)
	st := shop.Stats
	var terminals []string
	for _, t := range shop.Terminals {
		terminals = append(terminals, t.ID)
	}
	if e.JSON {
		s := demoSummary{Added: res.Count, FirstID: res.FirstID, LastID: res.LastID, Seconds: took.Seconds(),
			Shop: shop.Name, Merchant: shop.Merchant, Terminals: terminals,
			From: st.First.In(e.Loc).Format(time.RFC3339), To: st.Last.In(e.Loc).Format(time.RFC3339),
			ByKind: map[string]int{}, ByStatus: map[string]int{}, Parts: added}
		for k, v := range st.ByKind {
			s.ByKind[string(k)] = v
		}
		for k, v := range st.ByStatus {
			s.ByStatus[string(k)] = v
		}
		return writeJSON(e.Stdout, s)
	}
	w := e.Stdout
	fmt.Fprintln(w, i18n.T("Added %d demo transactions (IDs %d to %d) in %.1f s, %.0f per second.", res.Count, res.FirstID, res.LastID, took.Seconds(), float64(res.Count)/took.Seconds()))
	fmt.Fprintln(w, i18n.T("Shop: %s, merchant ID %s, terminals %s.", shop.Name, shop.Merchant, strings.Join(terminals, ", ")))
	fmt.Fprintln(w, i18n.T("From %s to %s.", st.First.In(e.Loc).Format("2006-01-02 15:04"), st.Last.In(e.Loc).Format("2006-01-02 15:04")))
	for _, p := range demoParts {
		fmt.Fprintln(w, i18n.T("Also added: %d %s.", added[p.Name], i18n.T(p.Name)))
	}
	fmt.Fprintln(w)
	tbl := &textTable{header: []string{i18n.T("Kind"), i18n.T("Count"), i18n.T("Status"), i18n.T("Count")}, right: map[int]bool{1: true, 3: true}}
	rows := max(len(posdesk.TxKinds), len(posdesk.TxStatuses))
	for i := 0; i < rows; i++ {
		cells := []string{"", "", "", ""}
		if i < len(posdesk.TxKinds) {
			k := posdesk.TxKinds[i]
			cells[0], cells[1] = i18n.T(k.Title()), strconv.Itoa(st.ByKind[k])
		}
		if i < len(posdesk.TxStatuses) {
			s := posdesk.TxStatuses[i]
			cells[2], cells[3] = i18n.T(s.Title()), strconv.Itoa(st.ByStatus[s])
		}
		tbl.add(cells...)
	}
	return tbl.write(w)
}
