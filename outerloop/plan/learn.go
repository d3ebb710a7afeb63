package plan

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/nanobots-dev/nanobots/gql/model"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/policy"
	"github.com/yuin/goldmark/ast"
)

// Learning is the loop's memory. When an item reaches Done, the planner asks
// for one LEARNINGS.md entry (a Learn action, rendered here from what the
// snapshot holds); apply appends it on the learnings branch through the
// contents API, once, and opens one distill issue when enough entries have
// gathered since the last. The distill issue is work like any other: it goes
// on the board as Ready, and the normal dispatch sends it to the agent, who
// proposes changes to the rubric, the recipes and the agent instructions in
// a pull request a person reviews. The loop calls no model itself.

// LearningsFile is the file entries are appended to, on the learnings branch.
const LearningsFile = policy.Dir + "/LEARNINGS.md"

// PromptDistill is the prompt that becomes a distill issue's body.
const PromptDistill = "distill"

// How much of an agent's text an entry and a distill issue quote. A distill
// issue's body is quoted again into the dispatch comment, and both must stay
// under GitHub's 65,536 characters.
const (
	maxEntryLearnings = 2000  // runes of a pull request's Learnings section
	maxDistillEntry   = 3500  // runes of one entry in a distill issue
	maxDistillEntries = 30000 // runes of all the entries in a distill issue
	maxPRBody         = 65536 // runes of a pull request body read at all
)

// Entry is what one LEARNINGS.md entry says about an item that reached
// Done. The zero time means "not known": the span it would end is folded
// into the next one.
type Entry struct {
	Issue    int
	IssueURL string
	// Title, Kind, Area and Size are as read; Markdown defuses them.
	Title            string
	Kind, Area, Size string
	// PR is the pull request that closed the issue; 0 when none did.
	PR          int
	PRURL       string
	MergeCommit string
	// CI is the merge commit's combined check state ("" when none reported).
	CI string
	// Attempts is how many times the loop dispatched the item.
	Attempts int
	// Created is when the issue was filed; Triaged when the loop first
	// triaged it; Dispatched when it first dispatched it; Opened when the
	// pull request was opened; Merged when it merged; Done when the loop
	// moved the item to Done.
	Created, Triaged, Dispatched, Opened, Merged, Done time.Time
	// Learnings is the pull request body's Learnings section as the agent
	// wrote it ("" when it has none); Markdown defuses and quotes it.
	Learnings string
}

// NewEntry gathers the entry of an item that reaches Done at done, closed by
// pr, from the issue's details: its form gives the kind and area (only
// names the rubric knows), the board its Size, the trusted markers in its
// comments when it was triaged and dispatched and how often.
func NewEntry(it *Item, form policy.Form, pr model.PullRequest, r policy.Rubric, trust ledger.Trust, done time.Time) Entry {
	is := it.Issue
	if is == nil {
		is = &model.Issue{Number: it.Number(), Title: it.Content.Title}
	}
	e := Entry{
		Issue: is.Number, IssueURL: is.URL, Title: is.Title,
		Size: it.Values[policy.FieldSize],
		PR:   pr.Number, PRURL: pr.URL, MergeCommit: pr.MergeCommit, CI: pr.CI,
		Created: is.CreatedAt, Opened: pr.CreatedAt, Merged: pr.MergedAt, Done: done,
		Learnings: LearningsSection(pr.Body),
	}
	for _, k := range r.Kinds {
		if strings.EqualFold(k.Name, strings.TrimSpace(form.Value("kind"))) {
			e.Kind = k.Name
		}
	}
	for _, a := range r.Areas {
		if strings.EqualFold(a.Name, strings.TrimSpace(form.Value("area"))) {
			e.Area = a.Name
		}
	}
	for _, n := range trust.Notes(is) {
		switch n.Kind {
		case ledger.MarkTriage:
			if e.Triaged.IsZero() {
				e.Triaged = n.Comment.CreatedAt
			}
		case ledger.MarkDispatch:
			if e.Dispatched.IsZero() {
				e.Dispatched = n.Comment.CreatedAt
			}
			e.Attempts++
		}
	}
	return e
}

