package ghsim

import (
	"fmt"
	"time"
)

// History is a board's past to seed in process, for trying the loop at
// scale: issues filed, worked and finished long ago, and open issues a person
// parked.
type History struct {
	// Done is how many closed issues to seed whose cards are in Done,
	// closed and last updated at least DoneAge ago.
	Done int
	// Backlog is how many open issues to seed whose cards a person placed
	// in Backlog (by hand, so no loop marker explains them).
	Backlog int
	// Author files the Done issues (the repository's owner when nil);
	// BacklogAuthor files the open ones (Author when nil).
	Author, BacklogAuthor *User
	// Labels are put on every seeded issue, created when missing (the
	// issue forms' label, for issues filed through the forms).
	Labels []string
	// DoneAge is how long ago the newest Done item closed (30 days when
	// zero); older ones closed a minute apart before it.
	DoneAge time.Duration
}

// SeedHistory adds h's issues to r and their cards to p, directly in the
// world: no request, no rate limit, no hook. It keeps GitHub's limit of
// MaxItems live items on a board, and runs in time linear in what it adds.
func (w *World) SeedHistory(p *Project, r *Repo, h History) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if h.Done < 0 || h.Backlog < 0 {
		return fmt.Errorf("seed history: negative counts (%d done, %d backlog)", h.Done, h.Backlog)
	}
	live := 0
	for _, it := range p.Items {
		if !it.Archived {
			live++
		}
	}
	if live+h.Done+h.Backlog > MaxItems {
		return fmt.Errorf("seed history: %d items on the board plus %d Done and %d Backlog pass GitHub's limit of %d items a board",
			live, h.Done, h.Backlog, MaxItems)
	}
	status := p.FieldByName("Status")
	done, backlog := status.OptionByName("Done"), status.OptionByName("Backlog")
	if done == nil && h.Done > 0 || backlog == nil && h.Backlog > 0 {
		return fmt.Errorf("seed history: the board's Status field needs the options Done and Backlog")
	}
	author, parker := h.Author, h.BacklogAuthor
	if author == nil {
		author = r.Owner
	}
	if parker == nil {
		parker = author
	}
	var labels []*Label
	for _, name := range h.Labels {
		labels = append(labels, w.addLabel(r, name, "ededed", ""))
	}
	age := h.DoneAge
	if age <= 0 {
		age = 30 * 24 * time.Hour
	}
	now := w.Now()
	newest := now.Add(-age)
	seed := func(title string, created time.Time) *Issue {
		is := &Issue{ID: w.id(), Repo: r, Number: len(r.Issues) + 1, Title: title, Author: author,
			Body: "Seeded history.", State: "open", CreatedAt: created, UpdatedAt: created,
			Labels: append([]*Label(nil), labels...)}
		is.NodeID = w.nodeID("I", is.ID, is)
		r.Issues = append(r.Issues, is)
		return is
	}
	card := func(is *Issue, opt *SelectOption, at time.Time) {
		it := &Item{ID: w.id(), Project: p, Content: is, Values: map[*Field]FieldValue{status: {OptionID: opt.ID, UpdatedAt: at}},
			CreatedAt: is.CreatedAt, UpdatedAt: at}
		it.NodeID = w.nodeID("PVTI", it.ID, it)
		it.History = []FieldChange{{Field: status.Name, Option: opt.Name, At: at}}
		p.Items = append(p.Items, it)
	}
	// The oldest first, as they were filed: issue numbers and board
	// positions follow time.
	for i := h.Done - 1; i >= 0; i-- {
		closed := newest.Add(-time.Duration(i) * time.Minute)
		is := seed(fmt.Sprintf("Finished work %d", h.Done-i), closed.Add(-72*time.Hour))
		is.State, is.StateReason, is.ClosedAt, is.UpdatedAt = "closed", "completed", closed, closed
		card(is, done, closed)
	}
	for i := 0; i < h.Backlog; i++ {
		filed := newest.Add(time.Duration(i) * time.Second)
		is := seed(fmt.Sprintf("Parked idea %d", i+1), filed)
		is.Author = parker
		card(is, backlog, filed)
	}
	return nil
}
