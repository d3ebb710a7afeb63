package outerloop_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
	"github.com/nanobots-dev/nanobots/policy"
)

// The tests here play claude-code-action's real timing: a run takes longer
// than the cron interval, pushes a branch and opens no pull request, and a
// maintainer, not the agent, merges or closes what the loop opens.

// cronEvery is the outer workflow's schedule.
const cronEvery = 30 * time.Minute

// story drives one issue through cycles, with the scripted agent working
// between them, and keeps what each cycle saw.
type story struct {
	t     *testing.T
	h     *harness
	agent *ghsim.Agent
	is    *ghsim.Issue
	// errs are the errors cycles returned; none is expected.
	errs []error
}

func newStory(t *testing.T, agent func(*ghsim.Agent), edit func(*policy.Config)) *story {
	h := newHarness(t, edit)
	h.world.EnableCI(h.repo, "ci", "success")
	is := h.file("feature", "Add a --version flag", map[string]string{
		"kind": "feature", "area": "interface", "problem": "No way to tell the build.",
		"acceptance": "- [ ] `demo --version` prints it", "size_hint": "S",
	})
	a := ghsim.NewAgent(h.world, "@claude", "octo")
	if agent != nil {
		agent(a)
	}
	return &story{t: t, h: h, agent: a, is: is}
}

// step runs one cycle, lets the agent work, and moves the clock on one cron
// interval. A cycle's error is recorded, not fatal, so the story goes on
// and the test reports every failing cycle.
func (s *story) step() {
	s.t.Helper()
	if _, err := s.h.run(false); err != nil {
		s.errs = append(s.errs, fmt.Errorf("cycle at %s: %w", s.h.clock.Now().Format("15:04"), err))
	}
	if _, err := s.agent.Work(); err != nil {
		s.t.Fatal(err)
	}
	s.h.clock.Advance(cronEvery)
}

func (s *story) status() string { return s.h.card(s.is)["Status"] }

// pulls returns the pull requests whose head is one of the agent's branches
// for the story's issue, oldest first.
func (s *story) pulls() []*ghsim.Issue {
	w := s.h.world
	w.Lock()
	defer w.Unlock()
	var out []*ghsim.Issue
	for _, x := range s.h.repo.Issues {
		if x.PR != nil && strings.HasPrefix(x.PR.Head, fmt.Sprintf("%s%d-", plan.AgentBranchPrefix, s.is.Number)) {
			out = append(out, x)
		}
	}
	slices.SortFunc(out, func(a, b *ghsim.Issue) int { return a.Number - b.Number })
	return out
}

// runs returns the agent's runs for the story's issue.
func (s *story) runs() []ghsim.Run {
	var out []ghsim.Run
	for _, r := range s.agent.Runs() {
		if r.Issue == s.is {
			out = append(out, r)
		}
	}
	return out
}

// dispatches returns the bodies of the loop's dispatch comments.
func (s *story) dispatches() []string {
	s.h.world.Lock()
	defer s.h.world.Unlock()
	var out []string
	for _, c := range comments(s.is, "octo") {
		if ledger.HasMarker(c.Body, ledger.MarkDispatch) {
			out = append(out, c.Body)
		}
	}
	return out
}

// summons counts the loop's summon comments.
func (s *story) summons() int {
	s.h.world.Lock()
	defer s.h.world.Unlock()
	n := 0
	for _, c := range comments(s.is, ghsim.ActionsBot) {
		if ledger.HasMarker(c.Body, ledger.MarkSummon) {
			n++
		}
	}
	return n
}

// asOcto calls the simulator's REST API as octo, a maintainer, with his
// own token: what a person does in the browser.
func (s *story) asOcto(method, path string, body any) {
	s.t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		s.t.Fatal(err)
	}
	req, err := http.NewRequest(method, s.h.url+path, bytes.NewReader(b))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "bearer "+patToken)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		s.t.Fatalf("octo: %s %s: %s\n%s", method, path, resp.Status, out)
	}
}

func (s *story) checkNoErrors() {
	s.t.Helper()
	for _, err := range s.errs {
		s.t.Errorf("a cycle failed: %v", err)
	}
}

