package outerloop

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/policy"
)

// GitHub disables the scheduled workflows of a public repository "when no
// repository activity has occurred in 60 days", and nothing tells the loop
// it has stopped. Once a week, on the first scheduled cycle of the week,
// the loop looks at how long the repository has been quiet, and when it
// has been quiet for most of the 60 days it enables its own workflow
// through the REST API (PUT …/actions/workflows/nanobots-outer.yml/enable).
//
// Whether enabling an active workflow resets GitHub's inactivity timer is
// not documented and was not verified: it does re-enable a workflow that
// was already disabled_inactivity when the loop runs by hand. An ordinary
// cycle never reads or writes anything for this; the weekly one reads
// three REST resources and writes at most one.

const (
	// OuterWorkflow is the file name of the loop's own workflow.
	OuterWorkflow = "nanobots-outer.yml"
	// KeepAliveAfter is how quiet a public repository must be before the
	// loop keeps its schedule alive: most of GitHub's 60 days, leaving two
	// weekly cycles before the limit.
	KeepAliveAfter = 45 * 24 * time.Hour
	// InactivityLimit is GitHub's 60 days.
	InactivityLimit = 60 * 24 * time.Hour
)

// KeepAlive is what the weekly keepalive step saw and did; nil in a
// Result when this cycle was not the week's first.
type KeepAlive struct {
	// Private is true for a private repository, to which GitHub's rule
	// does not apply: nothing more was read.
	Private bool `json:"private"`
	// LastActivity is the date of the newest commit on the default branch,
	// the narrowest reading of GitHub's undefined "activity".
	LastActivity time.Time `json:"last_activity,omitzero"`
	// State is the outer workflow's state before the step: active,
	// disabled_manually or disabled_inactivity.
	State string `json:"state,omitempty"`
	// Enabled is true when the step enabled the workflow (in a dry run:
	// would have).
	Enabled bool   `json:"enabled"`
	Why     string `json:"why"`
}

// KeepAliveDue reports whether now falls in the week's first scheduled
// cycle of schedule (UTC): at or after the first run the cron line makes
// from Monday 00:00, and before the second. A run GitHub delays past the
// second skips that week; a run by hand inside the window counts too, so
// the step runs at most a few times a week and usually once.
func KeepAliveDue(schedule string, now time.Time) bool {
	sched, err := cron.ParseStandard(schedule)
	if err != nil {
		return false
	}
	now = now.UTC()
	monday := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	monday = monday.AddDate(0, 0, -((int(monday.Weekday()) + 6) % 7))
	first := sched.Next(monday.Add(-time.Nanosecond))
	return !now.Before(first) && now.Before(sched.Next(first))
}

// KeepScheduleAlive is the weekly step: it returns nil, having made no
// request, unless KeepAliveDue. It uses c, the dispatcher's classic PAT,
// whose repo scope the enable endpoint requires, so the job's
// GITHUB_TOKEN keeps actions: read.
func KeepScheduleAlive(ctx context.Context, c *ghclient.Client, cfg policy.Config, now time.Time, dryRun bool) (*KeepAlive, error) {
	if !KeepAliveDue(cfg.Schedule, now) {
		return nil, nil
	}
	owner, name, _ := strings.Cut(cfg.Repo, "/")
	ka := &KeepAlive{}
	private, last, err := LastActivity(ctx, c, cfg.Repo)
	if err != nil {
		return ka, fmt.Errorf("keep the schedule alive: %w", err)
	}
	if private {
		ka.Private, ka.Why = true, "private repository: GitHub's 60-day rule applies to public ones only"
		return ka, nil
	}
	ka.LastActivity = last
	wf, _, err := c.REST.Actions.GetWorkflowByFileName(ctx, owner, name, OuterWorkflow)
	if err != nil {
		return ka, fmt.Errorf("keep the schedule alive: read workflow %s: %w", OuterWorkflow, err)
	}
	ka.State = wf.GetState()
	quiet := now.Sub(ka.LastActivity)
	days := int(quiet / (24 * time.Hour))
	switch {
	case ka.State == "disabled_manually":
		ka.Why = "a maintainer disabled " + OuterWorkflow + ": left as it is"
		return ka, nil
	case quiet < KeepAliveAfter:
		ka.Why = fmt.Sprintf("the default branch's last commit is %d days old, under %d: nothing to do", days, int(KeepAliveAfter/(24*time.Hour)))
		return ka, nil
	}
	ka.Enabled = true
	verb := "enabled"
	if dryRun {
		verb = "dry run: would enable"
	}
	ka.Why = fmt.Sprintf("the default branch's last commit is %d days old, and GitHub disables a public repository's schedule after %d quiet days: %s %s (state was %s)",
		days, int(InactivityLimit/(24*time.Hour)), verb, OuterWorkflow, ka.State)
	if dryRun {
		return ka, nil
	}
	if _, err := c.REST.Actions.EnableWorkflowByFileName(ctx, owner, name, OuterWorkflow); err != nil {
		ka.Enabled = false
		return ka, fmt.Errorf("keep the schedule alive: enable %s: %w", OuterWorkflow, err)
	}
	return ka, nil
}

// LastActivity reads whether repo ("owner/name") is private and, when it
// is public, the date of the newest commit on its default branch: the
// narrowest reading of the "repository activity" GitHub's 60-day rule
// counts, which GitHub does not define. Two REST reads for a public
// repository, one for a private one.
func LastActivity(ctx context.Context, c *ghclient.Client, repo string) (private bool, last time.Time, err error) {
	owner, name, _ := strings.Cut(repo, "/")
	r, _, err := c.REST.Repositories.Get(ctx, owner, name)
	if err != nil {
		return false, last, fmt.Errorf("read %s: %w", repo, err)
	}
	if r.GetPrivate() {
		return true, last, nil
	}
	branch, _, err := c.REST.Repositories.GetBranch(ctx, owner, name, r.GetDefaultBranch(), 0)
	if err != nil {
		return false, last, fmt.Errorf("read branch %s of %s: %w", r.GetDefaultBranch(), repo, err)
	}
	return false, branch.GetCommit().GetCommit().GetCommitter().GetDate().Time, nil
}
