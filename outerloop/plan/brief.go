package plan

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nanobots-dev/nanobots/gql/model"
	"github.com/nanobots-dev/nanobots/ledger"
)

// The prompts the loop fills in, by file name under .nanobots/prompts/.
const (
	PromptTriage   = "triage"
	PromptDispatch = "dispatch"
)

// maxQuoted is how much of one field of an issue a comment quotes.
const maxQuoted = 4000

// issueData is the issue as the prompts see it; Title is defused.
type issueData struct {
	Number int
	Title  string
	URL    string
	Author string
}

type extraField struct{ Label, Value string }

// triageData is what the triage prompt is filled with.
type triageData struct {
	Issue                      issueData
	Outcome                    string
	Kind, Area, Priority, Size string
	SizeFrom, Recipe, Largest  string
	Missing, Problems          []string
	Maintainers, SummonLabel   string
	Criteria                   []string
	Problem                    string
	Extra                      []extraField
	BlockedBy, OpenBlockers    []string
	WIPLimit                   int
}

// triageComment renders the triage comment for d, with its marker first.
func (pl *planner) triageComment(is *model.Issue, d decision, rev int) (string, error) {
	cfg := pl.p.Config
	data := triageData{
		Issue:   issueData{Number: is.Number, Title: defuse(is.Title), URL: is.URL, Author: is.Author.Login},
		Outcome: d.Outcome, Kind: d.Kind, Area: d.Area, Priority: d.Priority, Size: d.Size, SizeFrom: d.SizeFrom,
		Recipe: d.Recipe, Largest: pl.p.Rubric.LargestDispatchable(), Missing: d.Missing, Problems: d.Problems,
		Maintainers: mentions(cfg.Maintainers), SummonLabel: cfg.Labels.SummonHuman, WIPLimit: cfg.WIPLimit,
		Criteria: criteria(d.Form.Value("acceptance")), Problem: quote(d.Form.Value("problem")),
	}
	for i, p := range data.Problems {
		data.Problems[i] = defuse(p)
	}
	if data.Area == "" {
		data.Area = defuse(d.Area)
	}
	for _, n := range d.BlockedBy {
		data.BlockedBy = append(data.BlockedBy, fmt.Sprintf("#%d", n))
	}
	for _, n := range d.OpenBlockers {
		data.OpenBlockers = append(data.OpenBlockers, fmt.Sprintf("#%d", n))
	}
	for _, f := range d.Form.Fields {
		if f.Value == "" || triageRead[f.ID] {
			continue
		}
		data.Extra = append(data.Extra, extraField{Label: defuse(f.Label), Value: quote(f.Value)})
	}
	body, err := pl.execute(PromptTriage, data)
	if err != nil {
		return "", err
	}
	m := ledger.Marker{Kind: ledger.MarkTriage, Fields: map[string]string{"issue": fmt.Sprint(is.Number), "outcome": d.Outcome, "rev": fmt.Sprint(rev), "text": textDigest(is)}}
	return m.String() + "\n" + strings.TrimSpace(body) + "\n", nil
}

// triageRead are the form fields the triage comment shows in their own
// place; any other answered field is quoted under its label.
var triageRead = map[string]bool{"kind": true, "area": true, "problem": true, "acceptance": true, "blocked_by": true, "size_hint": true}

// dispatchData is what the dispatch prompt is filled with.
type dispatchData struct {
	Issue                issueData
	Kind                 string
	Attempt, MaxAttempts int
	Spec, Recipe         string
	Learnings, Previous  string
	// PreviousBranch is the branch an earlier attempt left its work on,
	// or "".
	PreviousBranch string
}

