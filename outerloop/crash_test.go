package outerloop_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

// writePoint is one write of the uninterrupted run, and how to aim a fault
// at it in a run that repeats the uninterrupted one up to that write.
type writePoint struct {
	// K is the write's place among all writes (1-based); Seq its place in
	// the request log.
	K, Seq int
	// Route and Nth select it: a REST operationId or "graphql:mutation",
	// and its place among the requests that route matches.
	Route string
	Nth   int
	// What names it in subtest names and messages.
	What string
}

// writePoints lists the writes in a request log.
func writePoints(log []ghsim.Entry) []writePoint {
	var out []writePoint
	seen := map[string]int{}
	for _, e := range log {
		route := e.Route
		if e.Route == "graphql" {
			if e.Operation != "mutation" {
				continue
			}
			route = "graphql:mutation"
		}
		seen[route]++
		if !e.Write {
			continue
		}
		what := e.Route
		if e.Route == "graphql" {
			what = strings.Join(e.Fields, "+")
		}
		out = append(out, writePoint{K: len(out) + 1, Seq: e.Seq, Route: route, Nth: seen[route], What: what})
	}
	return out
}

// describeWrite says what a log entry wrote, to compare two runs' writes.
func describeWrite(e ghsim.Entry) string {
	return fmt.Sprintf("%s %s %s %s", e.Login, e.Method, e.Route, strings.Join(e.Fields, ","))
}

// errDied is what every request gets once the process "died".
var errDied = errors.New("the process died (crash test)")

// killSwitch sends requests until an answer is the crash fault's 502; from
// then on every request of that cycle fails without reaching the simulator,
// as if the process had died right after GitHub carried the write out.
type killSwitch struct {
	dead atomic.Bool
}

func (k *killSwitch) RoundTrip(r *http.Request) (*http.Response, error) {
	if k.dead.Load() {
		return nil, errDied
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusBadGateway {
		k.dead.Store(true)
	}
	return resp, err
}

// crashRun replays the story with the answer of write p lost. With die, the
// process dies right after the write (nothing else of that cycle reaches
// GitHub); without, it lives on and sees a 502, as when GitHub carried a
// write out and then failed to answer. Either way the cycle must end in an
// error, and the story then goes on with no fault to its end.
func crashRun(t *testing.T, p writePoint, die bool, baseline []ghsim.Entry) state {
	s := newScenario(t)
	s.h.srv.Inject(ghsim.Fault{Name: "crash", Route: p.Route, Nth: p.Nth, After: true, Status: http.StatusBadGateway})
	crashed := -1
	var ks *killSwitch
	s.clientOptions = func(step int) []ghclient.Option {
		if !die || crashed >= 0 {
			return nil
		}
		ks = &killSwitch{}
		return []ghclient.Option{ghclient.WithBase(ks)}
	}
	for i := range scenarioSteps {
		before := len(s.h.srv.Log.Entries())
		err := s.step(t, i)
		fired := false
		for _, e := range s.h.srv.Log.Entries()[before:] {
			fired = fired || e.Fault == "crash after"
		}
		switch {
		case fired:
			crashed = i
			s.h.srv.ClearFaults()
			if err == nil {
				t.Errorf("step %d: write %d (%s) lost its answer, and the cycle reported no error", i, p.K, p.What)
			}
		case err != nil:
			t.Fatalf("step %d (crash in step %d): %v", i, crashed, err)
		}
	}
	if crashed < 0 {
		t.Fatalf("the fault on write %d (%s #%d) never fired: the story is not deterministic", p.K, p.Route, p.Nth)
	}
	// Up to the crash, this run wrote what the uninterrupted one did.
	var got []string
	for _, e := range s.h.srv.Log.Entries() {
		if e.Write && len(got) < p.K {
			got = append(got, describeWrite(e))
		}
	}
	var want []string
	for _, e := range baseline {
		if e.Write && len(want) < p.K {
			want = append(want, describeWrite(e))
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("the writes up to the crash differ from the uninterrupted run's (-want +got):\n%s", diff)
	}
	return snapshotState(s.h)
}

// TestCrashAtEveryWrite kills the cycle right after each write of the story
// in turn, GitHub having carried the write out, and lets the next cron cycle
// pick up: the story must end exactly where the uninterrupted run ends, with
// no comment, dispatch, LEARNINGS.md entry or status issue twice.
func TestCrashAtEveryWrite(t *testing.T) {
	atEveryWrite(t, true)
}

// TestLostAnswerAtEveryWrite fails the answer of each write in turn after
// GitHub carried it out (a 502 that hides a write), and lets the cycle go on
// as it sees fit: the story must still end where the uninterrupted run ends.
func TestLostAnswerAtEveryWrite(t *testing.T) {
	atEveryWrite(t, false)
}

func atEveryWrite(t *testing.T, die bool) {
	s := newScenario(t)
	want := s.play(t)
	wantScenarioState(t, s, want)
	baseline := s.h.srv.Log.Entries()
	points := writePoints(baseline)
	if len(points) < 40 {
		t.Fatalf("the story wrote %d times; it should cover every transition in more", len(points))
	}
	t.Logf("%d write points tried", len(points))
	for _, p := range points {
		t.Run(fmt.Sprintf("%02d-%s", p.K, p.What), func(t *testing.T) {
			t.Parallel()
			got := crashRun(t, p, die, baseline)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("after write %d (%s) lost its answer, the story ends elsewhere (-uninterrupted +crashed):\n%s", p.K, p.What, diff)
			}
		})
	}
}
