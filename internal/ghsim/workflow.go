package ghsim

import (
	"fmt"
	"time"
)

// The built-in "Item closed" workflow, as GitHub runs it (research note,
// row 5): it runs after the close, not within it, and sets Status to the
// option chosen in the project's settings by its ID, not by its name. When
// that option is gone (updateProjectV2Field with singleSelectOptions makes
// new options with new IDs), the workflow sets nothing.

// doneRun is one pending run of the workflow.
type doneRun struct {
	item *Item
	due  time.Time
}

// queueDone schedules the workflow for is's cards on boards that run it.
func (w *World) queueDone(is *Issue) {
	now := w.Now()
	for _, p := range w.projects {
		if !p.CloseSetsDone {
			continue
		}
		for _, it := range p.Items {
			if it.Content == is {
				w.pendingDone = append(w.pendingDone, doneRun{item: it, due: now.Add(w.WorkflowDelay)})
			}
		}
	}
}

// RunWorkflows carries out the built-in workflow runs that are due. The
// server runs it before every request; tests that change the world without
// requests call it to let GitHub catch up.
func (w *World) RunWorkflows() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.runWorkflows()
}

func (w *World) runWorkflows() {
	if len(w.pendingDone) == 0 {
		return
	}
	now := w.Now()
	var later []doneRun
	for _, run := range w.pendingDone {
		if run.due.After(now) {
			later = append(later, run)
			continue
		}
		it := run.item
		p := it.Project
		status := p.FieldByName("Status")
		if status == nil || it.Content == nil || it.Content.State != "closed" {
			continue
		}
		done := status.Option(p.DoneOptionID)
		if done == nil {
			continue // the option the workflow was bound to is gone
		}
		if it.Values[status].OptionID == done.ID {
			continue // already Done: the run changes nothing
		}
		// The run happened when it was due; the world only notices now.
		bot := w.addUser(ProjectAutomationBot, "Bot")
		it.Values[status] = FieldValue{OptionID: done.ID, UpdatedAt: run.due, By: bot}
		it.UpdatedAt = run.due
		it.record(status, done.ID, run.due, bot)
	}
	w.pendingDone = later
}

// SetDoneWorkflow binds a board's "Item closed" workflow to a Status option,
// as a person choosing it in the project's workflow settings does.
func (w *World) SetDoneWorkflow(p *Project, option string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	o := p.FieldByName("Status").OptionByName(option)
	if o == nil {
		return fmt.Errorf("status has no option %q", option)
	}
	p.DoneOptionID, p.CloseSetsDone = o.ID, true
	return nil
}
