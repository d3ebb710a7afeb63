package outerloop_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/outerloop"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
	"github.com/nanobots-dev/nanobots/policy"
)

// The story the reliability tests play, one cron cycle every 30 minutes with
// the scripted agent working between cycles. Together its issues take every
// transition of the board: intake and triage of complete, incomplete and
// gated issues; an incomplete issue its author completes (re-triage);
// an item waiting in Backlog for its blocker; dispatch under a WIP limit;
// a pull request left open (In Review), merged by hand later (Verify, then
// Done); work that reaches Done with a LEARNINGS.md entry; CI red on the
// merge commit (Blocked, a human summoned); an agent that never answers
// (dispatched again until max_attempts, then Blocked); two distill issues
// (distill_threshold is 2), opened, put on the board, dispatched and Done;
// and the status issue created, pinned, rewritten and commented on.
type scenario struct {
	h     *harness
	agent *ghsim.Agent
	// issues by the short name the story gives them.
	issues map[string]*ghsim.Issue
	// clientOptions are added to every cycle's clients (the crash test's
	// kill switch).
	clientOptions func(step int) []ghclient.Option
	// slept sums the waits the clients asked for: the virtual clock never
	// really sleeps.
	slept atomic.Int64
}

// scenarioSteps is how many cycles the story runs: it writes for the last
// time in step 8, and the rest leave room for a cycle lost to a crash or a fault.
const scenarioSteps = 14

// The steps at which people act, before that step's cycle.
const (
	stepAuthorEdits   = 3 // mona adds the acceptance criteria she left out
	stepMergeByHand   = 5 // octo merges the pull request the agent left open
	stepCIReportsLate = 6 // CI reports on that merge commit
)

func newScenario(t testing.TB) *scenario {
	h := newHarness(t, func(c *policy.Config) {
		c.WIPLimit = 3
		c.StaleTimeout = policy.Duration(time.Hour)
		c.Inner.TimeoutMinutes = 30
		c.Learnings.DistillThreshold = 2
	})
	s := &scenario{h: h, issues: map[string]*ghsim.Issue{}}
	s.issues["green"] = h.file("feature", "Add a --build-info flag", map[string]string{
		"kind": "feature", "area": "interface", "problem": "No way to tell the build.",
		"acceptance": "- [ ] `demo --version` prints it", "size_hint": "S",
	})
	s.issues["red"] = h.file("bug", "Panic on a blank line", map[string]string{
		"kind": "bug", "area": "core", "problem": "It panics.", "acceptance": "- [ ] no panic", "size_hint": "XS",
	})
	s.issues["silent"] = h.file("chore", "Tidy the README", map[string]string{
		"kind": "chore", "area": "docs", "problem": "Stale text.", "acceptance": "- [ ] current text",
	})
	s.issues["review"] = h.file("feature", "Add a --quiet flag", map[string]string{
		"kind": "feature", "area": "interface", "problem": "Too chatty.", "acceptance": "- [ ] `--quiet` prints nothing", "size_hint": "XS",
	})
	s.issues["incomplete"] = h.file("bug", "Wrong exit code", map[string]string{
		"kind": "bug", "area": "tests", "problem": "It exits 0 on failure.",
	})
	s.issues["gated"] = h.file("chore", "Rotate the release keys", map[string]string{
		"kind": "chore", "area": "security", "problem": "The key is old.", "acceptance": "- [ ] a new key",
	})
	s.issues["after"] = h.file("feature", "Print the version in --help", map[string]string{
		"kind": "feature", "area": "docs", "problem": "Help lacks it.", "acceptance": "- [ ] help shows it",
		"blocked_by": fmt.Sprintf("#%d", s.issues["green"].Number),
	})
	s.agent = ghsim.NewAgent(h.world, "@claude", "octo")
	// The kind outcomes let the story take every transition in 14 cycles;
	// "green" is claude-code-action as it is: a branch, no pull request,
	// the loop opens it and octo merges it.
	s.agent.Default = ghsim.OutcomeGreen
	s.agent.Outcomes[s.issues["green"].Number] = ghsim.OutcomeReal
	s.agent.Outcomes[s.issues["red"].Number] = ghsim.OutcomeRed
	s.agent.Outcomes[s.issues["silent"].Number] = ghsim.OutcomeSilent
	s.agent.Outcomes[s.issues["review"].Number] = ghsim.OutcomePROnly
	return s
}