// Marker is the entry's learned marker.
func (e Entry) Marker() ledger.Marker {
	return ledger.Marker{Kind: ledger.MarkLearned, Fields: map[string]string{"issue": fmt.Sprint(e.Issue), "pr": fmt.Sprint(e.PR)}}
}

// Markdown renders the entry in the format LEARNINGS.md describes: its
// marker, a heading, the outcome, the time spent in each state, and the
// pull request's Learnings section quoted. Text people and the agent wrote
// is defused (markers escaped, mentions broken): the file is committed by
// the loop, and a distill issue quotes it.
func (e Entry) Markdown() string {
	var b strings.Builder
	b.WriteString(e.Marker().String())
	b.WriteString("\n## ")
	b.WriteString(mdLink(fmt.Sprintf("#%d", e.Issue), e.IssueURL))
	if t := strings.TrimSpace(defuse(oneLineOf(e.Title, 200))); t != "" {
		b.WriteString(" " + t)
	}
	var about []string
	for _, s := range []string{e.Kind, e.Area, e.Size} {
		if s = strings.TrimSpace(defuse(oneLineOf(s, 40))); s != "" {
			about = append(about, s)
		}
	}
	if len(about) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(about, ", "))
	}
	b.WriteString("\n\n- Outcome: " + e.outcome() + "\n")
	if t := e.timeline(); t != "" {
		b.WriteString("- Time: " + t + "\n")
	}
	learnings := strings.TrimSpace(e.Learnings)
	switch {
	case e.PR == 0:
		b.WriteString("- Learnings: (none given: no pull request)\n")
	case learnings == "":
		fmt.Fprintf(&b, "- Learnings, from #%d: (none given)\n", e.PR)
	default:
		fmt.Fprintf(&b, "- Learnings, as the agent wrote them in #%d:\n\n", e.PR)
		b.WriteString(quote(cutRunes(learnings, maxEntryLearnings, fmt.Sprintf("(cut: the whole text is in #%d)", e.PR))))
		b.WriteString("\n")
	}
	return b.String()
}

