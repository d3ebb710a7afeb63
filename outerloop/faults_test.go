package outerloop_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/internal/ghsim/simtest"
	"github.com/nanobots-dev/nanobots/outerloop"
)

// faultCase is one of GitHub's failures, injected into one cycle of the
// story.
type faultCase struct {
	name string
	// step is the story's cycle the fault is injected into; it is cleared
	// after that cycle.
	step   int
	faults []ghsim.Fault
	// timeout, when set, is the cycle's context deadline.
	timeout time.Duration
	// stops says the cycle must end in an error containing it ("" = the
	// cycle must complete): what the operator reads.
	stops string
	// kind says what the cycle's error must be, for code that branches on
	// it (errors.Is or errors.As, never its text).
	kind func(error) bool
	// slept is how long the clients must have waited (virtually).
	slept time.Duration
}

// The steps of the story where its writes are (see TestScenarioSettles):
// step 0 takes the issues in and creates the status issue, step 1
// dispatches, step 2 appends the first LEARNINGS.md entry and summons a
// person for the red CI, step 4 opens the first distill issue.
var faultCases = []faultCase{
	{name: "REST 502 on a read, retried", step: 3,
		faults: []ghsim.Fault{{Route: "repos/get-content", Status: http.StatusBadGateway}}, slept: time.Second},
	{name: "REST 500 on a write", step: 0,
		faults: []ghsim.Fault{{Route: "issues/add-labels", Status: http.StatusInternalServerError}}, stops: "500", kind: status(http.StatusInternalServerError)},
	{name: "REST 503 on a write, refused before the work: retried", step: 0,
		faults: []ghsim.Fault{{Route: "issues/create", Status: http.StatusServiceUnavailable}}, slept: time.Second},
	{name: "REST 504 on every try of a read", step: 3,
		faults: []ghsim.Fault{{Route: "repos/get-content", Status: http.StatusGatewayTimeout, Times: -1}}, stops: "504", kind: status(http.StatusGatewayTimeout)},
	{name: "GraphQL 502 on the board read, retried", step: 1,
		faults: []ghsim.Fault{{Route: "graphql:user", Status: http.StatusBadGateway}}, slept: time.Second},
	{name: "GraphQL 502 on every try of the issue reads", step: 1,
		faults: []ghsim.Fault{{Route: "graphql:nodes", Status: http.StatusBadGateway, Times: -1}}, stops: "502", kind: status(http.StatusBadGateway)},
	{name: "GraphQL 503 on a mutation, refused before the work: retried", step: 0,
		faults: []ghsim.Fault{{Route: "graphql:mutation", Status: http.StatusServiceUnavailable}}, slept: time.Second},
	{name: "GraphQL 502 after a dispatch was carried out", step: 1,
		faults: []ghsim.Fault{{Route: "graphql:addComment", Status: http.StatusBadGateway, After: true}}, stops: "may have been carried out", kind: unsafe},
	{name: "a timeout on the board read", step: 1, timeout: 300 * time.Millisecond,
		faults: []ghsim.Fault{{Route: "graphql:user", Latency: 5 * time.Second}}, stops: "context deadline exceeded", kind: is(context.DeadlineExceeded)},
	{name: "a timeout on a dispatch GitHub carries out anyway", step: 1, timeout: 300 * time.Millisecond,
		faults: []ghsim.Fault{{Name: "late", Route: "graphql:addComment", Latency: 5 * time.Second}}, stops: "context deadline exceeded", kind: is(context.DeadlineExceeded)},
	{name: "429 with Retry-After on a REST write", step: 0,
		faults: []ghsim.Fault{{Route: "issues/create", Status: http.StatusTooManyRequests, RetryAfter: 30}}, slept: 30 * time.Second},
	{name: "429 with Retry-After on GraphQL", step: 1,
		faults: []ghsim.Fault{{Route: "graphql:nodes", Status: http.StatusTooManyRequests, RetryAfter: 20}}, slept: 20 * time.Second},
	{name: "secondary limit on a comment", step: 0,
		faults: []ghsim.Fault{{Route: "graphql:addComment", Secondary: true}}, slept: time.Minute},
	{name: "secondary limit on a REST write", step: 3,
		faults: []ghsim.Fault{{Route: "repos/create-or-update-file-contents", Secondary: true, RetryAfter: 90}}, slept: 90 * time.Second},
	{name: "secondary limit longer than a cycle waits", step: 1,
		faults: []ghsim.Fault{{Route: "graphql:addComment", Secondary: true, RetryAfter: 900}}, stops: "secondary rate limit", kind: secondary},
	{name: "GraphQL RATE_LIMITED, retried", step: 1,
		faults: []ghsim.Fault{{Route: "graphql:nodes", GraphQLType: "RATE_LIMITED"}}, slept: time.Minute},
	{name: "GraphQL RATE_LIMITED on every try", step: 0,
		faults: []ghsim.Fault{{Route: "graphql:user", GraphQLType: "RATE_LIMITED", Times: -1}}, stops: "rate limit", kind: is(ghclient.ErrRateLimited)},
	{name: "GraphQL STALE_DATA on a board move", step: 0,
		faults: []ghsim.Fault{{Route: "graphql:updateProjectV2ItemFieldValue", GraphQLType: "STALE_DATA", Message: "the item changed"}}, stops: "STALE_DATA", kind: is(ghclient.ErrStaleData)},
	{name: "409 on the LEARNINGS.md append, once: read again and retried", step: 3,
		faults: []ghsim.Fault{{Route: "repos/create-or-update-file-contents", Status: http.StatusConflict,
			Message: "is at 0123456789abcdef but expected fedcba9876543210"}}},
	{name: "409 on every LEARNINGS.md append", step: 3,
		faults: []ghsim.Fault{{Route: "repos/create-or-update-file-contents", Status: http.StatusConflict, Times: -1,
			Message: "is at 0123456789abcdef but expected fedcba9876543210"}}, stops: "changed under each of 3 tries", kind: is(ghclient.ErrConflict)},
	{name: "409 on the distill issue's board move", step: 5,
		faults: []ghsim.Fault{{Route: "issues/create", Status: http.StatusConflict, After: true}}, stops: "409", kind: status(http.StatusConflict)},
}