// brief renders the dispatch comment: the dispatch prompt filled with the
// trusted triage comment's work spec and the kind's recipe, and the
// dispatch marker with its attempt number.
//
// attempt numbers the marker and never repeats on an issue; ordinal is the
// attempt's place in the current budget of max_attempts, which a
// maintainer renews by handing a summoned item back.
func (pl *planner) brief(it *Item, notes []ledger.Note, attempt, ordinal int) (string, error) {
	is := it.Issue
	var spec, kind, recipe string
	if IsDistill(is, pl.trust) {
		// The loop wrote the distill issue: its body is the spec.
		spec, kind, recipe = DistillSpec(is, pl.p.Recipes)
	} else {
		triage := ledger.Last(notes, ledger.MarkTriage)
		if triage == nil {
			return "", fmt.Errorf("Ready but no triage comment by the loop: move it to Inbox to triage it again")
		}
		d := pl.decide(is)
		recipe, _ = pl.p.Recipes.For(d.Recipe)
		spec, kind = workSpec(triage.Comment.Body), d.Kind
	}
	data := dispatchData{
		Issue:       issueData{Number: is.Number, Title: defuse(is.Title), URL: is.URL, Author: is.Author.Login},
		Kind:        kind,
		Attempt:     ordinal,
		MaxAttempts: pl.p.Config.MaxAttempts,
		Spec:        spec,
		Recipe:      recipe,
	}
	if prev := ledger.Last(notes, ledger.MarkDispatch); prev != nil {
		data.Previous = fmt.Sprintf("Attempt %d was dispatched on %s and did not finish.", prev.Int("attempt"),
			prev.Comment.CreatedAt.Format("2006-01-02 15:04 MST"))
		data.PreviousBranch = pl.previousBranch(is.Number, prev)
		if rq := ledger.Last(notes, ledger.MarkRequeue); rq != nil && rq.Comment.CreatedAt.After(prev.Comment.CreatedAt) {
			data.Previous += " " + ledger.Strip(rq.Comment.Body)
		} else if why, ok := pl.requeueWhy[it]; ok {
			// Sent back by this plan: its requeue comment is not written yet.
			data.Previous += " " + requeueText(why)
		}
	}
	body, err := pl.execute(PromptDispatch, data)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(strings.TrimSpace(body), pl.p.Config.TriggerPhrase) {
		return "", fmt.Errorf("the dispatch prompt must start with the trigger phrase %q, or the inner workflow will not start: run `nanobots update`", pl.p.Config.TriggerPhrase)
	}
	m := ledger.Marker{Kind: ledger.MarkDispatch, Fields: map[string]string{"issue": fmt.Sprint(is.Number), "attempt": fmt.Sprint(attempt)}}
	return strings.TrimSpace(body) + "\n\n" + m.String() + "\n", nil
}

func (pl *planner) execute(name string, data any) (string, error) {
	pr := pl.p.Prompts[name]
	if pr == nil {
		return "", fmt.Errorf("no prompt %q in .nanobots/prompts: run `nanobots update`", name)
	}
	out, err := pr.Execute(data)
	if err != nil {
		return "", fmt.Errorf(".nanobots/prompts/%s.md: %w", name, err)
	}
	return out, nil
}

// defuse makes text written by an issue's author safe to repeat in a
// comment the loop posts: a marker in it must not become the loop's own
// (the loop's comments are trusted), and a mention in it must not notify
// anyone from the loop's account. Long text is cut.
func defuse(s string) string {
	if r := []rune(s); len(r) > maxQuoted {
		s = string(r[:maxQuoted]) + " … (cut: read the whole text on the issue)"
	}
	s = strings.ReplaceAll(s, "<!--", "&lt;!--")
	return mentionRE.ReplaceAllString(s, "$1@\u200b$2")
}

// mentionRE matches an @mention: @login or @org/team after a non-word
// character.
var mentionRE = regexp.MustCompile(`(^|[^\w@])@([A-Za-z0-9][A-Za-z0-9-]*)`)

// quote defuses text and quotes it as a Markdown block quote.
func quote(s string) string {
	s = strings.TrimSpace(defuse(s))
	if s == "" {
		return "> (empty)"
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight("> "+l, " ")
	}
	return strings.Join(lines, "\n")
}

// criteria splits an acceptance-criteria answer into one defused line per
// criterion, dropping list and checkbox markers.
func criteria(s string) []string {
	var out []string
	for _, line := range strings.Split(defuse(s), "\n") {
		line = strings.TrimSpace(line)
		line = listMarkRE.ReplaceAllString(line, "")
		if line != "" {
			out = append(out, line)
		}
	}
	if len(out) == 0 {
		out = append(out, "(none given)")
	}
	return out
}

var listMarkRE = regexp.MustCompile(`^(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?`)

// workSpec is the work spec of a triage comment: its text without the
// marker, its own heading (the brief has one) and the closing note about
// where the item waits.
func workSpec(body string) string {
	s := ledger.Strip(body)
	s = strings.TrimSpace(strings.TrimPrefix(s, "## Work spec"))
	if i := strings.LastIndex(s, "\n---\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}
