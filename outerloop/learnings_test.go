package outerloop_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/outerloop"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
	"github.com/nanobots-dev/nanobots/policy"
)

var (
	dispatcher = gql.Actor{Login: "octo", Type: "User"}
	actionsBot = gql.Actor{Login: "github-actions", Type: "Bot"}
	stranger   = gql.Actor{Login: "mona", Type: "User"}
	trust      = ledger.Trust{Dispatcher: "octo"}
)

func TestEntryMarkdown(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	full := plan.Entry{
		Issue: 12, IssueURL: "https://github.com/octo/demo/issues/12", Title: "Add a --version flag",
		Kind: "feature", Area: "interface", Size: "S",
		PR: 15, PRURL: "https://github.com/octo/demo/pull/15", MergeCommit: "1a2b3c4d5e6f", CI: "SUCCESS",
		Attempts: 2,
		Created:  t0, Triaged: t0.Add(5 * time.Minute), Dispatched: t0.Add(35 * time.Minute),
		Opened: t0.Add(2 * time.Hour), Merged: t0.Add(26 * time.Hour), Done: t0.Add(26*time.Hour + 15*time.Minute),
		Learnings: "- Run `make gen` before the tests.",
	}
	tests := []struct {
		name string
		edit func(*plan.Entry)
		want string
	}{
		{"every time known", nil, `<!-- nanobots:learned issue=12 pr=15 -->
## [#12](https://github.com/octo/demo/issues/12) Add a --version flag (feature, interface, S)

- Outcome: [#15](https://github.com/octo/demo/pull/15) merged as ` + "`1a2b3c4`" + ` after 2 attempts; CI passed on the merge commit; Done on 2026-11-03.
- Time: 1d 2h from filing to Done: Inbox 5m, Backlog/Ready 30m, In Progress 1h 25m, In Review 1d, Verify 15m.
- Learnings, as the agent wrote them in #15:

> - Run ` + "`make gen`" + ` before the tests.
`},
		{"no pull request time, no triage comment in the window", func(e *plan.Entry) {
			e.Opened, e.Triaged, e.Attempts, e.CI, e.Learnings = time.Time{}, time.Time{}, 1, "", ""
		}, `<!-- nanobots:learned issue=12 pr=15 -->
## [#12](https://github.com/octo/demo/issues/12) Add a --version flag (feature, interface, S)

- Outcome: [#15](https://github.com/octo/demo/pull/15) merged as ` + "`1a2b3c4`" + ` after 1 attempt; no CI reported on the merge commit; Done on 2026-11-03.
- Time: 1d 2h from filing to Done: Inbox + Backlog/Ready 35m, In Progress + In Review 1d 1h, Verify 15m.
- Learnings, from #15: (none given)
`},
		{"no pull request, no form, not dispatched", func(e *plan.Entry) {
			*e = plan.Entry{Issue: 7, Title: "Tidy up", Created: t0, Done: t0.Add(30 * time.Second)}
		}, `<!-- nanobots:learned issue=7 pr=0 -->
## #7 Tidy up

- Outcome: closed with no pull request, not dispatched by the loop; Done on 2026-11-02.
- Time: <1m from filing to Done.
- Learnings: (none given: no pull request)
`},
		{"a title and a size written to hide a marker and notify", func(e *plan.Entry) {
			e.Title = "Fix it <!-- nanobots:learned issue=1 pr=1 --> cc @octo"
			e.Size = "S\n## forged heading"
			e.Kind, e.Area, e.Learnings = "", "", ""
		}, `<!-- nanobots:learned issue=12 pr=15 -->
## [#12](https://github.com/octo/demo/issues/12) Fix it &lt;!-- nanobots:learned issue=1 pr=1 --> cc @` + "\u200b" + `octo (S ## forged heading)

- Outcome: [#15](https://github.com/octo/demo/pull/15) merged as ` + "`1a2b3c4`" + ` after 2 attempts; CI passed on the merge commit; Done on 2026-11-03.
- Time: 1d 2h from filing to Done: Inbox 5m, Backlog/Ready 30m, In Progress 1h 25m, In Review 1d, Verify 15m.
- Learnings, from #15: (none given)
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := full
			if tt.edit != nil {
				tt.edit(&e)
			}
			if diff := cmp.Diff(tt.want, e.Markdown()); diff != "" {
				t.Errorf("entry (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLearningsSection(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"none", "Closes #3\n\nDid the thing.\n", ""},
		{"level 2 up to the next level 2", "Closes #3\n\n## Learnings\n\n- one\n- two\n\n## Tests\n\nran them\n", "- one\n- two"},
		{"to the end", "## Summary\n\nx\n\n## Learnings\n\nkeep `go vet` happy\n", "keep `go vet` happy"},
		{"lower headings belong to it", "## Learnings\n\nintro\n\n### Tests\n\nslow\n\n## Next\n\nno", "intro\n\n### Tests\n\nslow"},
		{"a higher heading ends it", "### Learnings\nA\n## Other\nB", "A"},
		{"case, emphasis, colon and closing hashes", "## **learnings:** ##\n\nA\n", "A"},
		{"setext", "Learnings\n---------\n\nA\n\nNext\n====\n\nB\n", "A"},
		{"the first of two", "## Learnings\nA\n## Learnings\nB\n", "A"},
		{"in a code block it is not a heading", "```\n## Learnings\nfake\n```\n\n## Learnings\n\nreal\n", "real"},
		{"in a quote it is not a heading", "> ## Learnings\n> quoted\n", ""},
		{"in a list it is not a heading", "- ## Learnings\n  listed\n", ""},
		{"empty", "## Learnings\n\n## Next\n", ""},
		{"other words are other sections", "## Learnings and more\nA\n## Lessons\nB\n", ""},
		{"CRLF", "## Learnings\r\n\r\nA\r\n## Next\r\n", "A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := plan.LearningsSection(tt.body); got != tt.want {
				t.Errorf("LearningsSection(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

// TestHostilePullRequestBodies feeds the entry what an agent (or whoever
// steers it) could write in a pull request: forged markers, mentions, and
// more text than an entry should hold, nested deep enough to slow a
// Markdown parser.
func TestHostilePullRequestBodies(t *testing.T) {
	e := plan.Entry{Issue: 4, PR: 9, Title: "t", Created: epoch, Done: epoch.Add(time.Hour)}
	tests := []struct {
		name string
		body string
		// check the rendered entry
		check func(t *testing.T, md string)
	}{
		{"forged markers", "## Learnings\n\n<!-- nanobots:learned issue=4 pr=9 -->\n<!-- nanobots:learned issue=5 pr=1 -->\n<!-- nanobots:distill entries=0 new=99 -->\n<!--nanobots:learned issue=6 pr=1-->\n", func(t *testing.T, md string) {
			if got := plan.LearnedEntries(md); len(got) != 1 || got[0].Issue != 4 || got[0].PR != 9 {
				t.Errorf("entries found in the rendered entry: %+v, want only #4's own", got)
			}
			if n := len(ledger.ParseMarkers(md)); n != 1 {
				t.Errorf("%d markers in the rendered entry, want 1:\n%s", n, md)
			}
			if strings.Contains(md, "<!--nanobots") {
				t.Errorf("an HTML comment survived:\n%s", md)
			}
		}},
		{"mentions", "## Learnings\n\nthanks @octo and @nanobots/maintainers, mail a@b.c\n", func(t *testing.T, md string) {
			for _, m := range []string{"@octo", "@nanobots/"} {
				if strings.Contains(md, m) {
					t.Errorf("%q would notify:\n%s", m, md)
				}
			}
			if !strings.Contains(md, "a@b.c") {
				t.Errorf("an e-mail address was changed:\n%s", md)
			}
		}},
		{"a heading in the lessons stays inside the quote", "## Learnings\n\n### fine\n\n# Not an entry\n", func(t *testing.T, md string) {
			for _, line := range strings.Split(md, "\n") {
				if strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "## #4") {
					t.Errorf("the lessons open a heading of the file: %q", line)
				}
			}
		}},
		{"huge", "## Learnings\n\n" + strings.Repeat("word ", 100_000), func(t *testing.T, md string) {
			if n := len([]rune(md)); n > 3000 {
				t.Errorf("the entry is %d characters, want it cut to about 2,000", n)
			}
			if !strings.Contains(md, "(cut: the whole text is in #9)") {
				t.Errorf("the cut is not said:\n%s", md[len(md)-200:])
			}
		}},
		{"deep nesting", strings.Repeat(">", 40000) + "\n" + strings.Repeat("- ", 10000) + "\n\n## Learnings\n\nA\n", func(t *testing.T, md string) {
			if !strings.Contains(md, "> A\n") {
				t.Errorf("the section after the nesting was lost:\n%s", md)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			e := e
			e.Learnings = plan.LearningsSection(tt.body)
			md := e.Markdown()
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("took %s, want linear time", d)
			}
			tt.check(t, md)
		})
	}
}

// TestNewEntry gathers an entry from what the planner holds when an item
// reaches Done: the form, the board's Size, the loop's markers (only
// trusted ones count) and the pull request.
func TestNewEntry(t *testing.T) {
	p := loadPolicy(t)
	t0 := epoch
	body := "### Kind\n\nFeature\n\n### Area\n\nInterface\n\n### Problem\n\nx\n"
	is := &gql.Issue{ID: "I_12", Number: 12, Title: "Add a flag", Body: body, URL: "https://sim/octo/demo/issues/12",
		Author: stranger, State: "CLOSED", CreatedAt: t0,
		Comments: []gql.Comment{
			{Author: actionsBot, CreatedAt: t0.Add(5 * time.Minute), Body: "<!-- nanobots:triage issue=12 outcome=ready rev=1 -->\n## Work spec"},
			{Author: stranger, CreatedAt: t0.Add(6 * time.Minute), Body: "<!-- nanobots:dispatch attempt=1 issue=12 -->"},
			{Author: dispatcher, CreatedAt: t0.Add(time.Hour), Body: "@claude go\n<!-- nanobots:dispatch attempt=1 issue=12 -->"},
			{Author: actionsBot, CreatedAt: t0.Add(5 * time.Hour), Body: "<!-- nanobots:requeue attempt=1 issue=12 -->"},
			{Author: dispatcher, CreatedAt: t0.Add(6 * time.Hour), Body: "@claude go\n<!-- nanobots:dispatch attempt=2 issue=12 -->"},
		}}
	it := &plan.Item{Item: gql.Item{ID: "PVTI_12", Values: map[string]string{"Status": "Verify", "Size": "M"},
		Content: gql.Content{ID: "I_12", Number: 12, Title: "Add a flag"}}, Issue: is}
	pr := gql.PullRequest{Number: 15, URL: "https://sim/octo/demo/pull/15", State: "MERGED", MergeCommit: "abcdef1234",
		CI: "SUCCESS", MergedAt: t0.Add(8 * time.Hour), Body: "Closes #12\n\n## Learnings\n\n- lesson\n"}
	done := t0.Add(9 * time.Hour)
	got := plan.NewEntry(it, policy.ParseForm(it.Issue.Body, p.Rubric), pr, p.Rubric, trust, done)
	want := plan.Entry{Issue: 12, IssueURL: is.URL, Title: "Add a flag", Kind: "feature", Area: "interface", Size: "M",
		PR: 15, PRURL: pr.URL, MergeCommit: "abcdef1234", CI: "SUCCESS", Attempts: 2,
		Created: t0, Triaged: t0.Add(5 * time.Minute), Dispatched: t0.Add(time.Hour), Merged: t0.Add(8 * time.Hour), Done: done,
		Learnings: "- lesson"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entry (-want +got):\n%s", diff)
	}

	a := plan.LearnAction(it, policy.ParseForm(it.Issue.Body, p.Rubric), pr, p, trust, done)
	if a.Kind != plan.Learn || a.Issue != 12 || a.Value != p.Config.Learnings.Branch || a.Body != want.Markdown() {
		t.Errorf("LearnAction = %+v; want the entry on %s", a, p.Config.Learnings.Branch)
	}
	if s := a.String(); s != "#12: append its entry to LEARNINGS.md on nanobots/learnings" {
		t.Errorf("String() = %q", s)
	}

	// A distill issue gets no entry: the next distill issue may open.
	distill := *is
	distill.Author, distill.Labels, distill.Body = actionsBot, []string{policy.LabelDistill}, "<!-- nanobots:distill entries=10 new=10 -->\nbrief"
	if a := plan.LearnAction(&plan.Item{Item: it.Item, Issue: &distill}, policy.Form{}, pr, p, trust, done); a.Kind != plan.Distill || a.Body != "" {
		t.Errorf("a distill issue's action is %+v, want %s and no entry", a, plan.Distill)
	}
}

func TestIsDistillAndItsSpec(t *testing.T) {
	p := loadPolicy(t)
	body := "<!-- nanobots:distill entries=10 new=10 -->\nFold the lessons in.\n"
	tests := []struct {
		name string
		is   *gql.Issue
		want bool
	}{
		{"the loop's", &gql.Issue{Author: actionsBot, Labels: []string{"nanobots:distill"}, Body: body}, true},
		{"the dispatcher's", &gql.Issue{Author: dispatcher, Labels: []string{"Nanobots:Distill"}, Body: body}, true},
		{"anyone else's", &gql.Issue{Author: stranger, Labels: []string{"nanobots:distill"}, Body: body}, false},
		{"unlabelled", &gql.Issue{Author: actionsBot, Body: body}, false},
		{"no marker", &gql.Issue{Author: actionsBot, Labels: []string{"nanobots:distill"}, Body: "Fold the lessons in."}, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := plan.IsDistill(tt.is, trust); got != tt.want {
			t.Errorf("%s: IsDistill = %v, want %v", tt.name, got, tt.want)
		}
	}
	spec, kind, recipe := plan.DistillSpec(tests[0].is, p.Recipes)
	if spec != "Fold the lessons in." || kind != "distill" || !strings.Contains(recipe, "Change only `.nanobots/TRIAGE.md`") ||
		!strings.Contains(recipe, p.Recipes.Common()) {
		t.Errorf("DistillSpec = %q, %q, %q", spec, kind, recipe)
	}
}

// TestLearnedEntries counts entries by their markers, standing alone on a
// line; the LEARNINGS.md that init writes holds none.
func TestLearnedEntries(t *testing.T) {
	h := newHarness(t, nil)
	header, err := os.ReadFile(filepath.Join(h.dir, ".nanobots", "LEARNINGS.md"))
	if err != nil {
		t.Fatal(err)
	}
	if got := plan.LearnedEntries(string(header)); len(got) != 0 {
		t.Errorf("the rendered LEARNINGS.md holds %d entries, want 0: its description of the format must not be a marker", len(got))
	}
	file := string(header) + "\n" + entry(1, 2).Markdown() + "\nsee `<!-- nanobots:learned issue=9 pr=9 -->`\n\n" + entry(3, 4).Markdown()
	got := plan.LearnedEntries(file)
	if len(got) != 2 || got[0].Issue != 1 || got[0].PR != 2 || got[1].Issue != 3 || got[1].PR != 4 {
		t.Fatalf("entries %+v, want #1 (pr 2) and #3 (pr 4)", got)
	}
	if !strings.HasPrefix(got[0].Text, "<!-- nanobots:learned issue=1 pr=2 -->\n## #1") || !strings.HasSuffix(got[0].Text, "pr=9 -->`") {
		t.Errorf("the first entry runs from its marker to the next:\n%s", got[0].Text)
	}
}

func loadPolicy(t *testing.T) *policy.Policy {
	t.Helper()
	h := newHarness(t, nil)
	p, err := policy.Read(os.DirFS(h.dir))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// entry is a small entry for issue n, closed by pull request pr.
func entry(n, pr int) plan.Entry {
	return plan.Entry{Issue: n, PR: pr, Title: fmt.Sprintf("Item %d", n), Attempts: 1, CI: "SUCCESS",
		Created: epoch, Dispatched: epoch.Add(time.Hour), Merged: epoch.Add(2 * time.Hour), Done: epoch.Add(3 * time.Hour),
		Learnings: fmt.Sprintf("- lesson %d, for @octo", n)}
}

// learner applies Learn actions against the harness's simulator, as a
// cycle's apply would.
type learner struct {
	h *harness
	c outerloop.Clients
	p *policy.Policy
}

func newLearner(t *testing.T, edit func(*policy.Config)) *learner {
	t.Helper()
	h := newHarness(t, edit)
	p, err := policy.Read(os.DirFS(h.dir))
	if err != nil {
		t.Fatal(err)
	}
	set := h.settings()
	var c outerloop.Clients
	if c.Dispatch, err = ghclient.New(set, set.DispatchToken); err != nil {
		t.Fatal(err)
	}
	if c.Bot, err = ghclient.New(set, set.Token); err != nil {
		t.Fatal(err)
	}
	return &learner{h: h, c: c, p: p}
}

// learn applies the Learn action of e and returns what apply did.
func (l *learner) learn(e plan.Entry) (plan.Done, error) {
	l.h.t.Helper()
	ctx := context.Background()
	s, err := outerloop.Observe(ctx, l.c.Dispatch, l.p, l.h.clock.Now())
	if err != nil {
		l.h.t.Fatal(err)
	}
	plan := plan.Plan{Actions: []plan.Action{{Kind: plan.Learn, Issue: e.Issue,
		Value: l.p.Config.Learnings.Branch, Body: e.Markdown(), Why: "test"}}}
	done, err := outerloop.Apply(ctx, l.c, s, l.p, plan, l.h.clock.Now)
	if len(done) != 1 {
		l.h.t.Fatalf("%d actions done, want 1 (%v)", len(done), err)
	}
	return done[0], err
}

// file returns LEARNINGS.md on branch, and whether it is there.
func (l *learner) file(branch string) (string, bool) {
	l.h.world.Lock()
	defer l.h.world.Unlock()
	head := l.h.repo.Head(branch)
	if head == nil {
		return "", false
	}
	b, ok := head.Files[plan.LearningsFile]
	if !ok {
		return "", false
	}
	return string(b.Content), true
}

// writes counts the simulator's logged writes by route since the last reset.
func (l *learner) writes() map[string]int {
	out := map[string]int{}
	for _, e := range l.h.srv.Log.Entries() {
		if e.Write {
			out[e.Route]++
		}
	}
	return out
}

// TestLearnAppendsOnce: the first append creates the branch from the
// default branch and the file; a second append of the same entry writes
// nothing; the default branch is never written.
func TestLearnAppendsOnce(t *testing.T) {
	l := newLearner(t, nil)
	branch := l.p.Config.Learnings.Branch
	mainBefore := l.h.repo.Branches[l.h.repo.DefaultBranch]
	if _, ok := l.h.repo.Branches[branch]; ok {
		t.Fatalf("the demo repository has %s already", branch)
	}

	d, err := l.learn(entry(1, 2))
	if err != nil {
		t.Fatalf("first append: %v", err)
	}
	file, ok := l.file(branch)
	if !ok {
		t.Fatalf("no %s on %s after the first append", plan.LearningsFile, branch)
	}
	if !strings.HasPrefix(file, "# Learnings\n") || len(plan.LearnedEntries(file)) != 1 || !strings.Contains(file, "@\u200bocto") {
		t.Errorf("%s after the first append:\n%s", plan.LearningsFile, file)
	}
	if d.Skipped != "" || d.URL == "" {
		t.Errorf("first append: skipped %q, url %q; want a commit", d.Skipped, d.URL)
	}
	if got, want := l.writes(), map[string]int{"git/create-ref": 1, "repos/create-or-update-file-contents": 1}; !cmp.Equal(got, want) {
		t.Errorf("writes %v, want %v", got, want)
	}

	l.h.srv.Log.Reset()
	d, err = l.learn(entry(1, 2))
	if err != nil {
		t.Fatalf("second append: %v", err)
	}
	if again, _ := l.file(branch); again != file {
		t.Errorf("the second append changed the file:\n%s", again)
	}
	if w := l.writes(); len(w) != 0 || d.Skipped == "" {
		t.Errorf("second append: writes %v, skipped %q; want none, and said", w, d.Skipped)
	}

	// Another entry lands after the first.
	if _, err := l.learn(entry(3, 4)); err != nil {
		t.Fatal(err)
	}
	file, _ = l.file(branch)
	if got := plan.LearnedEntries(file); len(got) != 2 || got[0].Issue != 1 || got[1].Issue != 3 {
		t.Errorf("entries %+v, want #1 then #3", got)
	}
	if l.h.repo.Branches[l.h.repo.DefaultBranch] != mainBefore {
		t.Errorf("the default branch moved")
	}
}

// TestLearnStartsFromTheDefaultBranchCopy: a learnings branch made from a
// default branch that has LEARNINGS.md keeps its header and its entries.
func TestLearnStartsFromTheDefaultBranchCopy(t *testing.T) {
	l := newLearner(t, nil)
	header, err := os.ReadFile(filepath.Join(l.h.dir, ".nanobots", "LEARNINGS.md"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.h.world.CommitFiles(l.h.repo, l.h.repo.DefaultBranch, "nanobots init", l.h.world.User("octo"),
		map[string][]byte{plan.LearningsFile: header}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.learn(entry(1, 2)); err != nil {
		t.Fatal(err)
	}
	file, _ := l.file(l.p.Config.Learnings.Branch)
	if !strings.HasPrefix(file, string(header)) || len(plan.LearnedEntries(file)) != 1 {
		t.Errorf("the learnings branch's file does not continue the default branch's:\n%s", file)
	}
	main, _ := l.file(l.h.repo.DefaultBranch)
	if main != string(header) {
		t.Errorf("the default branch's file changed")
	}
}

// TestLearnRetriesAConflict: a 409 on the write (another writer moved the
// file) is read again and retried, and the entry lands once; a conflict on
// every try gives up.
func TestLearnRetriesAConflict(t *testing.T) {
	l := newLearner(t, nil)
	if _, err := l.learn(entry(1, 2)); err != nil {
		t.Fatal(err)
	}
	l.h.srv.Inject(ghsim.Fault{Name: "stale sha", Route: "repos/create-or-update-file-contents", Status: http.StatusConflict,
		Body: `{"message":".nanobots/LEARNINGS.md does not match 0123","documentation_url":"https://docs.github.com/rest"}`})
	l.h.srv.Log.Reset()
	d, err := l.learn(entry(3, 4))
	if err != nil {
		t.Fatalf("append after a conflict: %v", err)
	}
	file, _ := l.file(l.p.Config.Learnings.Branch)
	if got := plan.LearnedEntries(file); len(got) != 2 || got[1].Issue != 3 || d.URL == "" {
		t.Errorf("entries %+v (url %q), want #3 once after #1", got, d.URL)
	}
	puts := 0
	for _, e := range l.h.srv.Log.Entries() {
		if e.Route == "repos/create-or-update-file-contents" {
			puts++
		}
	}
	if puts != 2 {
		t.Errorf("%d writes of the file, want 2 (the conflict, then the retry)", puts)
	}

	// Someone created the file meanwhile: GitHub asks for its sha.
	l.h.srv.Inject(ghsim.Fault{Name: "created meanwhile", Route: "repos/create-or-update-file-contents", Status: http.StatusUnprocessableEntity,
		Body: `{"message":"Invalid request.\n\n\"sha\" wasn't supplied.","documentation_url":"https://docs.github.com/rest"}`})
	if _, err := l.learn(entry(7, 8)); err != nil {
		t.Fatalf("append after a 422 for a missing sha: %v", err)
	}
	file, _ = l.file(l.p.Config.Learnings.Branch)
	if got := plan.LearnedEntries(file); len(got) != 3 || got[2].Issue != 7 {
		t.Errorf("entries %+v, want #7 once, third", got)
	}

	l.h.srv.Inject(ghsim.Fault{Name: "always stale", Route: "repos/create-or-update-file-contents", Status: http.StatusConflict, Times: -1})
	l.h.srv.Log.Reset()
	if _, err := l.learn(entry(5, 6)); !errors.Is(err, ghclient.ErrConflict) || l.puts() != 3 {
		t.Errorf("a conflict on every try: %v after %d writes, want it to give up after 3", err, l.puts())
	}
}

// TestLearnStopsAtARuleset: a 409 from a ruleset is no stale sha: the
// write is not tried again.
func TestLearnStopsAtARuleset(t *testing.T) {
	l := newLearner(t, nil)
	l.h.srv.Inject(ghsim.Fault{Name: "ruleset", Route: "repos/create-or-update-file-contents", Status: http.StatusConflict, Times: -1,
		Body: `{"message":"Repository rule violations found\n\nChanges must be made through a pull request.","documentation_url":"https://docs.github.com/rest"}`})
	l.h.srv.Log.Reset()
	if _, err := l.learn(entry(1, 2)); !errors.Is(err, ghclient.ErrProtected) || errors.Is(err, ghclient.ErrConflict) || l.puts() != 1 {
		t.Errorf("a ruleset's refusal: %v after %d writes, want it refused once, not retried", err, l.puts())
	}
}

// puts counts the writes of LEARNINGS.md since the log was reset.
func (l *learner) puts() int {
	n := 0
	for _, e := range l.h.srv.Log.Entries() {
		if e.Route == "repos/create-or-update-file-contents" {
			n++
		}
	}
	return n
}

// TestLearnNeverWritesTheDefaultBranch refuses a learnings branch that is
// the default branch.
func TestLearnNeverWritesTheDefaultBranch(t *testing.T) {
	l := newLearner(t, func(c *policy.Config) { c.Learnings.Branch = "main" })
	l.h.srv.Log.Reset()
	_, err := l.learn(entry(1, 2))
	if err == nil || !strings.Contains(err.Error(), "the default branch") {
		t.Errorf("learnings.branch = main: %v, want a refusal", err)
	}
	if w := l.writes(); len(w) != 0 {
		t.Errorf("writes %v, want none", w)
	}
}

// TestDistill: one distill issue opens when distill_threshold entries have
// gathered, Ready on the board; none opens while it is open; once it is
// closed, the count starts from what it covered. Distill issues by anyone
// else are ignored.
func TestDistill(t *testing.T) {
	l := newLearner(t, func(c *policy.Config) { c.Learnings.DistillThreshold = 2 })
	// Someone else's "distill issue" neither blocks nor counts.
	l.h.world.CreateIssue(l.h.repo, l.h.world.User("mona"), "Distill", "<!-- nanobots:distill entries=99 new=99 -->", policy.LabelDistill)
	if _, err := l.learn(entry(1, 2)); err != nil {
		t.Fatal(err)
	}
	if got := l.distillIssues(); len(got) != 0 {
		t.Fatalf("a distill issue after 1 entry of 2: %v", got)
	}
	if _, err := l.learn(entry(3, 4)); err != nil {
		t.Fatal(err)
	}
	got := l.distillIssues()
	if len(got) != 1 {
		t.Fatalf("%d distill issues after 2 entries of 2, want 1", len(got))
	}
	first := got[0]
	if !strings.HasPrefix(first.Body, "<!-- nanobots:distill entries=2 new=2 -->\n") || first.Author.Login != ghsim.ActionsBot ||
		!strings.Contains(first.Body, "\n#### #1 Item 1\n") {
		t.Errorf("distill issue #%d by %s:\n%s", first.Number, first.Author.Login, first.Body)
	}
	for _, want := range []string{"#### #1 Item 1", "#### #3 Item 3", "lesson 3, for @\u200bocto", "`.nanobots/TRIAGE.md`", "`.nanobots/RECIPES.md`", "`CLAUDE.md`", "nanobots/learnings"} {
		if !strings.Contains(first.Body, want) {
			t.Errorf("the distill issue's body lacks %q:\n%s", want, first.Body)
		}
	}
	if n := strings.Count(first.Body, "nanobots:learned"); n != 0 {
		t.Errorf("the distill issue quotes %d learned markers, want none", n)
	}
	if got := l.h.card(first)["Status"]; got != "Ready" {
		t.Errorf("the distill issue is %q on the board, want Ready", got)
	}
	if !plan.IsDistill(&gql.Issue{Author: actionsBot, Labels: labels(first), Body: first.Body}, trust) {
		t.Errorf("IsDistill does not know the distill issue it opened")
	}

	// While it is open, no second one, however many entries gather.
	for n := 5; n <= 9; n += 2 {
		if _, err := l.learn(entry(n, n+1)); err != nil {
			t.Fatal(err)
		}
	}
	if got := l.distillIssues(); len(got) != 1 {
		t.Fatalf("%d distill issues while one is open, want 1", len(got))
	}

	// Closed: the next covers the oldest distill_threshold (2) entries after
	// the 2 the first covered; the rest wait for the one after, so the
	// grouping does not depend on when the cycles ran.
	l.h.world.CloseIssue(first, "completed")
	if _, err := l.learn(entry(11, 12)); err != nil {
		t.Fatal(err)
	}
	got = l.distillIssues()
	if len(got) != 2 || !strings.HasPrefix(got[1].Body, "<!-- nanobots:distill entries=4 new=2 -->") ||
		strings.Contains(got[1].Body, "Item 3\n") || !strings.Contains(got[1].Body, "#### #5 Item 5") ||
		!strings.Contains(got[1].Body, "#### #7 Item 7") || strings.Contains(got[1].Body, "Item 9") || strings.Contains(got[1].Body, "Item 11") {
		t.Fatalf("after the first closed: %d distill issues; the second's body:\n%s", len(got), got[len(got)-1].Body)
	}
}

// distillIssues are the issues labelled nanobots:distill by the Actions bot.
func (l *learner) distillIssues() []*ghsim.Issue {
	l.h.world.Lock()
	defer l.h.world.Unlock()
	var out []*ghsim.Issue
	for _, is := range l.h.repo.Issues {
		if is.PR == nil && is.Author.Login == ghsim.ActionsBot && slices.Contains(labels(is), policy.LabelDistill) {
			out = append(out, is)
		}
	}
	return out
}

// TestLearningsPastOneMegabyte: LEARNINGS.md has grown past 1 MB, where the
// contents API stops sending content (encoding "none"). An append reads the
// file with the raw media type and keeps every earlier byte; appending the
// same entry again writes nothing (issue 14).
func TestLearningsPastOneMegabyte(t *testing.T) {
	l := newLearner(t, nil)
	w, r := l.h.world, l.h.repo
	var big strings.Builder
	big.WriteString("# Learnings\n\nOne entry per finished work item.\n")
	for i := 0; big.Len() < 1_500_000; i++ {
		fmt.Fprintf(&big, "\n<!-- nanobots:learned issue=%d pr=%d -->\n## #%d an old item\n\n- Learnings: %s\n", 10000+i, 20000+i, 10000+i, strings.Repeat("x", 200))
	}
	branch := l.p.Config.Learnings.Branch
	if err := w.CreateBranch(r, branch, r.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CommitFiles(r, branch, "old learnings", w.User("octo"), map[string][]byte{plan.LearningsFile: []byte(big.String())}); err != nil {
		t.Fatal(err)
	}
	d, err := l.learn(entry(1, 2))
	if err != nil || d.Err != "" {
		t.Fatalf("append to a %d-byte file: %v %s", big.Len(), err, d.Err)
	}
	got, _ := l.file(branch)
	if !strings.HasPrefix(got, big.String()) || len(plan.LearnedEntries(got)) != len(plan.LearnedEntries(big.String()))+1 {
		t.Fatalf("the file after the append: %d bytes, %d entries; want the old %d bytes kept and one entry more", len(got), len(plan.LearnedEntries(got)), big.Len())
	}
	d, err = l.learn(entry(1, 2))
	if err != nil || d.Skip != plan.SkipLearned {
		t.Errorf("the same entry again: %v, skip %q; want it skipped as learned", err, d.Skip)
	}
}
