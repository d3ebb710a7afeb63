package outerloop

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/gql/model"
	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
	"github.com/nanobots-dev/nanobots/policy"
)

// Observe reads one snapshot of GitHub for the policy's board and
// repository: the board pages (100 items a page, the small reads folded into
// the first), then, in one more request per 50 issues, the details of every
// item the plan may act on and of new inbox issues, and, only when a form
// names blockers that are not on the board, one request for their states.
func Observe(ctx context.Context, q *ghclient.Client, p *policy.Policy, now time.Time) (*plan.Snapshot, error) {
	cfg := p.Config
	cy, err := gql.ReadCycle(ctx, q, gql.CycleQuery{
		OwnerType:   gql.OwnerType(cfg.Project.OwnerType),
		Owner:       cfg.Project.Owner,
		Number:      cfg.Project.Number,
		Repo:        cfg.Repo,
		InboxLabel:  cfg.Labels.Inbox,
		StatusLabel: policy.LabelStatus,
	})
	if err != nil {
		return nil, err
	}
	trust := ledger.Trust{Dispatcher: cfg.Dispatcher}
	s := &plan.Snapshot{
		Repo:          cfg.Repo,
		DefaultBranch: cy.DefaultBranch,
		Viewer:        cy.Viewer,
		Trust:         trust,
		Board:         cy.Board,
		States:        map[int]string{},
		Forms:         map[string]policy.Form{},
		StatusIssue:   trust.StatusIssue(cy.StatusIssues),
		Pinned:        cy.Pinned,
		Remaining:     cy.Board.Remaining,
	}
	onBoard := map[string]bool{}
	var ids []string
	for _, it := range cy.Board.Items {
		c := it.Content
		if it.Type != "ISSUE" || !strings.EqualFold(c.Repository, cfg.Repo) {
			continue
		}
		// A card a person archived is on the board all the same: the loop
		// leaves it archived and its item alone, and never adds it again.
		onBoard[c.ID] = true
		if it.Archived {
			continue
		}
		s.States[c.Number] = c.State
		item := &plan.Item{Item: it}
		s.Items = append(s.Items, item)
		if plan.NeedsDetails(it, cfg.Labels.SummonHuman, now) {
			ids = append(ids, c.ID)
		}
	}
	var newIDs []string
	for _, ref := range cy.Inbox {
		if !onBoard[ref.ID] {
			newIDs = append(newIDs, ref.ID)
		}
	}
	issues, _, _, err := gql.ReadIssues(ctx, q, append(ids, newIDs...))
	if err != nil {
		return nil, err
	}
	byID := map[string]*gql.Issue{}
	for i := range issues {
		is := &issues[i]
		if is.CommentCount > len(is.Comments) {
			// More comments than one read holds: the loop's own notes may
			// be older than the latest, so read them all rather than let
			// anyone's comments push its memory out of view.
			all, _, err := gql.AllComments(ctx, q, is.ID)
			if err != nil {
				return nil, err
			}
			is.Comments = all
		}
		byID[is.ID] = is
		s.States[is.Number] = is.State
		s.Forms[is.ID] = policy.ParseForm(is.Body, p.Rubric)
	}
	for _, it := range s.Items {
		it.Issue = byID[it.Content.ID]
	}
	for _, id := range newIDs {
		if is := byID[id]; is != nil && is.State == "OPEN" {
			s.New = append(s.New, is)
		}
	}

	// The agent's branches of the items the loop dispatched and has not
	// finished: the current attempt's, and an earlier attempt's a retry
	// may start from.
	var dispatched []int
	for _, it := range s.Items {
		switch it.Status() {
		case policy.StatusReady, policy.StatusInProgress, policy.StatusInReview:
			if it.Issue != nil && ledger.Last(trust.Notes(it.Issue), ledger.MarkDispatch) != nil {
				dispatched = append(dispatched, it.Number())
			}
		}
	}
	if len(dispatched) > 0 {
		if s.Branches, err = gql.AgentBranches(ctx, q, cfg.Repo, plan.AgentBranchPrefix, dispatched); err != nil {
			return nil, err
		}
	}

	// Who may write to the repository, of those whose pull requests or
	// hand dispatches the plan weighs.
	if s.Permissions, err = permissions(ctx, q, cfg, s); err != nil {
		return nil, err
	}

	// The states of blockers that are not on the board.
	var unknown []int
	for _, is := range issues {
		for _, b := range s.Forms[is.ID].BlockedBy(cfg.Repo) {
			if _, ok := s.States[b]; !ok && !slices.Contains(unknown, b) {
				unknown = append(unknown, b)
			}
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		states, err := gql.IssueStates(ctx, q, cfg.Repo, unknown)
		if err != nil {
			return nil, err
		}
		for n, st := range states {
			s.States[n] = st
		}
	}

	if s.Viewer == "" {
		return nil, fmt.Errorf("GitHub did not say whose the token is")
	}
	return s, nil
}

// permissions reads the repository permission of each person whose act
// the plan weighs by it: who opened a pull request that closes an item the
// loop dispatched and has not finished, and who typed the trigger phrase on
// a Ready item (a run started by hand). One request each; a repeat is a
// conditional request, free when nothing changed. The dispatcher and bots
// are not asked.
func permissions(ctx context.Context, c *ghclient.Client, cfg policy.Config, s *plan.Snapshot) (map[string]string, error) {
	var who []model.Actor
	for _, it := range s.Items {
		if it.Issue == nil {
			continue
		}
		switch it.Status() {
		case policy.StatusInProgress, policy.StatusInReview:
			if ledger.Last(s.Trust.Notes(it.Issue), ledger.MarkDispatch) == nil {
				continue
			}
			for _, pr := range it.Issue.ClosingPRs {
				who = append(who, pr.Author)
			}
		case policy.StatusReady:
			for _, cm := range it.Issue.Comments {
				if plan.Triggers(cm.Body, cfg.TriggerPhrase) {
					who = append(who, cm.Author)
				}
			}
		}
	}
	out := map[string]string{}
	owner, name := splitRepo(cfg.Repo)
	for _, a := range who {
		login := strings.ToLower(a.Login)
		if _, seen := out[login]; seen || login == "" || a.Type != "User" || s.Trust.Trusted(a) {
			continue
		}
		lvl, _, err := c.REST.Repositories.GetPermissionLevel(ctx, owner, name, a.Login)
		if errors.Is(ghclient.Classify(err), ghclient.ErrNotFound) {
			out[login] = "none" // not a user GitHub knows as a collaborator
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read @%s's permission on %s: %w", a.Login, cfg.Repo, err)
		}
		out[login] = lvl.GetPermission()
	}
	return out, nil
}
