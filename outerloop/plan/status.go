package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/policy"
)

// Status is what the loop reports about itself: the body of the pinned
// status issue, and what `nanobots status` prints. MakeStatus builds it with
// no I/O; Markdown and WriteText render the same value two ways.
type Status struct {
	Repo     string `json:"repo"`
	Board    string `json:"board"`
	BoardURL string `json:"board_url"`
	// Now is when the report was made: the cycle's time.
	Now time.Time `json:"now"`
	// RunURL is the Actions run that made it, when it ran in Actions.
	RunURL string `json:"run_url,omitempty"`
	// Activity says in one word what the loop is doing; Summary says it
	// in a sentence.
	Activity Activity `json:"activity"`
	Summary  string   `json:"summary"`
	// Counts are the board's items per Status option: the loop's states
	// in board order, then any other option in use, then "(no status)".
	Counts []StateCount `json:"counts"`
	// InFlight is how many items are In Progress, In Review or Verify.
	InFlight int `json:"in_flight"`
	// WIP is how many items are In Progress or In Review, against
	// WIPLimit, the config's wip_limit.
	WIP      int `json:"wip"`
	WIPLimit int `json:"wip_limit"`
	// ByHand is how many of the WIP a person started by hand (their own
	// trigger comment): the loop never dispatches past the limit, but a
	// maintainer may.
	ByHand int `json:"by_hand,omitempty"`
	// OnHuman are the items that wait for a person, and why.
	OnHuman []Wait `json:"on_human"`
	// Blocked are the items in Blocked that wait on no person (they are
	// in OnHuman otherwise), and why.
	Blocked []Wait `json:"blocked"`
	// Recent are the loop's latest actions, newest first: this cycle's,
	// then those the status issue listed before, RecentActions at most.
	Recent []Event `json:"recent"`
	// Pending are actions the plan holds that were not carried out (all
	// of them when nothing is written, as in `nanobots status`).
	Pending []string `json:"pending,omitempty"`
	// Problems are what a maintainer must fix.
	Problems []string `json:"problems,omitempty"`
	// Points is the GraphQL points the cycle used, Remaining those left
	// this hour.
	Points    int `json:"points"`
	Remaining int `json:"remaining"`
	// Heartbeat is the config's heartbeat_interval.
	Heartbeat policy.Duration `json:"heartbeat_interval"`
	// Issue is the status issue's number (0 when there is none yet), and
	// Written when its body was last rewritten (zero when never by the loop).
	Issue   int       `json:"issue,omitempty"`
	Written time.Time `json:"written,omitzero"`
	// Hash is a digest of everything the report says except when it was
	// made and what it cost: the same hash means nothing worth a rewrite
	// changed.
	Hash string `json:"hash"`

	prev previousStatus
}

// Activity is what the loop is doing, in one word.
type Activity string

// The three activities. Waiting on people is kept apart from idle: the
// loop has nothing to do in both, but in one a person holds the work up.
const (
	// ActivityWorking: items are In Progress, In Review or Verify, or
	// actions are still to be carried out.
	ActivityWorking Activity = "working"
	// ActivityWaiting: nothing for the loop to do, and items wait on a
	// person.
	ActivityWaiting Activity = "waiting on people"
	// ActivityIdle: nothing to do and nobody needed.
	ActivityIdle Activity = "idle"
)

// StateCount is how many of the board's items are in one Status option.
type StateCount struct {
	State string `json:"state"`
	Items int    `json:"items"`
}

// Event is one of the loop's actions as the status issue lists it.
type Event struct {
	At time.Time `json:"at"`
	// Text is Markdown, safe inside a list item: "#12: dispatch attempt 1
	// — Ready, priority P1 …". It is read back from the previous body as
	// written, so it is never escaped twice.
	Text string `json:"text"`
	// URL is the comment the action posted, if it posted one.
	URL string `json:"url,omitempty"`
}

// commentLink ends an event's line when the action posted a comment.
const commentLink = " ([comment]("

func (e Event) markdown() string {
	line := e.At.UTC().Format(eventTime) + " · " + e.Text
	if e.URL != "" {
		line += commentLink + e.URL + "))"
	}
	return line
}

