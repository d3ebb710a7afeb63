package outerloop_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/outerloop"
)

func TestKeepAliveDue(t *testing.T) {
	mon := time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC) // a Monday
	for _, tc := range []struct {
		schedule string
		at       time.Time
		want     bool
	}{
		{"17,47 * * * *", mon.Add(17 * time.Minute), true},
		{"17,47 * * * *", mon.Add(46 * time.Minute), true},
		{"17,47 * * * *", mon.Add(47 * time.Minute), false}, // the second run of the week
		{"17,47 * * * *", mon.Add(16 * time.Minute), false}, // before the first
		{"17,47 * * * *", mon.Add(-time.Minute), false},     // Sunday night
		{"17,47 * * * *", mon.Add(24*time.Hour + 17*time.Minute), false},
		{"7 */2 * * 1-5", mon.Add(2*time.Hour + 6*time.Minute), true},
		{"7 */2 * * 1-5", mon.Add(2*time.Hour + 7*time.Minute), false},
		{"7 9 * * 3", mon.Add(2*24*time.Hour + 9*time.Hour + 30*time.Minute), true}, // once a week, on Wednesday
		{"not a cron line", mon.Add(17 * time.Minute), false},
	} {
		if got := outerloop.KeepAliveDue(tc.schedule, tc.at); got != tc.want {
			t.Errorf("KeepAliveDue(%q, %s) = %v, want %v", tc.schedule, tc.at.Format(time.RFC1123), got, tc.want)
		}
	}
}

// TestKeepScheduleAlive runs cycles of a public repository that goes quiet:
// an ordinary cycle never looks at the workflow; the week's first cycle
// reads it and, once the default branch has been quiet for 45 days,
// enables the loop's own workflow with the dispatcher's PAT — also when
// GitHub already disabled it for inactivity — but never one a maintainer
// disabled, and never in a dry run.
func TestKeepScheduleAlive(t *testing.T) {
	h := newHarness(t, nil)
	h.world.AddLoopWorkflows(h.repo)
	const path = ".github/workflows/nanobots-outer.yml"
	state := func() string {
		for _, wf := range h.repo.Workflows {
			if wf.Path == path {
				return wf.State
			}
		}
		t.Fatal("no outer workflow")
		return ""
	}
	actions := func() (reads, enables int) {
		for _, e := range h.srv.Log.Entries() {
			switch {
			case e.Route == "actions/enable-workflow":
				enables++
			case strings.HasPrefix(e.Route, "actions/"):
				reads++
			}
		}
		h.srv.Log.Reset()
		return
	}
	// at moves the clock to the given Monday, hours:minutes UTC.
	at := func(day time.Time, hh, mm int) {
		h.clock.Advance(day.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute).Sub(h.clock.Now()))
	}
	mon := func(weeks int) time.Time { return time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*weeks) }

	at(mon(0), 9, 17) // an ordinary cycle
	if res := h.cycle(false); res.KeepAlive != nil {
		t.Errorf("an ordinary cycle kept the schedule alive: %+v", res.KeepAlive)
	}
	if r, e := actions(); r+e != 0 {
		t.Errorf("an ordinary cycle made %d workflow reads and %d enables, want none", r, e)
	}

	at(mon(1), 0, 17) // the week's first cycle, 13 days quiet
	res := h.cycle(false)
	if res.KeepAlive == nil || res.KeepAlive.Enabled || res.KeepAlive.State != "active" {
		t.Fatalf("13 quiet days: keepalive %+v, want a look and no enable", res.KeepAlive)
	}
	if r, e := actions(); r != 1 || e != 0 {
		t.Errorf("13 quiet days: %d workflow reads and %d enables, want 1 and 0", r, e)
	}

	at(mon(6), 0, 17) // 48 days quiet
	res = h.cycle(true)
	if res.KeepAlive == nil || !res.KeepAlive.Enabled || !strings.Contains(res.KeepAlive.Why, "dry run") {
		t.Errorf("dry run: keepalive %+v, want a would-enable", res.KeepAlive)
	}
	if _, e := actions(); e != 0 {
		t.Errorf("a dry run enabled the workflow %d times", e)
	}
	if err := h.world.SetWorkflowState(h.repo, path, "disabled_inactivity"); err != nil {
		t.Fatal(err)
	}
	res = h.cycle(false) // a run by hand in the same window
	if res.KeepAlive == nil || !res.KeepAlive.Enabled || res.KeepAlive.State != "disabled_inactivity" {
		t.Fatalf("48 quiet days: keepalive %+v, want enabled", res.KeepAlive)
	}
	if _, e := actions(); e != 1 || state() != "active" {
		t.Errorf("48 quiet days: %d enables, state %s; want 1 and active", e, state())
	}
	if !strings.Contains(res.KeepAlive.Why, "48 days") {
		t.Errorf("why = %q, want the quiet days", res.KeepAlive.Why)
	}

	at(mon(6), 0, 47) // the week's second cycle: nothing, even though quiet
	if res := h.cycle(false); res.KeepAlive != nil {
		t.Errorf("the second cycle of the week kept the schedule alive: %+v", res.KeepAlive)
	}

	if err := h.world.SetWorkflowState(h.repo, path, "disabled_manually"); err != nil {
		t.Fatal(err)
	}
	at(mon(7), 0, 17)
	res = h.cycle(false)
	if res.KeepAlive == nil || res.KeepAlive.Enabled || state() != "disabled_manually" {
		t.Errorf("a maintainer's disable: keepalive %+v, state %s; want left alone", res.KeepAlive, state())
	}
	actions()

	// GitHub's rule does not apply to a private repository: one read.
	h.world.SetPrivate(h.repo, true)
	at(mon(8), 0, 17)
	res = h.cycle(false)
	if res.KeepAlive == nil || !res.KeepAlive.Private || res.KeepAlive.Enabled {
		t.Errorf("private: keepalive %+v", res.KeepAlive)
	}
	if r, e := actions(); r != 0 || e != 0 {
		t.Errorf("private: %d workflow reads and %d enables, want none", r, e)
	}
}
