// Command posdesk is the shop's back office for card and QR payments that went wrong. Without a
// sub-command it opens the window; sub-commands do the same work from a terminal and are the
// surface of the end-to-end tests.
//
// Exit codes: 0 ok, 1 failure (one line on stderr), 2 bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
	"github.com/posdesk/posdesk/internal/sqlite"
)

// command is one sub-command. Each lives in its own file and registers itself in init, so that
// rooms of the product add commands without editing a shared list.
type command struct {
	Name    string // "incident add" for nested commands
	Usage   string // arguments after the name, for help
	Summary string // one line, English; a translation key
	// Flags declares the command's own flags on fs. Every command also gets --db, --user,
	// --lang and --json.
	Flags func(fs *flag.FlagSet)
	// Run does the work. Return usageError for bad arguments.
	Run func(env *env, args []string) error
	// NoDB means Run opens no database (env.DB is nil).
	NoDB bool
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.Name]; dup {
		panic("posdesk: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// env is what a running command gets: the open database, the acting user's context, output.
type env struct {
	Ctx    context.Context
	DB     *sqlite.DB
	DBPath string // the open database's path; for NoDB commands the --db flag as given
	JSON   bool
	Lang   i18n.Lang
	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader
	Now    func() time.Time
	Loc    *time.Location
	User   string // --user
}

// usageError is a bad invocation: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{i18n.T(format, args...)} }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one invocation and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	// Messages may quote what the user typed; a card number typed into the wrong flag must not
	// come back in full on the terminal (or in a shell's scroll-back or a CI log).
	stderr = maskingWriter{stderr}
	i18n.SetLang(i18n.SystemLang())
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" {
		return runGUI(args, stderr)
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(stdout)
		return 0
	}
	cmd, rest := lookup(args)
	if cmd == nil {
		fmt.Fprintln(stderr, unknownCommand(args))
		return 2
	}
	fs := flag.NewFlagSet("posdesk "+cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbPath := fs.String("db", "", "database file (default: posdesk.db in the user's config folder)")
	user := fs.String("user", "", "act as this member of staff (PIN from POSDESK_PIN or a prompt)")
	lang := fs.String("lang", "", "language of messages: zh or en (default: from the system)")
	asJSON := fs.Bool("json", false, "print records as JSON")
	if cmd.Flags != nil {
		cmd.Flags(fs)
	}
	fs.VisitAll(func(f *flag.Flag) {
		if b, ok := f.Value.(boolValue); ok && b.IsBoolFlag() {
			f.Value = &yesNo{b}
		}
	})
	if err := fs.Parse(interleave(fs, rest)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printCommandHelp(stdout, cmd, fs)
			return 0
		}
		fmt.Fprintln(stderr, flagError(cmd.Name, err))
		return 2
	}
	if *lang != "" {
		i18n.SetLang(i18n.ParseLang(*lang))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	e := &env{Ctx: ctx, JSON: *asJSON, Lang: i18n.Current(), Stdout: stdout, Stderr: stderr, Stdin: stdin,
		Now: time.Now, Loc: time.Local, User: *user, DBPath: *dbPath}
	if !cmd.NoDB {
		path, err := resolveDBPath(*dbPath)
		if err != nil {
			fmt.Fprintln(stderr, i18n.Message(err))
			return 1
		}
		lock, err := lockShared(path)
		if err != nil {
			fmt.Fprintln(stderr, i18n.Message(err))
			return 1
		}
		defer lock.Unlock()
		// A database the user may not write (a copy on a CD or a locked USB stick, a file
		// without write permission) opens read-only: reading commands work, writing ones are
		// refused by the storage, saying why.
		db, notice, err := sqlite.OpenOrReadOnly(path)
		if err != nil {
			fmt.Fprintln(stderr, i18n.Message(err))
			logError(err)
			return 1
		}
		defer db.Close()
		e.DB, e.DBPath = db, path
		if e.Ctx, err = signIn(e); err != nil {
			fmt.Fprintln(stderr, i18n.Message(err))
			return 1
		}
		// Times typed and printed are the shop's: its time zone from Settings, else the PC's.
		e.Loc = shopLocation(e.Ctx, db, e.Loc)
		if notice != nil {
			// Said after the command's own output, and only when it worked: a refused write
			// says why itself.
			defer func() {
				if code == 0 {
					fmt.Fprintln(stderr, i18n.Message(notice))
				}
			}()
		}
	}
	if err := cmd.Run(e, fs.Args()); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, "posdesk "+cmd.Name+": "+ue.msg)
			return 2
		}
		fmt.Fprintln(stderr, i18n.Message(err))
		logError(err)
		return 1
	}
	return 0
}