// RecentActions is how many of the loop's latest actions the status issue
// keeps.
const RecentActions = 10

// StatusInput is what a status report is made from.
type StatusInput struct {
	Snapshot *Snapshot
	Policy   *policy.Policy
	Plan     Plan
	// Done are the actions carried out this cycle, in order (failed and
	// skipped ones included); Pending the planned ones not carried out.
	Done    []Done
	Pending []Action
	// RunURL is the Actions run's address, or "".
	RunURL string
	// Points and Remaining are the GraphQL points used and left.
	Points, Remaining int
}

// MakeStatus builds the report of a cycle: the board as it stands once the
// Done actions are carried out, who is needed and why, and the latest
// actions (this cycle's, then those the status issue listed before, when a
// trusted author wrote it). It does no I/O.
func MakeStatus(in StatusInput) *Status {
	s, p, now := in.Snapshot, in.Policy, in.Plan.Now
	st := &Status{
		Repo: s.Repo, Now: now, RunURL: in.RunURL, WIPLimit: p.Config.WIPLimit,
		Points: in.Points, Remaining: in.Remaining, Heartbeat: p.Config.HeartbeatInterval,
	}
	if s.Board != nil {
		st.Board, st.BoardURL = s.Board.Title, s.Board.URL
	}
	if s.StatusIssue != nil {
		st.Issue = s.StatusIssue.Number
		st.prev = parseStatus(s.StatusIssue.Body)
		st.Written = st.prev.written
	}

	// The board as observed, then as the actions carried out left it.
	state := map[int]string{}
	titles := map[int]string{}
	var order []int
	for _, it := range s.Items {
		state[it.Number()] = it.Status()
		titles[it.Number()] = it.Content.Title
		order = append(order, it.Number())
	}
	for _, is := range s.New {
		titles[is.Number] = is.Title
	}
	for _, d := range in.Done {
		if d.Err != "" || d.Skipped != "" {
			continue
		}
		if d.Kind == AddToBoard || d.Kind == SetField && d.Field == policy.FieldStatus {
			if _, ok := state[d.Issue]; !ok {
				order = append(order, d.Issue)
			}
			state[d.Issue] = d.Value
		}
	}
	n := map[string]int{}
	for _, num := range order {
		n[state[num]]++
	}
	for _, name := range policy.Statuses {
		st.Counts = append(st.Counts, StateCount{name, n[name]})
		delete(n, name)
	}
	var other []string
	for name := range n {
		if name != "" {
			other = append(other, name)
		}
	}
	slices.Sort(other)
	for _, name := range other {
		st.Counts = append(st.Counts, StateCount{name, n[name]})
	}
	if n[""] > 0 {
		st.Counts = append(st.Counts, StateCount{noStatus, n[""]})
	}
	for _, it := range s.Items {
		if HoldsSlot(it, state[it.Number()]) {
			st.WIP++
			if it.Issue != nil {
				if d := ledger.Last(s.Trust.Notes(it.Issue), ledger.MarkDispatch); d != nil && d.Fields["by"] != "" {
					st.ByHand++
				}
			}
		}
	}
	st.InFlight = st.WIP + st.count(policy.StatusVerify)

	// Who is needed. The plan's waits describe the board after the plan.
	why := map[int]string{}
	for _, w := range in.Plan.Waiting {
		if w.OnHuman {
			st.OnHuman = append(st.OnHuman, w)
		}
		if _, ok := why[w.Issue]; !ok {
			why[w.Issue] = w.Why
		}
	}
	for _, num := range order {
		if state[num] != policy.StatusBlocked || slices.ContainsFunc(st.OnHuman, func(w Wait) bool { return w.Issue == num }) {
			continue
		}
		st.Blocked = append(st.Blocked, Wait{Issue: num, Title: titles[num], Status: policy.StatusBlocked, Why: why[num]})
	}

	// The latest actions: this cycle's, newest first, then the earlier ones.
	for i := len(in.Done) - 1; i >= 0; i-- {
		st.Recent = append(st.Recent, doneEvent(in.Done[i]))
	}
	st.Recent = append(st.Recent, st.prev.recent...)
	st.Recent = st.Recent[:min(len(st.Recent), RecentActions)]
	for _, a := range in.Pending {
		st.Pending = append(st.Pending, a.String())
	}

	st.Problems = slices.Clone(in.Plan.Problems)
	if msg := pinProblem(s); msg != "" {
		st.Problems = append(st.Problems, msg)
	}
	st.Activity, st.Summary = st.activity()
	st.Hash = digest(st.content())
	return st
}

