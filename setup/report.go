package setup

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Verdict is the outcome of one check.
type Verdict string

const (
	// Pass: what a cycle needs is there.
	Pass Verdict = "pass"
	// Fail: a cycle would fail, or do the wrong thing, until it is fixed.
	Fail Verdict = "fail"
	// Warn: worth fixing, but a cycle runs without it.
	Warn Verdict = "warn"
	// Skip: not checked, because a failed check makes it impossible.
	Skip Verdict = "skip"
)

// Check is one line of doctor's report.
type Check struct {
	// ID names the check, stably, for scripts: "config", "token-scopes"…
	ID     string  `json:"id"`
	Result Verdict `json:"result"`
	// Detail says what was found.
	Detail string `json:"detail"`
	// Fix says what to do, when the check failed or warned.
	Fix string `json:"fix,omitempty"`
}

// Report is every check, in order.
type Report struct {
	Checks []Check `json:"checks"`
}

// OK reports whether every check a cycle needs passed: warnings and skips
// aside, nothing failed.
func (r Report) OK() bool { return len(r.Failed()) == 0 }

// Failed returns the failed checks.
func (r Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Result == Fail {
			out = append(out, c)
		}
	}
	return out
}

// Check returns the check with the given ID.
func (r Report) Check(id string) (Check, bool) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

var marks = map[Verdict]string{Pass: "ok", Fail: "FAIL", Warn: "warn", Skip: "skip"}

// Print writes one line per check, "FAIL  id  detail", with the fix on the
// next line when there is one; details of several lines are indented.
func (r Report) Print(w io.Writer) error {
	width := 0
	for _, c := range r.Checks {
		width = max(width, len(c.ID))
	}
	indent := strings.Repeat(" ", 6+width+2)
	for _, c := range r.Checks {
		detail := strings.ReplaceAll(strings.TrimRight(c.Detail, "\n"), "\n", "\n"+indent)
		if _, err := fmt.Fprintf(w, "%-4s  %-*s  %s\n", marks[c.Result], width, c.ID, detail); err != nil {
			return err
		}
		if c.Fix != "" {
			if _, err := fmt.Fprintf(w, "%sfix: %s\n", indent, c.Fix); err != nil {
				return err
			}
		}
	}
	return nil
}

// MarshalJSON writes {"ok": …, "checks": […]}.
func (r Report) MarshalJSON() ([]byte, error) {
	checks := r.Checks
	if checks == nil {
		checks = []Check{}
	}
	return json.Marshal(struct {
		OK     bool    `json:"ok"`
		Checks []Check `json:"checks"`
	}{r.OK(), checks})
}

// cyclesPerHour is the most runs a cron schedule starts in any one hour of a
// week (GitHub's cron is UTC, five fields; an invalid line counts as 1, for
// the config check reports it).
func cyclesPerHour(schedule string) int {
	sched, err := cron.ParseStandard(schedule)
	if err != nil {
		return 1
	}
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	perHour := map[time.Time]int{}
	most := 1
	for t := sched.Next(start.Add(-time.Second)); !t.IsZero() && t.Before(start.AddDate(0, 0, 7)); t = sched.Next(t) {
		h := t.Truncate(time.Hour)
		perHour[h]++
		most = max(most, perHour[h])
	}
	return most
}