// lockShared takes the shared-use lock of the database at path, as every process using it does,
// so that a restore never replaces it under a running command or window (see sqlite.LockShared).
//
// A user who may not write the database (sqlite.Writable) takes no lock; the database then opens
// read-only (sqlite.OpenOrReadOnly). In a read-only folder (a CD, a locked USB stick) the lock
// file cannot be created; beside a file somebody else owns, a lock file this user created would
// be theirs alone and would lock the owner out. Nothing is lost without it: a restore renames
// files in the folder, which a read-only folder refuses, and a process that only reads keeps
// reading the file it opened even if somebody else's restore renames another into its place.
func lockShared(path string) (*sqlite.InstanceLock, error) {
	if sqlite.Writable(path) != "" {
		return nil, nil
	}
	return sqlite.LockShared(path)
}

// lookup finds the longest registered command name at the start of args.
func lookup(args []string) (*command, []string) {
	if len(args) >= 2 {
		if c, ok := commands[args[0]+" "+args[1]]; ok {
			return c, args[2:]
		}
	}
	if c, ok := commands[args[0]]; ok {
		return c, args[1:]
	}
	return nil, nil
}

// unknownCommand returns the message for args that start with no command's name. It quotes only
// the words meant as the command: the first, and the second when it is not a flag and either the
// first starts nested commands ("incident shw") or the two words are nearer a nested command
// than the first alone ("incdent show"). A group name alone lists its sub-commands; a near miss
// (within two letters) gets the command meant.
func unknownCommand(args []string) string {
	first, second := args[0], ""
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		second = args[1]
	}
	name := first
	near, d := closestCommand(first)
	if subs := subCommands(first); len(subs) > 0 {
		if second == "" {
			return i18n.T("posdesk %[1]s needs one more word: %[2]s. Run posdesk help for the list.", first, strings.Join(subs, ", "))
		}
		name = first + " " + second
		near, _ = closestCommand(name)
	} else if second != "" {
		if n2, d2 := closestCommand(first + " " + second); n2 != "" && (near == "" || d2 < d) {
			name, near = first+" "+second, n2
		}
	}
	if near != "" {
		return i18n.T("posdesk: unknown command %[1]q. Did you mean posdesk %[2]s? Run posdesk help for the list.", name, near)
	}
	return i18n.T("posdesk: unknown command %q; run posdesk help for the list.", name)
}

// subCommands returns the nested commands under group ("incident" gives "incident add",
// "incident show"...), sorted.
func subCommands(group string) []string {
	var out []string
	for n := range commands {
		if strings.HasPrefix(n, group+" ") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// closestCommand returns the command name nearest to name and its distance when it is at most
// two letters away (and name is longer than that, so "ab" suggests nothing), or "". Case is
// ignored; ties go to the first in alphabetical order.
func closestCommand(name string) (string, int) {
	name = strings.ToLower(name)
	best, bestD := "", 3
	for n := range commands {
		d := levenshtein(name, n)
		if d < bestD || d == bestD && n < best {
			best, bestD = n, d
		}
	}
	if best == "" || bestD >= len([]rune(name)) {
		return "", 0
	}
	return best, bestD
}

// levenshtein returns the edit distance between a and b in runes: the fewest insertions,
// deletions and substitutions that turn one into the other.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// interleave lets flags follow positional arguments (posdesk attach 7 slip.jpg --caption x) by
// moving every flag and its value ahead of the positional ones.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		}
	}
	return append(flags, pos...)
}

// DefaultDBPath returns the database path used when --db is not given: posdesk/posdesk.db in the
// user's config directory (~/.config on Linux, %AppData% on Windows). POSDESK_DB overrides it.
func DefaultDBPath() (string, error) {
	if p := os.Getenv("POSDESK_DB"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", &posdesk.Error{Code: posdesk.EINTERNAL, Format: "Cannot find the user's config folder; give the database with --db FILE.", Err: err}
	}
	return filepath.Join(dir, "posdesk", "posdesk.db"), nil
}

func resolveDBPath(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	return DefaultDBPath()
}

// signIn returns the context acting as the user of this invocation.
func signIn(e *env) (context.Context, error) {
	u, err := cliUser(e)
	if err != nil {
		return e.Ctx, err
	}
	return posdesk.NewContextWithUser(e.Ctx, u), nil
}