// is, status, unsafe and secondary tell an error's kind in faultCases.
func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

func status(code int) func(error) bool {
	return func(err error) bool {
		var se *ghclient.ServerError
		var re *ghclient.RESTError
		return errors.As(err, &se) && se.Status == code || errors.As(ghclient.Classify(err), &re) && re.Status == code
	}
}

func unsafe(err error) bool {
	var se *ghclient.ServerError
	return errors.As(err, &se) && se.Unsafe
}

func secondary(err error) bool {
	var rl *ghclient.RateLimitError
	return errors.As(err, &rl) && rl.Secondary
}

// TestFaults injects each of GitHub's failures into one cycle of the story:
// the cycle completes, or stops with an error that says what failed, and the
// story, going on with no fault, ends where the run without the fault ends.
func TestFaults(t *testing.T) {
	s := newScenario(t)
	want := s.play(t)
	wantScenarioState(t, s, want)
	for _, tc := range faultCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newScenario(t)
			for i := range scenarioSteps {
				if i != tc.step {
					if err := s.step(t, i); err != nil {
						t.Fatalf("step %d, after the fault: %v", i, err)
					}
					continue
				}
				before := len(s.h.srv.Log.Entries())
				for _, f := range tc.faults {
					if f.Name == "" {
						f.Name = "fault"
					}
					s.h.srv.Inject(f)
				}
				err := s.faultyStep(t, i, tc.timeout)
				s.h.srv.ClearFaults()
				fired := false
				for _, e := range s.h.srv.Log.Entries()[before:] {
					fired = fired || e.Fault != "" && e.Fault != "secondary-limit" || tc.faults[0].Latency > 0
				}
				if !fired {
					t.Fatalf("step %d: the fault never fired", i)
				}
				t.Logf("step %d: %v; the clients waited %s", i, err, time.Duration(s.slept.Load()))
				switch {
				case tc.stops == "" && err != nil:
					t.Errorf("step %d: the cycle stopped: %v; want it to complete", i, err)
				case tc.stops != "" && err == nil:
					t.Errorf("step %d: the cycle completed; want it to stop with an error about %q", i, tc.stops)
				case tc.stops != "" && !strings.Contains(err.Error(), tc.stops):
					t.Errorf("step %d: the cycle stopped with %q; want an error about %q", i, err, tc.stops)
				case tc.kind != nil && !tc.kind(err):
					t.Errorf("step %d: the cycle stopped with %q (%T), which is not of the kind expected", i, err, errors.Unwrap(err))
				}
				if got := time.Duration(s.slept.Load()); got < tc.slept || tc.slept == 0 && got > 0 && tc.stops == "" {
					t.Errorf("the clients waited %s; want at least %s", got, tc.slept)
				}
			}
			got := snapshotState(s.h)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("the story ends elsewhere after the fault (-without +with):\n%s", diff)
			}
		})
	}
}

// faultyStep is step i of the story with a deadline on its cycle. A request
// GitHub goes on with after the client gave up is waited for, so the next
// step starts from what GitHub ends up with.
func (s *scenario) faultyStep(t *testing.T, i int, timeout time.Duration) error {
	if timeout == 0 {
		return s.step(t, i)
	}
	s.people(t, i)
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	_, err := outerloop.Run(ctx, s.options(i))
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) && err != nil && !strings.Contains(err.Error(), "context deadline exceeded") {
		t.Logf("step %d: %v", i, err)
	}
	// The simulator logs a request once it is carried out: wait until
	// nothing more comes in for a while.
	for n, quiet := len(s.h.srv.Log.Entries()), 0; quiet < 10; {
		time.Sleep(20 * time.Millisecond)
		if m := len(s.h.srv.Log.Entries()); m != n {
			n, quiet = m, 0
		} else {
			quiet++
		}
	}
	if _, werr := s.agent.Work(); werr != nil {
		t.Fatal(werr)
	}
	s.h.clock.Advance(30 * time.Minute)
	return err
}

