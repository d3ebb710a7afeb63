package outerloop_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/outerloop"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
	"github.com/nanobots-dev/nanobots/policy"
)

// concurrentCycles is how many cycles run at once in each step of
// TestTwoCyclesAtOnce.
const concurrentCycles = 2

// allowed are the Status changes a card may go through: the board's
// transitions (docs/loop.md), GitHub's built-in workflow that sets Done when
// an issue closes, and a value set again by a second cycle. A new card
// starts in Inbox, or, triaged in the cycle that put it on the board, where
// triage sent it (a card with no Status is in Inbox for the planner); a
// distill issue starts in Ready.
var allowed = map[string][]string{
	"":                        {policy.StatusInbox, policy.StatusReady, policy.StatusBacklog, policy.StatusBlocked},
	policy.StatusInbox:        {policy.StatusBacklog, policy.StatusReady, policy.StatusBlocked},
	policy.StatusBacklog:      {policy.StatusReady},
	policy.StatusReady:        {policy.StatusInProgress, policy.StatusBlocked},
	policy.StatusInProgress:   {policy.StatusInReview, policy.StatusReady, policy.StatusBlocked},
	policy.StatusInReview:     {policy.StatusVerify, policy.StatusReady, policy.StatusBlocked},
	policy.StatusVerify:       {policy.StatusDone, policy.StatusBlocked},
	policy.StatusBlocked:      {policy.StatusBacklog, policy.StatusReady},
	policy.StatusDone:         {policy.StatusBlocked},
	"(closed: GitHub → Done)": nil,
}

// checkTransitions reports every Status change of the board's cards that
// is not an allowed transition.
func checkTransitions(t *testing.T, h *harness) {
	t.Helper()
	w := h.world
	w.Lock()
	defer w.Unlock()
	for _, it := range w.Project("octo", 1).Items {
		from, path := "", []string{"(none)"}
		for _, ch := range it.History {
			if ch.Field != policy.FieldStatus {
				continue
			}
			path = append(path, ch.Option)
			ok := ch.Option == from || ch.Option == policy.StatusDone // GitHub's Done-on-close, or the loop's
			for _, to := range allowed[from] {
				ok = ok || to == ch.Option
			}
			if !ok {
				t.Errorf("#%d %q went from %q to %q: %s", it.Content.Number, it.Content.Title, from, ch.Option, strings.Join(path, " → "))
			}
			from = ch.Option
		}
	}
}

// checkOnce reports a dispatch (or a request for a missing pull request)
// posted twice for one attempt, an agent run for a dispatch that was
// deleted, a LEARNINGS.md entry written twice, and more than one status
// issue or pin.
func checkOnce(t *testing.T, h *harness) {
	t.Helper()
	w := h.world
	w.Lock()
	defer w.Unlock()
	for _, is := range h.repo.Issues {
		seen := map[string]int{}
		runs, dispatches := 0, 0
		for _, c := range is.Comments {
			if c.Author.Login == ghsim.ClaudeBot {
				runs++
			}
			if c.Author.Login != "octo" {
				continue
			}
			for _, m := range ledger.ParseMarkers(c.Body) {
				switch m.Kind {
				case ledger.MarkDispatch:
					dispatches++
					seen["dispatch attempt "+m.Fields["attempt"]]++
				}
			}
		}
		for what, n := range seen {
			if n > 1 {
				t.Errorf("#%d %q: %s posted %d times", is.Number, is.Title, what, n)
			}
		}
		if runs != dispatches {
			t.Errorf("#%d %q: the agent ran %d times for %d dispatches", is.Number, is.Title, runs, dispatches)
		}
	}
	if head := h.repo.Head("nanobots/learnings"); head != nil {
		seen := map[string]int{}
		for _, e := range plan.LearnedEntries(string(head.Files[plan.LearningsFile].Content)) {
			seen[fmt.Sprintf("#%d by #%d", e.Issue, e.PR)]++
		}
		for what, n := range seen {
			if n > 1 {
				t.Errorf("LEARNINGS.md has the entry of %s %d times", what, n)
			}
		}
	}
	distills := map[string]int{}
	for _, is := range h.repo.Issues {
		if slices.ContainsFunc(is.Labels, func(l *ghsim.Label) bool { return l.Name == policy.LabelDistill }) {
			for _, m := range ledger.ParseMarkers(is.Body) {
				if m.Kind == ledger.MarkDistill {
					distills[m.Fields["entries"]]++
				}
			}
		}
	}
	for entries, n := range distills {
		if n > 1 {
			t.Errorf("%d distill issues for the first %s entries", n, entries)
		}
	}
	var open []int
	for _, is := range statusIssuesLocked(h) {
		if is.State == "open" {
			open = append(open, is.Number)
		}
	}
	if len(open) != 1 || len(h.repo.Pinned) != 1 {
		t.Errorf("open status issues %v, %d pinned; want one, pinned", open, len(h.repo.Pinned))
	}
}