// checkOneAttemptPerRun: every dispatch comment started exactly one run,
// and no attempt has two pull requests.
func (s *story) checkOneAttemptPerRun() {
	s.t.Helper()
	d, runs := s.dispatches(), s.runs()
	if len(d) != len(runs) {
		s.t.Errorf("%d dispatch comments but %d agent runs: want one attempt per run", len(d), len(runs))
	}
	heads := map[string]int{}
	for _, pr := range s.pulls() {
		heads[pr.PR.Head]++
	}
	for _, r := range runs {
		if heads[r.Branch] > 1 {
			s.t.Errorf("run %d's branch %s has %d pull requests", r.Number, r.Branch, heads[r.Branch])
		}
	}
	for i, body := range d {
		if !strings.Contains(body, fmt.Sprintf(`attempt="%d"`, i+1)) && !strings.Contains(body, fmt.Sprintf("attempt=%d", i+1)) {
			s.t.Errorf("dispatch %d does not carry attempt %d:\n%s", i+1, i+1, body)
		}
	}
}

// TestRunsOutlastCycles is issue 12's story: the agent's runs take 50
// minutes, longer than the 30-minute cron interval, and open no pull
// request. The loop waits for the first run without dispatching again,
// opens one pull request from its branch once its tracking comment says it
// finished, and a maintainer closes it unmerged: one attempt spent. The
// second attempt is told of the first one's branch, its run finishes, the
// loop opens a pull request, the maintainer merges it, and the item reaches
// Done with the agent's learnings in LEARNINGS.md.
func TestRunsOutlastCycles(t *testing.T) {
	s := newStory(t, func(a *ghsim.Agent) {
		a.RunTime = 50 * time.Minute
		a.Timeout = 90 * time.Minute
	}, func(c *policy.Config) {
		c.StaleTimeout = policy.Duration(time.Hour)
		c.Inner.TimeoutMinutes = 90
	})
	h, is := s.h, s.is

	// Attempt 1: dispatched, then cycles while the run goes on.
	var first ghsim.Run
	for i := 0; i < 8 && len(s.pulls()) == 0; i++ {
		before := s.runs()
		s.step()
		if len(s.pulls()) > 0 {
			// The cycle that opened it must have seen the run finished.
			if len(before) != 1 || before[0].State != ghsim.RunSucceeded {
				t.Fatalf("the loop opened a pull request while the run was %v", before)
			}
		}
		if n := len(s.dispatches()); n > 1 {
			t.Fatalf("attempt 1 was dispatched again while its run was going on (%d dispatches, runs %+v)", n, s.runs())
		}
	}
	runs := s.runs()
	if len(runs) != 1 || len(s.pulls()) != 1 {
		t.Fatalf("after attempt 1: %d runs, %d pull requests; want 1 and 1", len(runs), len(s.pulls()))
	}
	first = runs[0]
	pr1 := s.pulls()[0]
	h.world.Lock()
	pr1Head, pr1Author, pr1Body, pr1State := pr1.PR.Head, pr1.Author.Login, pr1.Body, pr1.State
	h.world.Unlock()
	if pr1Head != first.Branch || pr1Author != "octo" || pr1State != "open" {
		t.Fatalf("pull request #%d: head %s by %s, %s; want open, from run 1's %s, by the dispatcher", pr1.Number, pr1Head, pr1Author, pr1State, first.Branch)
	}
	if !slices.Contains(ghsim.ClosingReferences(pr1Body), is.Number) {
		t.Errorf("#%d does not close #%d:\n%s", pr1.Number, is.Number, pr1Body)
	}
	if s.status() != "In Progress" {
		t.Errorf("the cycle that opened #%d left the item %s, want In Progress (the next one moves it)", pr1.Number, s.status())
	}
	s.step()
	if s.status() != "In Review" {
		t.Fatalf("with #%d open the item is %s, want In Review", pr1.Number, s.status())
	}
	if len(s.pulls()) != 1 || len(s.dispatches()) != 1 {
		t.Fatalf("In Review: %d pull requests and %d dispatches, want 1 and 1", len(s.pulls()), len(s.dispatches()))
	}

	// octo reads it and closes it unmerged.
	s.asOcto(http.MethodPatch, fmt.Sprintf("/repos/octo/demo/pulls/%d", pr1.Number), map[string]string{"state": "closed"})
	s.step()
	d := s.dispatches()
	if len(d) != 2 {
		t.Fatalf("after #%d closed unmerged: %d dispatches, want 2 (the item is %s)", pr1.Number, len(d), s.status())
	}
	if s.status() != "In Progress" {
		t.Errorf("attempt 2 dispatched but the item is %s, want In Progress", s.status())
	}
	if want := "git fetch origin " + first.Branch; !strings.Contains(d[1], want) {
		t.Errorf("attempt 2's brief does not say %q:\n%s", want, d[1])
	}
	if !strings.Contains(d[1], fmt.Sprintf("#%d was closed without merging", pr1.Number)) {
		t.Errorf("attempt 2's brief does not say why attempt 1 ended:\n%s", d[1])
	}
	h.world.Lock()
	var moves []string
	if it := h.world.Project("octo", 1).ItemFor(is); it != nil {
		moves = statusHistory(it)
	}
	h.world.Unlock()
	if !slices.Contains(moves, "Ready") {
		t.Errorf("the closed pull request did not send the item back to Ready: %v", moves)
	}

	// Attempt 2: the run goes on for two cycles; attempt 1's closed pull
	// request must not spend it.
	for i := 0; i < 8 && len(s.pulls()) == 1; i++ {
		before := s.runs()
		s.step()
		if len(s.dispatches()) != 2 {
			t.Fatalf("attempt 2 was given up while its run was %s: %d dispatches, item %s", before[len(before)-1].State, len(s.dispatches()), s.status())
		}
		if len(s.pulls()) > 1 && before[len(before)-1].State != ghsim.RunSucceeded {
			t.Fatalf("the loop opened a pull request while run 2 was %s", before[len(before)-1].State)
		}
	}
	runs = s.runs()
	prs := s.pulls()
	if len(runs) != 2 || len(prs) != 2 {
		t.Fatalf("after attempt 2: %d runs, %d pull requests; want 2 and 2", len(runs), len(prs))
	}
	second, pr2 := runs[1], prs[1]
	if second.Branch == first.Branch || pr2.PR.Head != second.Branch {
		t.Fatalf("#%d's head is %s; want run 2's own branch %s (run 1's was %s)", pr2.Number, pr2.PR.Head, second.Branch, first.Branch)
	}
	s.step()
	if s.status() != "In Review" {
		t.Fatalf("with #%d open the item is %s, want In Review", pr2.Number, s.status())
	}

	// octo merges it; CI runs on the merge commit because a person merged.
	s.asOcto(http.MethodPut, fmt.Sprintf("/repos/octo/demo/pulls/%d/merge", pr2.Number), map[string]string{})
	for i := 0; i < 3 && s.status() != "Done"; i++ {
		s.step()
	}
	if s.status() != "Done" {
		t.Fatalf("after #%d merged the item is %s, want Done", pr2.Number, s.status())
	}

	s.checkNoErrors()
	s.checkOneAttemptPerRun()
	if n := len(s.dispatches()); n != 2 {
		t.Errorf("%d dispatches, want 2", n)
	}
	all := s.pulls()
	h.world.Lock()
	for _, pr := range all {
		if !slices.ContainsFunc(pr.Labels, func(l *ghsim.Label) bool { return l.Name == policy.LabelBuilt }) {
			t.Errorf("#%d did the work but is not labelled %s", pr.Number, policy.LabelBuilt)
		}
	}
	var learnings string
	if head := h.repo.Head("nanobots/learnings"); head != nil {
		if b, ok := head.Files[plan.LearningsFile]; ok {
			learnings = string(b.Content)
		}
	}
	final := second.Tracking.Body
	h.world.Unlock()
	entries := plan.LearnedEntries(learnings)
	if len(entries) != 1 || entries[0].Issue != is.Number {
		t.Fatalf("LEARNINGS.md entries = %+v, want one, for #%d:\n%s", entries, is.Number, learnings)
	}
	said := strings.TrimSpace(plan.LearningsSection(final))
	if said == "" {
		t.Fatalf("run 2's tracking comment has no Learnings section:\n%s", final)
	}
	if !strings.Contains(learnings, said) {
		t.Errorf("the entry lacks the agent's learnings %q:\n%s", said, learnings)
	}
	if strings.Contains(learnings, "(none given)") {
		t.Errorf("the entry says no learnings were given:\n%s", learnings)
	}
	if s.summons() != 0 {
		t.Errorf("a person was summoned %d times", s.summons())
	}
}

