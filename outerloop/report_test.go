package outerloop

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/outerloop/plan"
)

// TestReportsListABoundedNumberOfWaits: with 5,000 waiting items the log and
// the job summary list 200 and count the rest (issue 14).
func TestReportsListABoundedNumberOfWaits(t *testing.T) {
	r := &Result{Repo: "octo/demo", Plan: plan.Plan{WIPLimit: 2}}
	for n := 1; n <= 5000; n++ {
		r.Plan.Waiting = append(r.Plan.Waiting, plan.Wait{Issue: n, Title: fmt.Sprintf("issue %d", n), Status: "Blocked", OnHuman: true, Why: "a hard gate"})
	}
	for name, write := range map[string]func(*strings.Builder) error{
		"text":    func(b *strings.Builder) error { return r.WriteText(b) },
		"summary": func(b *strings.Builder) error { return r.WriteSummary(b) },
	} {
		var b strings.Builder
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if got := strings.Count(out, "a hard gate"); got != maxWaiting {
			t.Errorf("%s lists %d waits, want %d", name, got, maxWaiting)
		}
		if !strings.Contains(out, "and 4800 more: see the status issue") {
			t.Errorf("%s does not count the rest", name)
		}
	}
}