// oldBoard puts n closed issues on the board in Done, long ago.
func oldBoard(t *testing.T, h *harness, n int) {
	t.Helper()
	p, octo := h.world.Project("octo", 1), h.world.User("octo")
	for i := range n {
		is := h.world.CreateIssue(h.repo, octo, fmt.Sprintf("old work %d", i), "", "nanobots:inbox")
		it, err := h.world.AddItem(p, is)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.world.SetOption(it, "Status", "Done"); err != nil {
			t.Fatal(err)
		}
		h.world.CloseIssue(is, "completed")
	}
	h.clock.Advance(30 * 24 * time.Hour)
}

// TestABoardPageFailsInTheMiddle: on a board of 150 items, the second page
// fails on every try: the cycle stops before its first write, saying which
// read failed, and the next cycle does what a cycle without the fault does.
func TestABoardPageFailsInTheMiddle(t *testing.T) {
	run := func(fault bool) (state, *harness) {
		h := newHarness(t, nil)
		oldBoard(t, h, 150)
		h.file("feature", "Add a --build-info flag", map[string]string{
			"kind": "feature", "area": "interface", "problem": "No way to tell the build.",
			"acceptance": "- [ ] `demo --version` prints it", "size_hint": "S",
		})
		opts := outerloop.Options{Dir: h.dir, Settings: h.settings(), Now: h.clock.Now,
			ClientOptions: []ghclient.Option{ghclient.WithClock(h.clock.Now, func(context.Context, time.Duration) error { return nil })}}
		if fault {
			h.srv.Inject(ghsim.Fault{Name: "page 2", Route: "graphql:user", Nth: 2, Times: -1, Status: http.StatusBadGateway})
			_, err := outerloop.Run(t.Context(), opts)
			var se *ghclient.ServerError
			if !errors.As(err, &se) || se.Status != http.StatusBadGateway || !strings.Contains(err.Error(), "board") {
				t.Errorf("the cycle ended with %v; want an error that names the board read and the 502", err)
			}
			var pages []int
			for _, e := range h.srv.Log.Entries() {
				if e.Write {
					t.Errorf("the failed cycle wrote: %s %s", e.Route, e.Fields)
				}
				if slices.Contains(e.Fields, "user") {
					pages = append(pages, e.Status)
				}
			}
			if len(pages) < 3 || pages[0] != http.StatusOK || pages[1] != http.StatusBadGateway {
				t.Errorf("board page answers %v: want the first page, then the second failing (and retried)", pages)
			}
			h.srv.ClearFaults()
		}
		if _, err := outerloop.Run(t.Context(), opts); err != nil {
			t.Fatal(err)
		}
		return snapshotState(h), h
	}
	want, _ := run(false)
	got, h := run(true)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after a failed page, the next cycle ends elsewhere (-without +with):\n%s", diff)
	}
	if got := h.card(h.repo.Issue(154))["Status"]; got != "Ready" {
		t.Errorf("the new issue is %q after the next cycle, want Ready", got)
	}
}

// TestTheReserve: a cycle that finds fewer GraphQL points left than the
// reserve plans, says so, and writes nothing; with a smaller reserve it
// writes.
func TestTheReserve(t *testing.T) {
	h := newHarness(t, nil)
	sim := simtest.Start(t, h.world, simtest.WithServer(ghsim.WithLimits(ghsim.Limits{Core: 5000, GraphQL: 400, ContentPerMinute: 80, ContentPerHour: 500})))
	h.file("feature", "Add a --build-info flag", map[string]string{
		"kind": "feature", "area": "interface", "problem": "No way to tell the build.",
		"acceptance": "- [ ] `demo --version` prints it", "size_hint": "S",
	})
	set := h.settings()
	set.APIURL, set.GraphQLURL = sim.URL, sim.GraphQLURL
	res, err := outerloop.Run(t.Context(), outerloop.Options{Dir: h.dir, Settings: set, Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if w := sim.Log.Totals().Writes; w != 0 {
		t.Errorf("below the reserve: %d writes, want none", w)
	}
	var text strings.Builder
	if err := res.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if res.Held == "" || !strings.Contains(res.Held, "under the reserve of 500") || !strings.Contains(text.String(), "held: only") {
		t.Errorf("Held = %q; the cycle's text:\n%s\nwant it to say the plan is held for the reserve", res.Held, text.String())
	}
	if len(res.Plan.Actions) == 0 {
		t.Errorf("the held cycle planned nothing; want the plan it would carry out")
	}
	t.Logf("held: %s", res.Held)

	res, err = outerloop.Run(t.Context(), outerloop.Options{Dir: h.dir, Settings: set, Now: h.clock.Now, Reserve: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Held != "" || sim.Log.Totals().Writes == 0 {
		t.Errorf("with a reserve of 100 and %d points left: held %q, %d writes; want the plan carried out", res.Remaining, res.Held, sim.Log.Totals().Writes)
	}
}
