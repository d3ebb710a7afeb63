package setup_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/setup"
)

// TestDoctorWarnsBeforeTheScheduleStops checks doctor's schedule check on
// a public repository as it goes quiet: fine at first, a warning with its
// fix from 45 quiet days on, and nothing to warn of in a private one.
func TestDoctorWarnsBeforeTheScheduleStops(t *testing.T) {
	clock := ghsim.NewClock(epoch)
	e := newEnv(t, ghsim.Bare(clock.Now), octoConfig("octo/demo"))
	e.bootstrap(false)
	check := func() setup.Check {
		t.Helper()
		c, ok := e.doctor().Check("schedule")
		if !ok {
			t.Fatal("doctor has no schedule check")
		}
		return c
	}
	if c := check(); c.Result != setup.Pass || !strings.Contains(c.Detail, "0 days old") {
		t.Errorf("a fresh repository: %s %q, want pass", c.Result, c.Detail)
	}
	clock.Advance(50 * 24 * time.Hour)
	c := check()
	if c.Result != setup.Warn || !strings.Contains(c.Detail, "50 days old") || !strings.Contains(c.Detail, "60 days") {
		t.Errorf("50 quiet days: %s %q, want a warning that names the 60 days", c.Result, c.Detail)
	}
	if !strings.Contains(c.Fix, "gh workflow enable nanobots-outer.yml") || !strings.Contains(c.Fix, "unverified") {
		t.Errorf("fix %q lacks the enable command or the caveat", c.Fix)
	}
	e.world.SetPrivate(e.world.Repo("octo/demo"), true)
	if c := check(); c.Result != setup.Pass || !strings.Contains(c.Detail, "private") {
		t.Errorf("private: %s %q, want pass", c.Result, c.Detail)
	}
}
