package outerloop

import (
	"fmt"
	"io"
	"strings"

	"github.com/nanobots-dev/nanobots/outerloop/plan"
)

// WriteText writes the cycle as a person reads it in a terminal or an
// Actions log: what it would do or did, each with why, and what waits.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, board %s, as @%s\n", r.Repo, r.Board, r.Viewer)
	switch {
	case len(r.Plan.Actions) == 0:
		b.WriteString("nothing to do: no writes\n")
	case r.DryRun:
		fmt.Fprintf(&b, "dry run: %s planned, nothing written\n", plan.Plural(len(r.Plan.Actions), "action"))
	case r.Held != "":
		fmt.Fprintf(&b, "%s planned, held: %s\n", plan.Plural(len(r.Plan.Actions), "action"), r.Held)
	}
	steps := r.steps()
	for i, a := range r.Plan.Actions {
		mark := "  "
		d, reached := steps[i]
		if !r.DryRun && r.Held == "" {
			mark = "- " // not reached: an earlier phase failed
			if reached {
				switch {
				case d.Err != "":
					mark = "✗ "
				case d.Skipped != "":
					mark = "= "
				default:
					mark = "✓ "
				}
			}
		}
		fmt.Fprintf(&b, "%s%s\n      why: %s\n", mark, a, a.Why)
		if reached {
			if d.Skipped != "" {
				fmt.Fprintf(&b, "      skipped: %s\n", d.Skipped)
			} else if d.Err != "" {
				fmt.Fprintf(&b, "      failed: %s\n", d.Err)
			}
		}
	}
	if len(r.Plan.Waiting) > 0 {
		b.WriteString("waiting:\n")
		shown, more := waiting(r.Plan.Waiting)
		for _, wt := range shown {
			who := "the loop"
			if wt.OnHuman {
				who = "a person"
			}
			fmt.Fprintf(&b, "  #%d %s (%s): on %s: %s\n", wt.Issue, wt.Title, wt.Status, who, wt.Why)
		}
		if more > 0 {
			fmt.Fprintf(&b, "  and %d more: see the status issue\n", more)
		}
	}
	for _, p := range r.Plan.Problems {
		fmt.Fprintf(&b, "problem: %s\n", p)
	}
	r.Heartbeat.writeText(&b, r.DryRun)
	if r.KeepAlive != nil {
		fmt.Fprintf(&b, "schedule: %s\n", r.KeepAlive.Why)
	}
	fmt.Fprintf(&b, "in progress: %d of %d; cost: %s, %d GraphQL points (%d left this hour)\n",
		r.Plan.WIP, r.Plan.WIPLimit, plan.Plural(r.Requests, "request"), r.Points, r.Remaining)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteSummary writes the cycle as Markdown for the Actions job summary
// (GITHUB_STEP_SUMMARY).
func (r *Result) WriteSummary(w io.Writer) error {
	var b strings.Builder
	title := "nanobots cycle"
	if r.DryRun {
		title += " (dry run)"
	}
	fmt.Fprintf(&b, "### %s\n\n%s · [board](%s) · as @%s · %s, %d GraphQL points (%d left)\n\n",
		title, r.Repo, r.Board, r.Viewer, plan.Plural(r.Requests, "request"), r.Points, r.Remaining)
	if len(r.Plan.Actions) == 0 {
		b.WriteString("Nothing to do: no writes.\n")
	} else {
		if r.Held != "" {
			fmt.Fprintf(&b, "**Held:** %s\n\n", r.Held)
		}
		b.WriteString("| | issue | action | why |\n|---|---|---|---|\n")
		steps := r.steps()
		for i, a := range r.Plan.Actions {
			mark := "planned"
			if d, ok := steps[i]; ok {
				switch {
				case d.Err != "":
					mark = "failed: " + cell(d.Err)
				case d.Skipped != "":
					mark = "skipped: " + cell(d.Skipped)
				default:
					mark = "done"
				}
			} else if !r.DryRun && r.Held == "" {
				mark = "not reached"
			}
			fmt.Fprintf(&b, "| %s | #%d | %s | %s |\n", mark, a.Issue, cell(strings.TrimPrefix(a.String(), fmt.Sprintf("#%d: ", a.Issue))), cell(a.Why))
		}
	}
	if len(r.Plan.Waiting) > 0 {
		b.WriteString("\n**Waiting**\n\n")
		shown, more := waiting(r.Plan.Waiting)
		for _, wt := range shown {
			on := "the loop"
			if wt.OnHuman {
				on = "a person"
			}
			fmt.Fprintf(&b, "- #%d %s (%s), on %s: %s\n", wt.Issue, cell(wt.Title), wt.Status, on, cell(wt.Why))
		}
		if more > 0 {
			fmt.Fprintf(&b, "- and %d more: see the status issue\n", more)
		}
	}
	for _, p := range r.Plan.Problems {
		fmt.Fprintf(&b, "\n**Problem:** %s\n", cell(p))
	}
	if h := r.Heartbeat; h != nil {
		name := "Status issue"
		if h.URL != "" {
			name = fmt.Sprintf("[Status issue #%d](%s)", h.Issue, h.URL)
		}
		fmt.Fprintf(&b, "\n**%s:** %s\n", name, cell(h.Status.Summary))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maxWaiting is how many waiting items the log and the job summary list;
// the status issue has them all (named or counted).
const maxWaiting = 200

// waiting are the waits a report lists, and how many more it only counts.
func waiting(ws []plan.Wait) ([]plan.Wait, int) {
	n := min(len(ws), maxWaiting)
	return ws[:n], len(ws) - n
}

// steps maps each carried-out action's place in the plan to its outcome.
func (r *Result) steps() map[int]plan.Done {
	out := make(map[int]plan.Done, len(r.Done))
	for _, d := range r.Done {
		out[d.Step] = d
	}
	return out
}

// cell makes text safe inside one Markdown table cell or list item.
func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "<", "&lt;")
}