// cliUser decides who the command acts as. Until the first staff account exists (posdesk staff
// init) every command acts as the implicit owner, named "owner" or by --user: a fresh shop and
// scripted tests need no sign-in. Once accounts exist, every command that opens the database,
// reading ones included, needs --user NAME (or POSDESK_USER) and that person's PIN
// (POSDESK_PIN, or asked on the terminal without echo); wrong PINs are throttled and logged like
// in the window.
var cliUser = func(e *env) (*posdesk.User, error) {
	n, err := e.DB.CountStaff(e.Ctx)
	if err != nil {
		return nil, err
	}
	name := e.User
	if name == "" {
		name = getenv("POSDESK_USER")
	}
	if n == 0 {
		if name == "" {
			name = "owner"
		}
		return &posdesk.User{Name: name, Role: posdesk.RoleOwner}, nil
	}
	if name == "" {
		return nil, posdesk.Errorf(posdesk.EFORBIDDEN, "This shop has staff accounts: say who you are with --user NAME (or POSDESK_USER) and give your PIN in POSDESK_PIN or when asked.")
	}
	pin, err := actorPIN(e, name)
	if err != nil {
		return nil, err
	}
	return e.DB.SignIn(e.Ctx, name, pin)
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, i18n.T("posdesk: the back office for card and QR payments that went wrong."))
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T("Usage: posdesk [command] [flags]; with no command it opens the window."))
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  %-34s %s\n", n+" "+c.Usage, i18n.T(c.Summary))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T("Every command takes --db FILE, --user NAME, --lang zh|en and --json."))
}

func printCommandHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "posdesk %s %s\n  %s\n\n", c.Name, c.Usage, i18n.T(c.Summary))
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// logError appends err's full chain to the log file beside the default database, for support.
// The folder is created when missing: a shop that always passes --db has never had posdesk
// create it, and its errors must be logged all the same.
func logError(err error) {
	path, perr := DefaultDBPath()
	if perr != nil {
		return
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	f, ferr := os.OpenFile(filepath.Join(dir, "posdesk.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if ferr != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s error: %s\n", time.Now().Format(time.RFC3339), posdesk.MaskText(err.Error()))
}

// maskingWriter masks card numbers in everything written through it (posdesk.MaskText). Each
// Write is masked on its own, so callers write whole lines.
type maskingWriter struct{ w io.Writer }

func (m maskingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(m.w, posdesk.MaskText(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// flagError translates the flag package's English parse errors into a message that says which
// flag is wrong and where to look.
func flagError(cmd string, err error) string {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "flag provided but not defined: "):
		return i18n.T("posdesk %[1]s: there is no flag %[2]s; run posdesk %[1]s --help to see the flags.", cmd, strings.TrimPrefix(msg, "flag provided but not defined: "))
	case strings.HasPrefix(msg, "flag needs an argument: "):
		return i18n.T("posdesk %[1]s: flag %[2]s needs a value, for example %[2]s VALUE.", cmd, strings.TrimPrefix(msg, "flag needs an argument: "))
	case strings.HasPrefix(msg, "invalid boolean value "):
		// invalid boolean value "maybe" for -json: parse error
		rest := strings.TrimPrefix(msg, "invalid boolean value ")
		value, err := strconv.QuotedPrefix(rest)
		if err != nil {
			break
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(rest[len(value):], " for -"), ":")
		value, _ = strconv.Unquote(value)
		return i18n.T("posdesk %[1]s: the option --%[2]s takes yes or no (true or false); %[3]q is not one of them.", cmd, name, value)
	case strings.HasPrefix(msg, "invalid value "):
		// invalid value "x" for flag -n: parse error
		name := msg
		if i := strings.Index(msg, " for flag "); i >= 0 {
			name = msg[i+len(" for flag "):]
			if j := strings.Index(name, ":"); j >= 0 {
				name = name[:j]
			}
		}
		return i18n.T("posdesk %[1]s: the value given to %[2]s is not valid; run posdesk %[1]s --help to see what it takes.", cmd, name)
	}
	return i18n.T("posdesk %s: %s", cmd, msg)
}

// boolValue is a flag value that needs no argument (flag.Bool's).
type boolValue interface {
	flag.Value
	IsBoolFlag() bool
}

// yesNo is a yes/no flag that also takes yes, no, y, n, on and off (any case) besides the
// flag package's true, false, 1 and 0, so --json=yes means what it says.
type yesNo struct{ boolValue }

// Set implements flag.Value.
func (v *yesNo) Set(s string) error {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y", "on":
		s = "true"
	case "no", "n", "off":
		s = "false"
	}
	return v.boolValue.Set(s)
}

// String implements flag.Value; the flag package calls it on a zero yesNo for help.
func (v *yesNo) String() string {
	if v == nil || v.boolValue == nil {
		return "false"
	}
	return v.boolValue.String()
}

// IsBoolFlag reports that the flag needs no value.
func (v *yesNo) IsBoolFlag() bool { return true }
