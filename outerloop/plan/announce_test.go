package plan

import (
	"slices"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/gql/model"
	"github.com/nanobots-dev/nanobots/policy"
)

// TestAnnouncedAcrossACrash: an item newly needing a person is announced in
// one status issue comment, once, whichever write a cycle stopped after.
func TestAnnouncedAcrossACrash(t *testing.T) {
	p := defaultPolicy(t)
	body := MakeStatus(StatusInput{Snapshot: statusBoard(), Policy: p, Plan: boardPlan(now)}).Markdown() // lists #1 and #4
	needed := func(by model.Actor, at time.Time, issues ...string) model.Comment {
		c := model.Comment{Author: by, CreatedAt: at, Body: "@octo: items need a person.\n"}
		for _, n := range issues {
			c.Body += "<!-- nanobots:needed issue=" + n + " -->\n"
		}
		return c
	}
	for _, tc := range []struct {
		name     string
		edited   time.Time
		comments []model.Comment
		want     []int
	}{
		{name: "rewritten after its comment: only the new item", edited: now, want: []int{9}},
		{name: "created, and the cycle stopped before its comment: all of them now", want: []int{1, 4, 9}},
		{name: "created and commented on: only the new item", comments: []model.Comment{needed(bot, now.Add(time.Second), "1", "4")}, want: []int{9}},
		{name: "commented on, and the cycle stopped before the rewrite: nobody", edited: now,
			comments: []model.Comment{needed(bot, now.Add(time.Hour), "9")}, want: nil},
		{name: "a forged comment announces nothing", comments: []model.Comment{needed(mona, now.Add(time.Second), "1", "4", "9")}, want: []int{1, 4, 9}},
		{name: "a comment older than the body announced an earlier wait", edited: now,
			comments: []model.Comment{needed(bot, now.Add(-time.Hour), "9")}, want: []int{9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := written(statusBoard(), body)
			s.StatusIssue.EditedAt, s.StatusIssue.Comments = tc.edited, tc.comments
			s.Items = append(s.Items, card(policy.StatusBlocked, now, iss(9, gated, labelled("summon-human"))))
			plan := boardPlan(now.Add(time.Hour))
			plan.Waiting = append(plan.Waiting, Wait{Issue: 9, Title: "issue 9", Status: policy.StatusBlocked, OnHuman: true, Why: "a hard gate"})
			h := PlanHeartbeat(s, p.Config, MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: plan}))
			if got := WaitIssues(h.NewlyOnHuman); !slices.Equal(got, tc.want) {
				t.Errorf("newly on a person: %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAuthorsQuestionPingsNoMaintainer: an item that waits for its author
// to answer the triage comment's question is listed in the status issue,
// but the comment that mentions the maintainers leaves it out: they need
// not act.
func TestAuthorsQuestionPingsNoMaintainer(t *testing.T) {
	p := defaultPolicy(t)
	s := snap(card("Inbox", now, iss(1, noCriteria)), card("Inbox", now, iss(2, gated)))
	pl := makePure(t, s, p, now)
	st := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: pl})
	if len(st.OnHuman) != 2 {
		t.Fatalf("%d items wait on a person, want both: %+v", len(st.OnHuman), st.OnHuman)
	}
	h := PlanHeartbeat(s, p.Config, st)
	if got := WaitIssues(h.NewlyOnHuman); !slices.Equal(got, []int{2}) {
		t.Errorf("the maintainers are told about %v, want only #2 (the hard gate), not #1 (a question to its author)", got)
	}
}