const noStatus = "(no status)"

// maxPinned is how many issues GitHub lets a repository pin.
const maxPinned = 3

// pinProblem says why the status issue cannot be pinned, or "".
func pinProblem(s *Snapshot) string {
	if (s.StatusIssue == nil || !s.StatusIssue.Pinned) && s.Pinned >= maxPinned {
		return "three issues are pinned; unpin one so the status issue can be pinned"
	}
	return ""
}

func (st *Status) count(state string) int {
	for _, c := range st.Counts {
		if c.State == state {
			return c.Items
		}
	}
	return 0
}

// activity says what the loop is doing, from the board alone (not from
// what this cycle did), so a cycle that changes nothing says the same.
func (st *Status) activity() (Activity, string) {
	people := ""
	if n := len(st.OnHuman); n > 0 {
		people = fmt.Sprintf("; %s on people", waitWord(n))
	}
	switch {
	case st.InFlight > 0 || len(st.Pending) > 0:
		var what []string
		for _, state := range []string{policy.StatusInProgress, policy.StatusInReview, policy.StatusVerify} {
			if n := st.count(state); n > 0 {
				what = append(what, fmt.Sprintf("%d %s", n, state))
			}
		}
		if len(st.Pending) > 0 {
			what = append(what, Plural(len(st.Pending), "action")+" still to carry out")
		}
		return ActivityWorking, "Working: " + strings.Join(what, ", ") + people + "."
	case len(st.OnHuman) > 0:
		need := fmt.Sprintf("%d items need", len(st.OnHuman))
		if len(st.OnHuman) == 1 {
			need = "1 item needs"
		}
		return ActivityWaiting, "Waiting on people: " + need + " a person, and the loop has nothing else to do."
	}
	if ready := st.count(policy.StatusReady) + st.count(policy.StatusBacklog); ready > 0 {
		return ActivityIdle, fmt.Sprintf("Idle: nothing to do now; %s in Ready or Backlog until a slot or a blocker frees.", waitWord(ready))
	}
	return ActivityIdle, "Idle: nothing to do."
}

func waitWord(n int) string {
	if n == 1 {
		return "1 item waits"
	}
	return fmt.Sprintf("%d items wait", n)
}