func (e Entry) outcome() string {
	var parts []string
	if e.PR == 0 {
		parts = append(parts, "closed with no pull request")
	} else {
		merged := mdLink(fmt.Sprintf("#%d", e.PR), e.PRURL) + " merged"
		if e.MergeCommit != "" {
			merged += fmt.Sprintf(" as `%s`", shortSHA(e.MergeCommit))
		}
		parts = append(parts, merged)
	}
	switch e.Attempts {
	case 0:
		parts[0] += ", not dispatched by the loop"
	case 1:
		parts[0] += " after 1 attempt"
	default:
		parts[0] += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	if e.PR != 0 {
		switch e.CI {
		case "SUCCESS":
			parts = append(parts, "CI passed on the merge commit")
		case "":
			parts = append(parts, "no CI reported on the merge commit")
		default:
			parts = append(parts, "CI "+strings.ToLower(e.CI)+" on the merge commit")
		}
	}
	if !e.Done.IsZero() {
		parts = append(parts, "Done on "+e.Done.UTC().Format("2006-01-02"))
	}
	return strings.Join(parts, "; ") + "."
}

// timeline says how long the item spent in each stretch of states, from
// the times the loop knows. A stretch whose start is unknown is folded into
// the one before it, and the names say so ("In Progress + In Review").
func (e Entry) timeline() string {
	marks := []struct {
		name string
		at   time.Time
	}{
		{"Inbox", e.Created},
		{"Backlog/Ready", e.Triaged},
		{"In Progress", e.Dispatched},
		{"In Review", e.Opened},
		{"Verify", e.Merged},
		{"", e.Done},
	}
	if e.Created.IsZero() || e.Done.IsZero() || e.Done.Before(e.Created) {
		return ""
	}
	var spans []string
	name, from := marks[0].name, marks[0].at
	for _, m := range marks[1:] {
		if m.name != "" && (m.at.IsZero() || m.at.Before(from) || m.at.After(e.Done)) {
			name += " + " + m.name // not known: part of the stretch before
			continue
		}
		spans = append(spans, fmt.Sprintf("%s %s", name, entrySpan(m.at.Sub(from))))
		name, from = m.name, m.at
	}
	total := entrySpan(e.Done.Sub(e.Created))
	if len(spans) < 2 {
		return total + " from filing to Done." // no stretch known in between
	}
	return fmt.Sprintf("%s from filing to Done: %s.", total, strings.Join(spans, ", "))
}

// entrySpan formats a duration the way a person reads an entry: "3d 4h",
// "1h 40m", "5m", "<1m".
func entrySpan(d time.Duration) string {
	d = d.Truncate(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%dh", hours)
	case mins > 0:
		return fmt.Sprintf("%dm", mins)
	}
	return "<1m"
}

func mdLink(label, url string) string {
	if url == "" {
		return label
	}
	return "[" + label + "](" + url + ")"
}

func shortSHA(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// oneLineOf keeps s to one line of at most n runes.
func oneLineOf(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	return cutRunes(s, n, "")
}

// cutRunes shortens s to n runes, ending it with "…" and note.
func cutRunes(s string, n int, note string) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	s = strings.TrimRight(string(r[:n]), " \n") + " …"
	if note != "" {
		s += " " + note
	}
	return s
}

// learningsHeading is the heading a pull request's lessons go under, as
// the dispatch brief and the agent instructions ask.
const learningsHeading = "learnings"

// LearningsSection returns the Markdown under the first top-level heading
// of body named Learnings ("## Learnings", "### Learnings:", a setext
// heading…), up to the next heading of the same or a higher level, trimmed;
// "" when body has no such section. Headings inside code blocks, quotes and
// lists do not count. body is the agent's text: the result is as written,
// for the caller to defuse. It never fails, and takes time linear in the
// body's length.
func LearningsSection(body string) string {
	src := []byte(cutRunes(body, maxPRBody, ""))
	_, from, to, ok := learningsBounds(src)
	if !ok {
		return ""
	}
	return strings.TrimSpace(string(src[from:to]))
}

// withoutLearnings is body without its Learnings section, heading and all.
func withoutLearnings(body string) string {
	src := []byte(cutRunes(body, maxPRBody, ""))
	head, _, to, ok := learningsBounds(src)
	if !ok {
		return string(src)
	}
	return string(src[:head]) + string(src[to:])
}

// learningsBounds finds the Learnings section in src: the start of its
// heading's line, where its text starts, and where it ends (the next
// heading of its level or higher, or the end).
func learningsBounds(src []byte) (head, from, to int, ok bool) {
	doc := policy.ParseBlocks(src)
	var level int
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		h, isHeading := n.(*ast.Heading)
		if !isHeading {
			continue
		}
		lines := h.Lines()
		if lines.Len() == 0 {
			continue // "##" alone: no title, and no place to slice at
		}
		first, last := lines.At(0), lines.At(lines.Len()-1)
		if ok {
			if h.Level <= level {
				return head, from, lineStartAt(src, first.Start), true
			}
			continue
		}
		var title []string
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			title = append(title, string(seg.Value(src)))
		}
		if !isLearningsTitle(strings.Join(title, " ")) {
			continue
		}
		ok, level = true, h.Level
		head = lineStartAt(src, first.Start)
		from = lineEndAt(src, last.Start)
		if !isATXLine(src, head) {
			from = lineEndAt(src, from) // a setext heading's underline
		}
	}
	if !ok {
		return 0, 0, 0, false
	}
	from = min(from, len(src))
	return head, from, len(src), true
}

// isLearningsTitle reports whether a heading's text names the Learnings
// section, in any case, with or without emphasis, closing hashes or a colon.
func isLearningsTitle(t string) bool {
	t = strings.TrimSpace(t)
	t = strings.TrimSpace(strings.TrimRight(t, "#"))
	t = strings.Trim(t, "*_: \t")
	return strings.EqualFold(t, learningsHeading)
}