// TestTwoCyclesAtOnce plays the reliability story with two cycles running
// at once in every step, as when the workflow's concurrency group failed or a
// person ran one by hand, with latency on one kind of request in each
// subtest to widen the races: nothing may be dispatched twice, no card may
// skip a state, no LEARNINGS.md entry may be written twice, there is one
// status issue, and no comment of the loop stands twice.
func TestTwoCyclesAtOnce(t *testing.T) {
	slow := func(route string, d time.Duration) []ghsim.Fault {
		return []ghsim.Fault{{Name: "slow", Route: route, Latency: d, Times: -1}}
	}
	for _, tc := range []struct {
		name   string
		faults []ghsim.Fault
	}{
		{"no latency", nil},
		{"slow comments", slow("graphql:addComment", 20*time.Millisecond)},
		{"slow issue reads", slow("graphql:nodes", 10*time.Millisecond)},
		{"slow board moves", slow("graphql:updateProjectV2ItemFieldValue", 10*time.Millisecond)},
		{"slow issue creation", slow("issues/create", 20*time.Millisecond)},
		{"slow LEARNINGS.md writes", slow("repos/create-or-update-file-contents", 20*time.Millisecond)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var races raceCount
			s := newScenario(t)
			for _, f := range tc.faults {
				s.h.srv.Inject(f)
			}
			for i := range scenarioSteps {
				s.people(t, i)
				var wg sync.WaitGroup
				errs := make([]error, concurrentCycles)
				results := make([]*outerloop.Result, concurrentCycles)
				for c := range concurrentCycles {
					wg.Add(1)
					go func() {
						defer wg.Done()
						results[c], errs[c] = outerloop.Run(t.Context(), s.options(i))
					}()
				}
				wg.Wait()
				for _, res := range results {
					races.count(res)
				}
				for c, err := range errs {
					if err != nil {
						t.Logf("step %d, cycle %d: %v", i, c, err)
					}
				}
				if _, err := s.agent.Work(); err != nil {
					t.Fatal(err)
				}
				s.h.clock.Advance(30 * time.Minute)
			}
			checkOnce(t, s.h)
			checkTransitions(t, s.h)
			if tw := twice(s.h); tw != "" {
				t.Errorf("comments of the loop posted twice: %s", tw)
			}
			t.Logf("%d cycles; %s", scenarioSteps*concurrentCycles, races)
			st := snapshotState(s.h)
			var ends []string
			for name, is := range s.issues {
				ends = append(ends, name+": "+st.Issues[is.Title].Board)
			}
			sort.Strings(ends)
			t.Logf("ends: %s", strings.Join(ends, ", "))
		})
	}
}

// raceCount counts how often cycles running at once met: what a cycle
// skipped or took back because another got there first.
type raceCount struct {
	skipped, withdrawn, stale, closed int
}

func (r *raceCount) count(res *outerloop.Result) {
	if res == nil {
		return
	}
	for _, d := range res.Done {
		switch {
		case d.Skip == plan.SkipWithdrawn:
			r.withdrawn++
		case d.Kind == plan.AddToBoard && d.Skip == plan.SkipOnBoard:
			r.stale++
		case d.Kind == plan.Dispatch && d.Skip == plan.SkipDispatched:
			r.skipped++
		}
	}
	if hb := res.Heartbeat; hb != nil {
		for _, w := range hb.Writes {
			if strings.Contains(w, "at the same time") {
				r.closed++
			}
		}
	}
}