// doneEvent is the status issue's line for an action carried out.
func doneEvent(d Done) Event {
	text := d.Action.String()
	switch {
	case d.Err != "":
		text = "✗ " + text + " — failed: " + clip(d.Err, 100)
	case d.Skipped != "":
		text += " — skipped: " + clip(d.Skipped, 100)
	case d.Why != "":
		text += " — " + clip(d.Why, 100)
	}
	e := Event{At: d.At.UTC().Truncate(time.Minute), Text: inline(text)}
	if d.Err == "" && !strings.ContainsAny(d.URL, " ()") {
		e.URL = d.URL
	}
	return e
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// inline makes text that anyone may have written (a title, an author's
// login) safe in one Markdown list item: no line breaks, no markup, no
// links or images, and no @mention that would notify someone.
var inlineReplacer = strings.NewReplacer(
	"\r", " ", "\n", " ",
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "|", `\|`, "!", `\!`, "~", `\~`,
	"@", "@\u200b", // a zero-width space after @ keeps GitHub from mentioning
)

func inline(s string) string { return inlineReplacer.Replace(s) }

// plainReplacer undoes inline, for the terminal.
var plainReplacer = strings.NewReplacer(
	`\\`, `\`, "\\`", "`", `\*`, "*", `\_`, "_", `\[`, "[", `\]`, "]",
	"&lt;", "<", "&gt;", ">", `\|`, "|", `\!`, "!", `\~`, "~", "\u200b", "",
)

func plain(md string) string { return plainReplacer.Replace(md) }

func digest(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:8])
}

// The headings of the body's sections; parseStatus finds the lists by them.
const (
	headNeeds   = "### Needs a person"
	headBlocked = "### Blocked"
	headRecent  = "### Latest actions"
	headPending = "### Not carried out yet"
	headProblem = "### Problems"
)

// eventTime is how an event's time is written, to the minute.
const eventTime = "2006-01-02 15:04 UTC"

// Markdown is the status issue's body: the marker (with the hash and the
// time of this rewrite), a line that changes with every rewrite (when,
// which run, what it cost), and then the content the hash covers.
func (st *Status) Markdown() string {
	var b strings.Builder
	b.WriteString(ledger.Marker{Kind: ledger.MarkStatus, Fields: map[string]string{
		"hash": st.Hash, "written": st.Now.UTC().Format(time.RFC3339),
	}}.String())
	b.WriteString("\n")
	fmt.Fprintf(&b, "Rewritten %s", st.Now.UTC().Format(eventTime))
	if st.RunURL != "" {
		fmt.Fprintf(&b, " by [this run](%s)", st.RunURL)
	}
	fmt.Fprintf(&b, " · %d GraphQL points used by the cycle, %d left this hour\n", st.Points, st.Remaining)
	b.WriteString(st.content())
	return b.String()
}

// content is the part of the body the hash covers: everything but when it
// was written and what the cycle cost.
func (st *Status) content() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n**%s**\n\n", inline(st.Summary))
	fmt.Fprintf(&b, "The loop rewrites this issue when what it reports changes, and otherwise every %s: if the time above is older than that, the loop is not running.\n\n", st.Heartbeat)

	board := inline(st.Board)
	if board == "" {
		board = "board"
	}
	if st.BoardURL != "" {
		board = fmt.Sprintf("[%s](%s)", board, st.BoardURL)
	}
	fmt.Fprintf(&b, "### Board %s\n\n", board)
	fmt.Fprintf(&b, "%d of %d in progress or in review (wip\\_limit)%s.\n\n", st.WIP, st.WIPLimit, st.byHand())
	b.WriteString(st.mermaid())
	var others []string
	for _, c := range st.Counts[min(len(policy.Statuses), len(st.Counts)):] {
		others = append(others, fmt.Sprintf("%s: %d", inline(c.State), c.Items))
	}
	if len(others) > 0 {
		fmt.Fprintf(&b, "\nNot in the loop's states: %s.\n", strings.Join(others, ", "))
	}

	fmt.Fprintf(&b, "\n%s (%d)\n\n", headNeeds, len(st.OnHuman))
	if len(st.OnHuman) == 0 {
		b.WriteString("Nobody: the loop needs no one.\n")
	}
	writeWaits(&b, st.OnHuman)
	if len(st.Blocked) > 0 {
		fmt.Fprintf(&b, "\n%s (%d)\n\n", headBlocked, len(st.Blocked))
		writeWaits(&b, st.Blocked)
	}
	if len(st.Pending) > 0 {
		fmt.Fprintf(&b, "\n%s\n\n", headPending)
		for _, p := range st.Pending[:min(len(st.Pending), maxListed)] {
			fmt.Fprintf(&b, "- %s\n", inline(p))
		}
		if n := len(st.Pending) - maxListed; n > 0 {
			fmt.Fprintf(&b, "- and %d more\n", n)
		}
	}
	fmt.Fprintf(&b, "\n%s\n\n", headRecent)
	if len(st.Recent) == 0 {
		b.WriteString("None yet.\n")
	}
	for _, e := range st.Recent {
		fmt.Fprintf(&b, "- %s\n", e.markdown())
	}
	if len(st.Problems) > 0 {
		fmt.Fprintf(&b, "\n%s\n\n", headProblem)
		for _, p := range st.Problems {
			fmt.Fprintf(&b, "- %s\n", inline(p))
		}
	}
	b.WriteString("\n<sub>Written by `nanobots loop`; edits by hand are overwritten. `nanobots status` prints the same report in a terminal.</sub>\n")
	return b.String()
}

// maxListed is how many items a list of the body shows in full. The rest
// are named by number only, so the body stays under GitHub's 65,536
// characters on any board, and the next cycle still knows every item that
// was listed as needing a person.
const maxListed = 60

// maxNumbered is how many more items a list names by number alone, past
// maxListed. Past both, items are counted, not named, so the body stays
// under GitHub's limit however many items wait; the loop announces each of
// them once it moves up into the named part of the list.
const maxNumbered = 3000

// named are the waits a list of the body names, in full or by number.
func named(ws []Wait) []Wait { return ws[:min(len(ws), maxListed+maxNumbered)] }

func writeWaits(b *strings.Builder, ws []Wait) {
	for _, w := range ws[:min(len(ws), maxListed)] {
		b.WriteString(waitLine(w))
	}
	if len(ws) > maxListed {
		byNumber := named(ws)[maxListed:]
		fmt.Fprintf(b, "- and %d more: %s", len(ws)-maxListed, IssueList(WaitIssues(byNumber)))
		if rest := len(ws) - maxListed - len(byNumber); rest > 0 {
			fmt.Fprintf(b, "; %d of them not named here", rest)
		}
		b.WriteString("\n")
	}
}

func waitLine(w Wait) string {
	line := fmt.Sprintf("- #%d %s (%s)", w.Issue, inline(clip(w.Title, 100)), inline(w.Status))
	if w.Why != "" {
		line += ": " + inline(clip(w.Why, 200))
	}
	return line + "\n"
}

// mermaid draws the board's states as a flowchart with their counts, the
// way work moves through them; empty states are greyed out.
func (st *Status) mermaid() string {
	id := map[string]string{
		policy.StatusInbox: "inbox", policy.StatusBacklog: "backlog", policy.StatusReady: "ready",
		policy.StatusInProgress: "progress", policy.StatusInReview: "review", policy.StatusVerify: "verify",
		policy.StatusDone: "done", policy.StatusBlocked: "blocked",
	}
	var b strings.Builder
	b.WriteString("```mermaid\nflowchart LR\n")
	node := func(state string) string {
		return fmt.Sprintf("%s[\"%s: %d\"]", id[state], state, st.count(state))
	}
	flow := []string{policy.StatusInbox, policy.StatusBacklog, policy.StatusReady, policy.StatusInProgress,
		policy.StatusInReview, policy.StatusVerify, policy.StatusDone}
	b.WriteString("  " + node(flow[0]))
	for _, s := range flow[1:] {
		b.WriteString(" --> " + node(s))
	}
	b.WriteString("\n  " + node(policy.StatusBlocked) + "\n")
	for _, from := range []string{policy.StatusInbox, policy.StatusInProgress, policy.StatusVerify} {
		fmt.Fprintf(&b, "  %s -.-> %s\n", id[from], id[policy.StatusBlocked])
	}
	b.WriteString("  classDef empty fill:#f6f8fa,stroke:#d0d7de,color:#8c959f\n")
	b.WriteString("  classDef busy fill:#ddf4ff,stroke:#54aeff\n")
	b.WriteString("  classDef stuck fill:#ffebe9,stroke:#ff8182\n")
	var empty, busy []string
	for _, s := range policy.Statuses {
		switch {
		case st.count(s) == 0:
			empty = append(empty, id[s])
		case s == policy.StatusBlocked:
			b.WriteString("  class blocked stuck\n")
		default:
			busy = append(busy, id[s])
		}
	}
	if len(empty) > 0 {
		fmt.Fprintf(&b, "  class %s empty\n", strings.Join(empty, ","))
	}
	if len(busy) > 0 {
		fmt.Fprintf(&b, "  class %s busy\n", strings.Join(busy, ","))
	}
	b.WriteString("```\n")
	return b.String()
}

// WriteText writes the report for a terminal: the same content as the
// status issue, as plain text.
func (st *Status) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, board %q (%s)\n", st.Repo, st.Board, st.BoardURL)
	fmt.Fprintf(&b, "%s\n\n", st.Summary)
	var counts []string
	for _, c := range st.Counts {
		counts = append(counts, fmt.Sprintf("%s %d", c.State, c.Items))
	}
	fmt.Fprintf(&b, "  %s\n", strings.Join(counts, " · "))
	fmt.Fprintf(&b, "  %d of %d in progress or in review (wip_limit)%s\n", st.WIP, st.WIPLimit, st.byHand())
	writeWaits := func(title string, ws []Wait) {
		if len(ws) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s:\n", title)
		for _, wt := range ws {
			fmt.Fprintf(&b, "  #%d %s (%s)", wt.Issue, wt.Title, wt.Status)
			if wt.Why != "" {
				fmt.Fprintf(&b, ": %s", wt.Why)
			}
			b.WriteString("\n")
		}
	}
	writeWaits("needs a person", st.OnHuman)
	writeWaits("blocked", st.Blocked)
	if len(st.Pending) > 0 {
		b.WriteString("\nnot carried out yet:\n")
		for _, p := range st.Pending {
			fmt.Fprintf(&b, "  %s\n", p)
		}
	}
	if len(st.Recent) > 0 {
		b.WriteString("\nlatest actions:\n")
		for _, e := range st.Recent {
			fmt.Fprintf(&b, "  %s  %s", e.At.UTC().Format(eventTime), plain(e.Text))
			if e.URL != "" {
				fmt.Fprintf(&b, " (%s)", e.URL)
			}
			b.WriteString("\n")
		}
	}
	for _, p := range st.Problems {
		fmt.Fprintf(&b, "\nproblem: %s\n", p)
	}
	b.WriteString("\n")
	switch {
	case st.Issue == 0:
		b.WriteString("no status issue yet: the next cycle creates it")
	case st.Written.IsZero():
		fmt.Fprintf(&b, "status issue #%d, not yet written by the loop", st.Issue)
	default:
		fmt.Fprintf(&b, "status issue #%d, last rewritten %s", st.Issue, st.Written.UTC().Format(eventTime))
	}
	fmt.Fprintf(&b, "; %d GraphQL points used, %d left this hour\n", st.Points, st.Remaining)
	_, err := io.WriteString(w, b.String())
	return err
}