// statusHistory lists the Status values set on it, in order. The caller
// holds the world's lock.
func statusHistory(it *ghsim.Item) []string {
	var out []string
	for _, ch := range it.History {
		if ch.Field == "Status" {
			out = append(out, ch.Option)
		}
	}
	return out
}

// TestAgentOpensThePR: when the agent opens the pull request itself (with
// the App's token, as claude[bot]), the loop opens none, labels the agent's
// nanobots:built, and follows it to Done once a maintainer merges it.
func TestAgentOpensThePR(t *testing.T) {
	s := newStory(t, func(a *ghsim.Agent) {
		a.Default = ghsim.OutcomeAgentPR
		a.RunTime = 50 * time.Minute
		a.Timeout = 90 * time.Minute
	}, func(c *policy.Config) {
		c.StaleTimeout = policy.Duration(time.Hour)
		c.Inner.TimeoutMinutes = 90
	})
	h := s.h
	for i := 0; i < 8 && s.status() != "In Review"; i++ {
		s.step()
	}
	if s.status() != "In Review" {
		t.Fatalf("the item is %s, want In Review", s.status())
	}
	// One more cycle: the label may go on in the cycle after the move.
	s.step()
	prs := s.pulls()
	if len(prs) != 1 {
		t.Fatalf("%d pull requests from the agent's branches, want 1 (the agent's)", len(prs))
	}
	pr := prs[0]
	h.world.Lock()
	author := pr.Author.Login
	built := slices.ContainsFunc(pr.Labels, func(l *ghsim.Label) bool { return l.Name == policy.LabelBuilt })
	var opened int
	for _, x := range h.repo.Issues {
		if x.PR != nil && ledger.HasMarker(x.Body, ledger.MarkOpened) {
			opened++
		}
	}
	h.world.Unlock()
	if author != ghsim.ClaudeBot {
		t.Errorf("#%d is by %s, want the agent's %s", pr.Number, author, ghsim.ClaudeBot)
	}
	if opened != 0 {
		t.Errorf("the loop opened %d pull requests though the agent opened one", opened)
	}
	if !built {
		t.Errorf("the agent's #%d is not labelled %s", pr.Number, policy.LabelBuilt)
	}

	s.asOcto(http.MethodPut, fmt.Sprintf("/repos/octo/demo/pulls/%d/merge", pr.Number), map[string]string{})
	for i := 0; i < 3 && s.status() != "Done"; i++ {
		s.step()
	}
	if s.status() != "Done" {
		t.Errorf("after #%d merged the item is %s, want Done", pr.Number, s.status())
	}
	s.checkNoErrors()
	s.checkOneAttemptPerRun()
	if n := len(s.dispatches()); n != 1 {
		t.Errorf("%d dispatches, want 1", n)
	}
}