// people are what people do before step i's cycle: the same in every run.
// Every step, octo merges each open pull request the loop opened (its body
// opens with the loop's marker; the dispatcher authored it), and CI passes
// on the merge commit.
func (s *scenario) people(t testing.TB, i int) {
	w := s.h.world
	s.h.mergeOpened(t)
	switch i {
	case stepAuthorEdits:
		is := s.issues["incomplete"]
		w.Lock()
		body := is.Body
		w.Unlock()
		edited := strings.Replace(body, "### Acceptance criteria\n\n_No response_", "### Acceptance criteria\n\n- [ ] it exits 1 on failure", 1)
		if edited == body {
			t.Fatalf("the incomplete issue's body has no empty acceptance criteria:\n%s", body)
		}
		w.EditIssue(is, edited)
	case stepMergeByHand:
		pr := s.pullFor(s.issues["review"])
		if pr == nil {
			t.Fatalf("step %d: no pull request for #%d to merge", i, s.issues["review"].Number)
		}
		if _, err := w.MergePull(pr, w.User("octo")); err != nil {
			t.Fatal(err)
		}
	case stepCIReportsLate:
		pr := s.pullFor(s.issues["review"])
		w.Lock()
		sha := pr.PR.MergeCommitSHA
		w.Unlock()
		w.AddCheckRun(s.h.repo, sha, "ci", "success")
	}
}

// pullFor returns the newest pull request that closes is.
func (s *scenario) pullFor(is *ghsim.Issue) *ghsim.Issue {
	w := s.h.world
	w.Lock()
	defer w.Unlock()
	var out *ghsim.Issue
	for _, x := range s.h.repo.Issues {
		if x.PR != nil && slices.Contains(ghsim.ClosingReferences(x.Body), is.Number) {
			out = x
		}
	}
	return out
}

// options are one cycle's options: the virtual clock for the cycle and for
// every wait its clients would make.
func (s *scenario) options(step int) outerloop.Options {
	clk := ghclient.WithClock(s.h.clock.Now, func(_ context.Context, d time.Duration) error {
		s.slept.Add(int64(d))
		return nil
	})
	opts := outerloop.Options{Dir: s.h.dir, Settings: s.h.settings(), Now: s.h.clock.Now, ClientOptions: []ghclient.Option{clk}}
	if s.clientOptions != nil {
		opts.ClientOptions = append(opts.ClientOptions, s.clientOptions(step)...)
	}
	return opts
}

// step runs step i: what people do, one cycle, the agent's work, and half
// an hour. It returns the cycle's error.
func (s *scenario) step(t testing.TB, i int) error {
	s.people(t, i)
	_, err := outerloop.Run(context.Background(), s.options(i))
	if _, werr := s.agent.Work(); werr != nil {
		t.Fatal(werr)
	}
	s.h.clock.Advance(30 * time.Minute)
	return err
}

// state is what the reliability tests compare between runs: GitHub as a
// maintainer sees it, without timestamps, URLs or the wording that depends on
// them. Issues are named by title: numbers may shift when a write lands a
// cycle later.
type state struct {
	Issues map[string]issueState
	// Learnings are LEARNINGS.md's entries on the learnings branch, as
	// "issue by pull request", sorted.
	Learnings []string
	Status    []statusState
	Pinned    []string
}

type issueState struct {
	State     string
	Board     string // Status/Priority/Size
	Labels    []string
	Assignees []string
	// Comments are (author: marker kinds) in order; dispatch markers carry
	// their attempt.
	Comments []string
}

type statusState struct {
	Title, State string
	// Announced are the items its comments told people about, one
	// "author: title" each, sorted: how comments group them depends on
	// the cycle each item came to need a person in.
	Announced []string
}

var issueNumberRE = regexp.MustCompile(`#[0-9]+`)

// snapshotState reads the world's state.
func snapshotState(h *harness) state {
	w := h.world
	w.Lock()
	defer w.Unlock()
	p := w.Project("octo", 1)
	st := state{Issues: map[string]issueState{}}
	title := map[*ghsim.Issue]string{}
	for _, is := range h.repo.Issues {
		name := is.Title
		if is.PR != nil {
			// A pull request's title may carry its issue's number, which
			// shifts when a write lands a cycle later.
			name = "PR " + issueNumberRE.ReplaceAllString(name, "#N")
		}
		title[is] = name
		if slices.ContainsFunc(is.Labels, func(l *ghsim.Label) bool { return l.Name == policy.LabelStatus }) {
			st.Status = append(st.Status, statusState{Title: is.Title, State: is.State})
			continue
		}
		x := issueState{State: is.State, Comments: commentKinds(is)}
		if it := p.ItemFor(is); it != nil {
			x.Board = it.OptionName("Status") + "/" + it.OptionName("Priority") + "/" + it.OptionName("Size")
		}
		for _, l := range is.Labels {
			x.Labels = append(x.Labels, l.Name)
		}
		for _, u := range is.Assignees {
			x.Assignees = append(x.Assignees, u.Login)
		}
		sort.Strings(x.Labels)
		sort.Strings(x.Assignees)
		for n := 2; ; n++ {
			if _, dup := st.Issues[name]; !dup {
				break
			}
			name = fmt.Sprintf("%s (%d)", title[is], n)
		}
		st.Issues[name] = x
	}
	for i, is := range statusIssuesLocked(h) {
		for _, c := range is.Comments {
			for _, m := range ledger.ParseMarkers(c.Body) {
				if m.Kind == ledger.MarkNeeded {
					st.Status[i].Announced = append(st.Status[i].Announced, c.Author.Login+": "+title[h.repo.Issue(m.Int("issue"))])
				}
			}
		}
		sort.Strings(st.Status[i].Announced)
	}
	for _, is := range h.repo.Pinned {
		st.Pinned = append(st.Pinned, title[is])
	}
	if head := h.repo.Head("nanobots/learnings"); head != nil {
		if b, ok := head.Files[plan.LearningsFile]; ok {
			for _, e := range plan.LearnedEntries(string(b.Content)) {
				st.Learnings = append(st.Learnings, title[h.repo.Issue(e.Issue)]+" by "+title[h.repo.Issue(e.PR)])
			}
		}
	}
	// Entries are appended in the order items finish, which a lost cycle
	// may change; each must be there once.
	sort.Strings(st.Learnings)
	if head := h.repo.Head(h.repo.DefaultBranch); head != nil {
		if _, ok := head.Files[plan.LearningsFile]; ok {
			st.Learnings = append(st.Learnings, "(LEARNINGS.md on the default branch)")
		}
	}
	return st
}

