package setup

import (
	"context"
	"fmt"
	"time"

	"github.com/nanobots-dev/nanobots/outerloop"
)

// scheduleCheck warns when GitHub is about to disable the outer loop's
// schedule: a public repository whose default branch has had no commit for
// outerloop.KeepAliveAfter (45 days) of GitHub's 60. A disabled workflow
// is the workflows check's to report.
func (d *doctor) scheduleCheck(ctx context.Context, g *remote) {
	const id = "schedule"
	if g.repoErr != nil {
		d.skip(id, "the repository could not be read")
		return
	}
	now := time.Now
	if d.o.Now != nil {
		now = d.o.Now
	}
	private, last, err := outerloop.LastActivity(ctx, g.c, d.cfg.Repo)
	if err != nil {
		d.add(id, Fail, err.Error(), "")
		return
	}
	if private {
		d.pass(id, "private repository: GitHub disables scheduled workflows for inactivity only in public ones")
		return
	}
	days := int(now().Sub(last) / (24 * time.Hour))
	limit := int(outerloop.InactivityLimit / (24 * time.Hour))
	if now().Sub(last) < outerloop.KeepAliveAfter {
		d.pass(id, "the default branch's last commit is %d days old; GitHub disables a public repository's schedule after %d quiet days", days, limit)
		return
	}
	d.add(id, Warn,
		fmt.Sprintf("the default branch's last commit is %d days old: GitHub disables the schedule of a public repository after %d days without activity, so %s will soon stop, or has stopped", days, limit, outerloop.OuterWorkflow),
		fmt.Sprintf("the loop's first cycle of each week enables its own workflow while the repository is quiet (whether that resets GitHub's timer is unverified); to be sure, push a commit to the default branch, and if it is disabled run \"gh workflow enable %s\"", outerloop.OuterWorkflow))
}