func lineStartAt(src []byte, off int) int {
	off = min(max(off, 0), len(src))
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

func lineEndAt(src []byte, off int) int {
	off = min(max(off, 0), len(src))
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(src)
}

// isATXLine reports whether the line at off is an ATX heading: up to three
// spaces, then one to six '#' and a space, a tab or the end of the line.
func isATXLine(src []byte, off int) bool {
	i := off
	for i < len(src) && i-off < 3 && src[i] == ' ' {
		i++
	}
	j := i
	for j < len(src) && src[j] == '#' {
		j++
	}
	n := j - i
	return n >= 1 && n <= 6 && (j == len(src) || src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\r')
}

// Learned is one entry found in a LEARNINGS.md.
type Learned struct {
	Issue, PR int
	// Text is the entry from its marker to the next entry's, trimmed.
	Text string
}

// learnedRE finds learned markers that stand alone on their line, so the
// file's own description of the format, or a marker quoted inside an
// entry, is not an entry.
var learnedRE = regexp.MustCompile(`(?m)^<!-- nanobots:learned( [a-z][a-z_]{0,30}=[A-Za-z0-9._:/-]{1,100}){0,10} -->[ \t]*\r?$`)

// LearnedEntries returns the entries of a LEARNINGS.md, in file order.
func LearnedEntries(file string) []Learned {
	locs := learnedRE.FindAllStringIndex(file, -1)
	out := make([]Learned, 0, len(locs))
	for i, loc := range locs {
		end := len(file)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		ms := ledger.ParseMarkers(file[loc[0]:loc[1]])
		if len(ms) != 1 {
			continue
		}
		out = append(out, Learned{Issue: ms[0].Int("issue"), PR: ms[0].Int("pr"), Text: strings.TrimSpace(file[loc[0]:end])})
	}
	return out
}

// HasEntry reports whether file holds the entry marked m.
func HasEntry(file string, m ledger.Marker) bool {
	for _, l := range LearnedEntries(file) {
		if l.Issue == m.Int("issue") && l.PR == m.Int("pr") {
			return true
		}
	}
	return false
}

// LearningsHeader opens a LEARNINGS.md that the default branch does not have.
const LearningsHeader = "# Learnings\n\nOne entry per finished work item, appended by the nanobots outer loop when an item\nreaches **Done**. Append only: correct a wrong entry with a new one that says so.\n"

// IsDistill reports whether is is a distill issue the loop opened: labelled
// nanobots:distill, written by a trusted login, its body carrying the
// distill marker. Its body is then the loop's own work spec, which the
// dispatch brief quotes in place of a triage comment.
func IsDistill(is *model.Issue, trust ledger.Trust) bool {
	return is != nil && HasLabel(is.Labels, policy.LabelDistill) && trust.Trusted(is.Author) && ledger.HasMarker(is.Body, ledger.MarkDistill)
}

// LearnAction is the Learn action for an item the plan moves to Done at
// now, closed by pr (the merged pull request): its LEARNINGS.md entry, to be
// appended on the configured learnings branch. A distill issue gets no
// entry (its lessons are the changes it proposes): its action is Distill,
// since the next distill issue may open once this one is finished.
//
// The planner adds it just before the item's first "finished" write (the
// done comment and the move to Done): a cycle that stops between them plans
// it again, and the entry's marker makes the second append a no-op.
func LearnAction(it *Item, form policy.Form, pr model.PullRequest, p *policy.Policy, trust ledger.Trust, now time.Time) Action {
	if IsDistill(it.Issue, trust) {
		return Action{Kind: Distill, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID, Value: p.Config.Learnings.Branch,
			Why: "a distill issue reached Done: the next may open"}
	}
	e := NewEntry(it, form, pr, p.Rubric, trust, now)
	why := "reached Done"
	if pr.Number != 0 {
		why = fmt.Sprintf("reached Done: #%d merged", pr.Number)
	}
	return Action{Kind: Learn, Issue: it.Number(), IssueID: it.Content.ID, ItemID: it.ID,
		Value: p.Config.Learnings.Branch, Body: e.Markdown(), Why: why}
}

// learn adds the LearnAction of an item the plan moves to Done.
func (pl *planner) learn(it *Item, pr model.PullRequest) {
	var form policy.Form
	if it.Issue != nil {
		form = pl.form(it.Issue)
	}
	pl.add(LearnAction(it, form, pr, pl.p, pl.trust, pl.now))
}

// DistillSpec is what the dispatch brief of a distill issue (see
// IsDistill) quotes in place of a triage comment's: the issue's body,
// which the loop wrote, as the work spec; "distill" as the kind; and the
// repository's "distill" recipe when RECIPES.md has one, otherwise which
// files the work may change, followed by the recipe common to every kind.
func DistillSpec(is *model.Issue, rec policy.Recipes) (spec, kind, recipe string) {
	spec = ledger.Strip(is.Body)
	if r, ok := rec.For(ledger.MarkDistill); ok {
		return spec, ledger.MarkDistill, r
	}
	recipe = "Change only `" + policy.TriageFile + "`, `" + policy.RecipesFile + "` and `CLAUDE.md` (outside the block nanobots manages); the rest of the repository is context. Keep every table's columns and first row: the nanobots binary parses them."
	if common := rec.Common(); common != "" {
		recipe += "\n\n" + common
	}
	return spec, ledger.MarkDistill, recipe
}

// DistillIssue decides whether the next distill issue opens and writes it:
// entries are LEARNINGS.md's entries, covered how many of them the newest
// distill issue covered. It opens (ok) when distill_threshold entries are
// new since then, and covers exactly the oldest distill_threshold of them:
// the rest wait for the next one, so how entries are grouped never depends
// on when a cycle ran (a cycle that stopped and was run again groups them as
// the uninterrupted one would). Its body opens with the distill marker,
// which records how many entries it covers from the file's start, so "since
// the last distill" is read from GitHub alone.
func DistillIssue(entries []Learned, covered int, p *policy.Policy) (title, body string, ok bool, err error) {
	if covered > len(entries) {
		covered = 0 // the file was started again: every entry in it is new
	}
	fresh := entries[covered:]
	if len(fresh) < p.Config.Learnings.DistillThreshold {
		return "", "", false, nil
	}
	fresh = fresh[:p.Config.Learnings.DistillThreshold]
	data := distillData{Count: len(fresh), Total: len(entries), Branch: p.Config.Learnings.Branch, File: LearningsFile,
		Rubric: policy.TriageFile, Recipes: policy.RecipesFile, Instructions: "CLAUDE.md"}
	var quoted []string
	used := 0
	for i, e := range fresh {
		t := defuse(cutRunes(ledger.Strip(e.Text), maxDistillEntry, "(cut: the whole entry is in "+LearningsFile+")"))
		if rest, ok := strings.CutPrefix(t, "## "); ok {
			t = "#### " + rest // under the brief's own "### The new entries"
		}
		if used+len([]rune(t)) > maxDistillEntries {
			data.Omitted = len(fresh) - i
			break
		}
		used += len([]rune(t))
		quoted = append(quoted, t)
	}
	data.Entries = strings.Join(quoted, "\n\n")
	pr := p.Prompts[PromptDistill]
	if pr == nil {
		return "", "", false, fmt.Errorf("no prompt %q in %s: run `nanobots update`", PromptDistill, policy.PromptsDir)
	}
	body, err = pr.Execute(data)
	if err != nil {
		return "", "", false, fmt.Errorf("%s/%s.md: %w", policy.PromptsDir, PromptDistill, err)
	}
	m := ledger.Marker{Kind: ledger.MarkDistill, Fields: map[string]string{"entries": fmt.Sprint(covered + len(fresh)), "new": fmt.Sprint(len(fresh))}}
	title = fmt.Sprintf("Distill %s into the rubric, the recipes and the agent instructions", Plural(len(fresh), "learning"))
	return title, m.String() + "\n" + strings.TrimSpace(body) + "\n", true, nil
}

// distillData is what the distill prompt is filled with.
type distillData struct {
	// Count is how many entries are new since the last distill; Total how
	// many LEARNINGS.md holds.
	Count, Total int
	Branch, File string
	// Entries are the new entries, defused, without their markers; Omitted
	// counts those left out to keep the issue under GitHub's size limit.
	Entries string
	Omitted int
	// Rubric, Recipes and Instructions are the files the agent may change.
	Rubric, Recipes, Instructions string
}