// statusIssuesLocked returns the issues labelled nanobots:status; the world
// is locked.
func statusIssuesLocked(h *harness) []*ghsim.Issue {
	var out []*ghsim.Issue
	for _, is := range h.repo.Issues {
		if slices.ContainsFunc(is.Labels, func(l *ghsim.Label) bool { return l.Name == policy.LabelStatus }) {
			out = append(out, is)
		}
	}
	return out
}

// commentKinds lists an issue's comments as "author: kinds".
func commentKinds(is *ghsim.Issue) []string {
	var out []string
	for _, c := range is.Comments {
		var kinds []string
		for _, m := range ledger.ParseMarkers(c.Body) {
			k := m.Kind
			if a := m.Fields["attempt"]; a != "" && m.Kind == ledger.MarkDispatch {
				k += "#" + a
			}
			kinds = append(kinds, k)
		}
		out = append(out, c.Author.Login+": "+strings.Join(kinds, ","))
	}
	return out
}

// play runs the whole story and returns the final state.
func (s *scenario) play(t testing.TB) state {
	for i := range scenarioSteps {
		if err := s.step(t, i); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	return snapshotState(s.h)
}

// wantScenarioState checks the uninterrupted run's end against the story, so
// the state every other run is compared with is itself right.
func wantScenarioState(t *testing.T, s *scenario, st state) {
	t.Helper()
	want := map[string]string{
		"green": "Done", "review": "Done", "incomplete": "Done", "after": "Done",
		"red": "Blocked", "silent": "Blocked", "gated": "Blocked",
	}
	for name, status := range want {
		is := st.Issues[s.issues[name].Title]
		if got, _, _ := strings.Cut(is.Board, "/"); got != status {
			t.Errorf("%s (%q) ends %s, want %s", name, s.issues[name].Title, is.Board, status)
		}
	}
	if n := len(st.Learnings); n != 4 {
		t.Errorf("LEARNINGS.md has %d entries, want 4 (green, review, incomplete, after): %v", n, st.Learnings)
	}
	if len(st.Status) != 1 || len(st.Pinned) != 1 {
		t.Fatalf("%d status issues, pinned %v; want one, pinned", len(st.Status), st.Pinned)
	}
	// The incomplete issue waits on its author, whom its triage comment
	// asked: the maintainers are not pinged for it.
	var told []string
	for _, name := range []string{"gated", "red", "review", "silent"} {
		told = append(told, "github-actions[bot]: "+s.issues[name].Title)
	}
	sort.Strings(told)
	if diff := cmp.Diff(told, st.Status[0].Announced); diff != "" {
		t.Errorf("the status issue's comments told people about (-want +got):\n%s", diff)
	}
	distilled := 0
	for title, is := range st.Issues {
		if strings.HasPrefix(title, "Distill ") && is.Board == "Done//" {
			distilled++
		}
	}
	if distilled != 2 {
		t.Errorf("%d distill issues Done, want 2", distilled)
	}
	silent := st.Issues[s.issues["silent"].Title]
	if got := strings.Count(strings.Join(silent.Comments, "\n"), "dispatch#"); got != 3 {
		t.Errorf("silent was dispatched %d times, want 3: %v", got, silent.Comments)
	}
}

// TestScenarioSettles plays the story once, checks where it ends, and that
// the last cycles write nothing: the room left for a lost cycle is real.
func TestScenarioSettles(t *testing.T) {
	s := newScenario(t)
	var last int
	for i := range scenarioSteps {
		before := s.h.srv.Log.Totals().Writes
		if err := s.step(t, i); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if s.h.srv.Log.Totals().Writes > before {
			last = i
		}
	}
	st := snapshotState(s.h)
	wantScenarioState(t, s, st)
	t.Logf("%d writes; the last in step %d of %d", s.h.srv.Log.Totals().Writes, last, scenarioSteps)
	if last > scenarioSteps-5 {
		t.Errorf("the story wrote until step %d of %d: leave four quiet steps for a lost cycle", last, scenarioSteps)
	}
	if s.slept.Load() != 0 {
		t.Errorf("the clients waited %s in a run without faults", time.Duration(s.slept.Load()))
	}
}
