package plan

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/gql/model"
	"github.com/nanobots-dev/nanobots/ledger"
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

// TestFiveThousandWaitingItemsStayBounded: 5,000 items newly need a
// person. The description stays under GitHub's 65,536 characters (the
// first items in full, the next by number, the rest counted); the comment
// that tells the maintainers names at most 50, each with its marker, and
// counts the rest of those the description names; and once the description
// is written, no item is announced again (issue 14).
func TestFiveThousandWaitingItemsStayBounded(t *testing.T) {
	p := defaultPolicy(t)
	var items []*Item
	for n := 1; n <= 5000; n++ {
		items = append(items, card("Blocked", now.Add(-time.Hour), iss(n, gated, labelled("summon-human"))))
	}
	s := snap(items...)
	pl := makePure(t, s, p, now)
	st := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: pl})
	h := PlanHeartbeat(s, p.Config, st)
	if len(st.OnHuman) != 5000 {
		t.Fatalf("%d items wait on a person, want 5000", len(st.OnHuman))
	}
	if n := len([]rune(h.Comment)); n > 65536 || n == 0 {
		t.Errorf("the comment has %d characters", n)
	}
	if got := len(ledger.ParseMarkers(h.Comment)); got != maxAnnounced {
		t.Errorf("the comment carries %d markers, want %d", got, maxAnnounced)
	}
	// The description names the first maxListed+maxNumbered; those are
	// announced now, the rest once they move up into the named part.
	named := maxListed + maxNumbered
	if !strings.Contains(h.Comment, fmt.Sprintf("%d items need a person", named)) || !strings.Contains(h.Comment, fmt.Sprintf("and %d more", named-maxAnnounced)) {
		t.Errorf("the comment does not count the rest:\n%.400s", h.Comment)
	}
	body := st.Markdown()
	if n := len([]rune(body)); n > 65536 {
		t.Fatalf("the description has %d characters, over GitHub's 65,536", n)
	}
	// The next cycle reads the description the loop wrote, and the comment.
	s.StatusIssue = &model.Issue{Number: 9999, State: "OPEN", Author: bot, Body: body, EditedAt: now, Pinned: true,
		Comments: []model.Comment{{Author: bot, CreatedAt: now, Body: h.Comment}}}
	next := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: pl})
	if again := PlanHeartbeat(s, p.Config, next).NewlyOnHuman; len(again) != 0 {
		t.Errorf("%d items announced again after the description was written", len(again))
	}
}