func (r raceCount) String() string {
	return fmt.Sprintf("%d dispatches skipped before posting, %d dispatches and comments deleted after posting, %d new issues found on the board already, %d status issues closed as duplicates",
		r.skipped, r.withdrawn, r.stale, r.closed)
}

// rival is a transport that, just before the first request matching
// match goes out, plays another cycle that got there first.
type rival struct {
	match func(r *http.Request, body string) bool
	first func()
	done  bool
}

func (rv *rival) RoundTrip(r *http.Request) (*http.Response, error) {
	if !rv.done && r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		if rv.match(r, string(b)) {
			rv.done = true
			rv.first()
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestADispatchPostedSecondIsWithdrawn: another cycle posts the same
// attempt after this one looked and before it posted; this one deletes its
// own comment, records the dispatch as skipped, and the agent works once.
func TestADispatchPostedSecondIsWithdrawn(t *testing.T) {
	h := newHarness(t, nil)
	is := h.file("feature", "Add a --build-info flag", map[string]string{
		"kind": "feature", "area": "interface", "problem": "No way to tell the build.",
		"acceptance": "- [ ] `demo --version` prints it", "size_hint": "S",
	})
	agent := ghsim.NewAgent(h.world, "@claude", "octo")
	agent.Default = ghsim.OutcomePROnly
	h.cycle(false)
	h.clock.Advance(30 * time.Minute)

	rv := &rival{
		match: func(r *http.Request, body string) bool {
			return strings.HasSuffix(r.URL.Path, "/graphql") && strings.Contains(body, "nanobots:dispatch")
		},
		first: func() {
			h.world.AddComment(is, h.world.User("octo"), "@claude the same work\n\n<!-- nanobots:dispatch attempt=1 issue="+fmt.Sprint(is.Number)+" -->")
		},
	}
	res, err := outerloop.Run(t.Context(), outerloop.Options{Dir: h.dir, Settings: h.settings(), Now: h.clock.Now,
		ClientOptions: []ghclient.Option{ghclient.WithBase(rv)}})
	if err != nil {
		t.Fatal(err)
	}
	if !rv.done {
		t.Fatal("the cycle posted no dispatch")
	}
	var d *plan.Done
	for i := range res.Done {
		if res.Done[i].Kind == plan.Dispatch {
			d = &res.Done[i]
		}
	}
	if d == nil || d.Skip != plan.SkipWithdrawn || d.URL != "" {
		t.Errorf("the dispatch's outcome is %+v, want skipped: deleted", d)
	}
	if n := dispatchCount(is); n != 1 {
		t.Errorf("%d dispatch comments stand, want 1 (the other cycle's)", n)
	}
	if got := comments(is, "octo"); len(got) != 1 || !strings.Contains(got[0].Body, "the same work") {
		t.Errorf("octo's comments: %d, want only the other cycle's", len(got))
	}
	if ran, err := agent.Work(); err != nil || ran != 1 {
		t.Errorf("the agent ran %d times (%v), want 1", ran, err)
	}
	if got := h.card(is)["Status"]; got != "In Progress" {
		t.Errorf("the card is %s, want In Progress", got)
	}
}

// TestAStatusIssueCreatedSecondIsClosed: another cycle creates the status
// issue while this one does; this one closes its own, without the label,
// and leaves the pin and the comments to the other.
func TestAStatusIssueCreatedSecondIsClosed(t *testing.T) {
	h := newHarness(t, nil)
	var theirs *ghsim.Issue
	rv := &rival{
		match: func(r *http.Request, body string) bool {
			return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/issues") && strings.Contains(body, "nanobots:status")
		},
		first: func() {
			theirs = h.world.CreateIssue(h.repo, h.world.User(ghsim.ActionsBot), "nanobots status", "<!-- nanobots:status hash=0 -->\nby the other cycle", "nanobots:status")
		},
	}
	res, err := outerloop.Run(t.Context(), outerloop.Options{Dir: h.dir, Settings: h.settings(), Now: h.clock.Now,
		ClientOptions: []ghclient.Option{ghclient.WithBase(rv)}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Heartbeat == nil || res.Heartbeat.Issue != theirs.Number {
		t.Fatalf("the heartbeat names %+v, want the other cycle's #%d", res.Heartbeat, theirs.Number)
	}
	var open []int
	for _, is := range statusIssues(h) {
		open = append(open, is.Number)
	}
	if len(open) != 1 || open[0] != theirs.Number {
		t.Errorf("issues labelled nanobots:status: %v, want only #%d", open, theirs.Number)
	}
	mine := h.repo.Issue(theirs.Number + 1)
	if mine == nil || mine.State != "closed" || mine.StateReason != "not_planned" || len(mine.Labels) != 0 {
		t.Errorf("this cycle's status issue: %+v, want closed as not planned, without labels", mine)
	}
	if len(h.repo.Pinned) != 0 {
		t.Errorf("pinned %v: the other cycle pins its own", pinned(h))
	}
}

// twice says which of the loop's comments by the Actions bot (triage,
// requeue, summon, done, and the status issue's announcements) stand twice
// on an issue, "" when none: the later of two cycles takes its copy back.
func twice(h *harness) string {
	h.world.Lock()
	defer h.world.Unlock()
	n := map[string]int{}
	for _, is := range h.repo.Issues {
		seen := map[string]bool{}
		for _, c := range is.Comments {
			if c.Author.Login != ghsim.ActionsBot {
				continue
			}
			for _, m := range ledger.ParseMarkers(c.Body) {
				if k := m.String(); seen[k] {
					n[m.Kind]++
				} else {
					seen[k] = true
				}
			}
		}
	}
	if len(n) == 0 {
		return ""
	}
	var out []string
	for k, v := range n {
		out = append(out, fmt.Sprintf("%d %s", v, k))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

var triageMarkerRE = regexp.MustCompile(`<!-- nanobots:triage [^>]*-->`)

// TestACommentPostedSecondIsWithdrawn: another cycle posts the same triage
// comment after this one read the issue and before it posted; this one
// deletes its own and records it as skipped.
func TestACommentPostedSecondIsWithdrawn(t *testing.T) {
	h := newHarness(t, nil)
	is := h.file("feature", "Add a --build-info flag", map[string]string{
		"kind": "feature", "area": "interface", "problem": "No way to tell the build.",
		"acceptance": "- [ ] `demo --version` prints it", "size_hint": "S",
	})
	// The other cycle writes the same marker this one is about to post.
	var marker string
	rv := &rival{
		match: func(r *http.Request, body string) bool {
			body = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">").Replace(body)
			marker = triageMarkerRE.FindString(body)
			return strings.HasSuffix(r.URL.Path, "/graphql") && marker != ""
		},
		first: func() {
			h.world.AddComment(is, h.world.User(ghsim.ActionsBot), marker+"\n## Work spec\n\nthe other cycle's")
		},
	}
	res, err := outerloop.Run(t.Context(), outerloop.Options{Dir: h.dir, Settings: h.settings(), Now: h.clock.Now,
		ClientOptions: []ghclient.Option{ghclient.WithBase(rv)}})
	if err != nil {
		t.Fatal(err)
	}
	var skipped []string
	for _, d := range res.Done {
		if d.Skipped != "" {
			skipped = append(skipped, d.Action.String()+": "+d.Skipped)
		}
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0], "comment") || !strings.Contains(skipped[0], "was deleted") {
		t.Errorf("skipped: %q, want the triage comment, deleted", skipped)
	}
	if got := comments(is, ghsim.ActionsBot); len(got) != 1 || !strings.Contains(got[0].Body, "the other cycle's") {
		t.Errorf("%d triage comments stand, want only the other cycle's", len(got))
	}
	if got := h.card(is)["Status"]; got != "Ready" {
		t.Errorf("the card is %s, want Ready", got)
	}
}
