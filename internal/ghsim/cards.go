package ghsim

import (
	"context"
	"fmt"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim/gqlengine"
)

// DraftIssue is a card's own text on a board, not an issue in any
// repository: GitHub's DRAFT_ISSUE items.
type DraftIssue struct {
	ID        int64
	NodeID    string
	Title     string
	Body      string
	Creator   *User
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AddDraftItem puts a draft issue on a board, as a person typing a card
// into a view does; it goes to the bottom.
func (w *World) AddDraftItem(p *Project, by *User, title, body string) (*Item, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.roomFor(p, 1); err != nil {
		return nil, err
	}
	now := w.Now()
	d := &DraftIssue{ID: w.id(), Title: title, Body: body, Creator: by, CreatedAt: now, UpdatedAt: now}
	d.NodeID = w.nodeID("DI", d.ID, d)
	it := &Item{ID: w.id(), Project: p, Draft: d, Values: map[*Field]FieldValue{}, CreatedAt: now, UpdatedAt: now}
	it.NodeID = w.nodeID("PVTI", it.ID, it)
	p.Items = append(p.Items, it)
	return it, nil
}

// roomFor reports GitHub's error when n more items would pass MaxItems.
func (w *World) roomFor(p *Project, n int) error {
	live := 0
	for _, it := range p.Items {
		if !it.Archived {
			live++
		}
	}
	if live+n > MaxItems {
		return fmt.Errorf("Projects cannot have more than %d items. To add more, please archive or delete existing items.", MaxItems)
	}
	return nil
}

// MoveItem moves a card as a person dragging it in a view does: to just
// after the card after, or to the top when after is nil. Boards are read in
// position order, so a move during a paged read can make the reader see a
// card twice or miss one, as on GitHub.
func (w *World) MoveItem(it, after *Item) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := it.Project
	if after != nil && after.Project != p {
		return fmt.Errorf("cards on different boards")
	}
	rest := make([]*Item, 0, len(p.Items))
	for _, x := range p.Items {
		if x != it {
			rest = append(rest, x)
		}
	}
	at := 0
	if after != nil {
		at = -1
		for i, x := range rest {
			if x == after {
				at = i + 1
			}
		}
		if at < 0 {
			return fmt.Errorf("card %s is not on the board", after.NodeID)
		}
	}
	p.Items = append(rest[:at:at], append([]*Item{it}, rest[at:]...)...)
	it.UpdatedAt = w.Now()
	return nil
}

// itemKind is GitHub's ProjectV2ItemType as the viewer sees the card: an
// issue or pull request in a repository they cannot read is REDACTED.
func (g *gq) itemKind(it *Item) string {
	switch {
	case it.Draft != nil:
		return "DRAFT_ISSUE"
	case !g.canRead(it.Content.Repo):
		return "REDACTED"
	case it.Content.PR != nil:
		return "PULL_REQUEST"
	}
	return "ISSUE"
}

type draftObj struct {
	g *gq
	d *DraftIssue
}

func (o draftObj) TypeName() string { return "DraftIssue" }

func (o draftObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	d := o.d
	switch name {
	case "id":
		return d.NodeID, nil
	case "title":
		return d.Title, nil
	case "body", "bodyText", "bodyHTML":
		return d.Body, nil
	case "createdAt":
		return gtime(d.CreatedAt), nil
	case "updatedAt":
		return gtime(d.UpdatedAt), nil
	case "creator":
		if d.Creator == nil {
			return nil, nil
		}
		return o.g.owner(d.Creator), nil
	case "assignees":
		return gqlengine.NewConnection("UserConnection", nil, args)
	}
	return nil, o.g.notSimulated("DraftIssue", name)
}

// AddOddCards puts on a board the two kinds of card a loop must leave
// alone: a draft issue a person typed in, and a card whose issue is in a
// private repository the board's readers have lost access to, which they
// see as REDACTED. It returns the two cards.
func (w *World) AddOddCards(p *Project) (draft, redacted *Item, err error) {
	if draft, err = w.AddDraftItem(p, p.Owner, "An idea, not an issue yet", "Typed into the board by a person."); err != nil {
		return nil, nil, err
	}
	w.mu.Lock()
	owner := w.users["hubot"]
	if owner == nil {
		owner = w.addUser("hubot", "User")
	}
	w.mu.Unlock()
	r := w.Repo("hubot/private")
	if r == nil {
		r = w.AddRepo("hubot", "private", nil)
		w.mu.Lock()
		r.Private = true
		w.mu.Unlock()
	}
	is := w.CreateIssue(r, owner, "Somebody else's private work", "")
	redacted, err = w.AddItem(p, is)
	return draft, redacted, err
}
