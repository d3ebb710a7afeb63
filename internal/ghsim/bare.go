package ghsim

import (
	"fmt"
	"strings"
	"time"
)

// Bare returns the demo world as a repository finds it after `nanobots init`
// was committed and pushed, before `nanobots bootstrap`: octo's board 1 is
// new, so Status has only GitHub's default options (Todo, In Progress, Done)
// and there is no Priority or Size field; the board is not linked to
// octo/demo; none of the loop's labels exist (the three issues filed through
// the forms lost theirs, as GitHub drops a form's labels that do not exist);
// there is no status issue; and the repository has the two nanobots
// workflows, active. It is what `nanobots sim --bare` serves.
func Bare(now func() time.Time) *World {
	w := Demo(now)
	w.mu.Lock()
	defer w.mu.Unlock()
	octo := w.User("octo")
	r := w.Repo("octo/demo")

	// A new board in place of the demo one, under the same number.
	old := w.projects[0]
	w.forgetProject(old)
	w.addProject(octo, old.Title)

	for key, l := range r.Labels {
		if strings.HasPrefix(l.Name, "nanobots:") {
			delete(r.Labels, key)
			delete(w.nodes, l.NodeID)
		}
	}
	for _, is := range r.Issues {
		is.Labels = nil
	}
	w.addLoopWorkflows(r)
	return w
}

// AddLoopWorkflows gives r the two active workflows `nanobots init` writes,
// as if they had been pushed to its default branch.
func (w *World) AddLoopWorkflows(r *Repo) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.addLoopWorkflows(r)
}

func (w *World) addLoopWorkflows(r *Repo) {
	r.Workflows = append(r.Workflows,
		&Workflow{ID: w.id(), Name: "nanobots outer loop", Path: ".github/workflows/nanobots-outer.yml", State: "active"},
		&Workflow{ID: w.id(), Name: "nanobots inner loop", Path: ".github/workflows/nanobots-inner.yml", State: "active"},
	)
}

// forgetProject removes a board, its fields and items from the world.
func (w *World) forgetProject(p *Project) {
	for i, x := range w.projects {
		if x == p {
			w.projects = append(w.projects[:i:i], w.projects[i+1:]...)
			break
		}
	}
	for _, f := range p.Fields {
		delete(w.nodes, f.NodeID)
	}
	for _, it := range p.Items {
		delete(w.nodes, it.NodeID)
	}
	delete(w.nodes, p.NodeID)
}

// Pin pins an issue as a maintainer would in the web UI; like pinIssue, it
// refuses a fourth.
func (w *World) Pin(is *Issue) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := is.Repo
	for _, p := range r.Pinned {
		if p == is {
			return nil
		}
	}
	if len(r.Pinned) >= MaxPinned {
		return fmt.Errorf("%s already pins %d issues", r.FullName(), MaxPinned)
	}
	r.Pinned = append(r.Pinned, is)
	return nil
}

// SetWorkflowState sets the state of the workflow at path (active,
// disabled_manually, disabled_inactivity), as a maintainer or GitHub's
// 60-day inactivity rule would.
func (w *World) SetWorkflowState(r *Repo, path, state string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, wf := range r.Workflows {
		if wf.Path == path {
			wf.State = state
			return nil
		}
	}
	return fmt.Errorf("%s has no workflow %s", r.FullName(), path)
}

// replaceOptions is updateProjectV2Field's singleSelectOptions: the list
// overwrites the field's options. The published schema's
// ProjectV2SingleSelectFieldOptionInput has no id, so nothing can say that
// an option is an existing one: every option is new, with a new ID, and
// every item value that pointed at an old option is cleared. (GitHub's later
// schema adds an optional id "to preserve the option's identity during
// updates, preventing item field values from being cleared".) The web UI
// keeps IDs; SetOptions plays that.
func (w *World) replaceOptions(f *Field, opts []OptionSpec) {
	f.Options = nil
	for _, o := range opts {
		w.addOption(f, o)
	}
	for _, it := range f.Project.Items {
		if _, ok := it.Values[f]; ok {
			delete(it.Values, f)
			it.UpdatedAt = w.Now()
		}
	}
}