// TestFailedAndEmptyRunsSpendOneAttemptEach: a run that ends in an error
// and a run that pushes nothing each spend exactly one attempt, are tried
// again, and after max_attempts a person is summoned once.
func TestFailedAndEmptyRunsSpendOneAttemptEach(t *testing.T) {
	for name, out := range map[string]ghsim.Outcome{"fail": ghsim.OutcomeFail, "no-commit": ghsim.OutcomeNoCommit} {
		t.Run(name, func(t *testing.T) {
			s := newStory(t, func(a *ghsim.Agent) {
				a.Default = out
				a.RunTime = 50 * time.Minute
				a.Timeout = 90 * time.Minute
			}, func(c *policy.Config) {
				c.StaleTimeout = policy.Duration(3 * time.Hour)
				c.Inner.TimeoutMinutes = 90
				c.MaxAttempts = 3
			})
			// Each cycle dispatches at most one attempt, and only once the
			// attempt before it ended.
			for i := 0; i < 20 && s.status() != "Blocked"; i++ {
				before, runs := len(s.dispatches()), s.runs()
				s.step()
				after := len(s.dispatches())
				switch {
				case after > before+1:
					t.Fatalf("one cycle dispatched %d attempts", after-before)
				case after > before && before > 0 && runs[len(runs)-1].State == ghsim.RunRunning:
					t.Fatalf("attempt %d was dispatched while attempt %d's run was going on", after, before)
				}
			}
			// Quiet cycles after the summon: nothing more.
			for i := 0; i < 3; i++ {
				s.step()
			}
			is := s.is
			if s.status() != "Blocked" || !slices.Contains(labels(is), "summon-human") {
				t.Fatalf("the item is %s with labels %v, want Blocked with summon-human", s.status(), labels(is))
			}
			s.checkNoErrors()
			s.checkOneAttemptPerRun()
			if n := len(s.dispatches()); n != 3 {
				t.Errorf("%d dispatches, want 3 (max_attempts)", n)
			}
			for _, r := range s.runs() {
				want := ghsim.RunSucceeded
				if out.Fail {
					want = ghsim.RunFailed
				}
				if r.State != want {
					t.Errorf("run %d is %s, want %s", r.Number, r.State, want)
				}
			}
			if n := s.summons(); n != 1 {
				t.Errorf("a person was summoned %d times, want once", n)
			}
			if n := len(s.pulls()); n != 0 {
				t.Errorf("%d pull requests for runs that pushed nothing", n)
			}
			s.h.world.Lock()
			requeues := 0
			for _, c := range comments(is, ghsim.ActionsBot) {
				if ledger.HasMarker(c.Body, ledger.MarkRequeue) {
					requeues++
				}
			}
			s.h.world.Unlock()
			if requeues != 2 {
				t.Errorf("%d requeue comments, want 2 (one per attempt spent before the last)", requeues)
			}
		})
	}
}