var issueNumRE = regexp.MustCompile(`#([0-9]{1,9})\b`)

// previousStatus is what the loop reads back from the status issue's body.
type previousStatus struct {
	hash    string
	written time.Time
	// onHuman are the issues the body listed as needing a person.
	onHuman []int
	recent  []Event
}

// parseStatus reads back a body Markdown wrote. The caller checks that a
// trusted login wrote it. A body it cannot read gives what it could read:
// at worst the next cycle rewrites the body and lists fewer actions.
func parseStatus(body string) previousStatus {
	var p previousStatus
	for _, m := range ledger.ParseMarkers(body) {
		if m.Kind == ledger.MarkStatus {
			p.hash = m.Fields["hash"]
			p.written, _ = time.Parse(time.RFC3339, m.Fields["written"])
			break
		}
	}
	section := ""
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "#") {
			section = line
			continue
		}
		rest, ok := strings.CutPrefix(line, "- ")
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(section, headNeeds):
			var n int
			if _, err := fmt.Sscanf(rest, "#%d ", &n); err == nil && n > 0 {
				p.onHuman = append(p.onHuman, n)
			} else if strings.HasPrefix(rest, "and ") {
				for _, m := range issueNumRE.FindAllStringSubmatch(rest, -1) {
					if n, err := strconv.Atoi(m[1]); err == nil {
						p.onHuman = append(p.onHuman, n)
					}
				}
			}
		case section == headRecent:
			at, text, ok := strings.Cut(rest, " · ")
			if !ok {
				continue
			}
			t, err := time.Parse(eventTime, at)
			if err != nil || strings.TrimSpace(text) == "" {
				continue
			}
			e := Event{At: t, Text: text}
			if i := strings.LastIndex(text, commentLink); i > 0 && strings.HasSuffix(text, "))") {
				e.Text, e.URL = text[:i], text[i+len(commentLink):len(text)-2]
			}
			p.recent = append(p.recent, e)
		}
	}
	return p
}

// Plural says n of word, in English: "1 item", "2 items".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// byHand says how much of the WIP a person started by hand, or "".
func (st *Status) byHand() string {
	if st.ByHand == 0 {
		return ""
	}
	return fmt.Sprintf(", %d started by hand", st.ByHand)
}
