package ghsim

import (
	"fmt"
	"strings"
)

// DeleteIssue deletes an issue as a repository admin can on GitHub: its
// number stays taken but names nothing, its node ID no longer resolves
// (NOT_FOUND), its comments go with it, and its cards leave every board.
func (w *World) DeleteIssue(is *Issue) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if is.PR != nil {
		return fmt.Errorf("#%d is a pull request: GitHub deletes issues only", is.Number)
	}
	if is.Gone != "" {
		return fmt.Errorf("#%d is already %s", is.Number, is.Gone)
	}
	w.vacate(is, "deleted")
	for _, p := range w.projects {
		if it := p.ItemFor(is); it != nil {
			w.deleteItem(it)
		}
	}
	return nil
}

// TransferIssue moves an issue to another repository as GitHub does: a new
// issue there (a new number and node ID) with the title, body, author,
// state, comments and the labels whose names exist there; the old number and
// node ID name nothing any more. Cards on boards follow the issue. It returns
// the issue in its new repository.
func (w *World) TransferIssue(is *Issue, to *Repo) (*Issue, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case is.PR != nil:
		return nil, fmt.Errorf("#%d is a pull request: only issues can be transferred", is.Number)
	case is.Gone != "":
		return nil, fmt.Errorf("#%d is already %s", is.Number, is.Gone)
	case to == is.Repo:
		return nil, fmt.Errorf("#%d is already in %s", is.Number, to.FullName())
	}
	moved := w.createIssue(to, is.Author, is.Title, is.Body)
	moved.State, moved.StateReason, moved.ClosedAt = is.State, is.StateReason, is.ClosedAt
	moved.CreatedAt, moved.Assignees = is.CreatedAt, is.Assignees
	for _, l := range is.Labels {
		if same := to.Labels[strings.ToLower(l.Name)]; same != nil {
			moved.Labels = append(moved.Labels, same)
		}
	}
	for _, c := range is.Comments {
		c.Issue = moved
		moved.Comments = append(moved.Comments, c)
	}
	is.Comments = nil
	for _, p := range w.projects {
		for _, it := range p.Items {
			if it.Content == is {
				it.Content = moved
			}
		}
	}
	w.vacate(is, "transferred")
	return moved, nil
}

// vacate leaves is's number taken and empty.
func (w *World) vacate(is *Issue, how string) {
	delete(w.nodes, is.NodeID)
	for _, c := range is.Comments {
		delete(w.nodes, c.NodeID)
	}
	is.Comments = nil
	is.Gone, is.State, is.Labels, is.Assignees = how, "closed", nil, nil
	r := is.Repo
	for i, p := range r.Pinned {
		if p == is {
			r.Pinned = append(r.Pinned[:i:i], r.Pinned[i+1:]...)
			break
		}
	}
}
