package plan

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nanobots-dev/nanobots/gql/model"
	"github.com/nanobots-dev/nanobots/policy"
)

// statusBoard is a board with an item in most states: two that need a
// person (a hard gate carrying summon-human, an incomplete form), one in
// progress, one in review, Ready and Backlog items, history in Done, one
// in an option of the maintainer's own and one with no Status.
func statusBoard() *Snapshot {
	s := snap(
		card(policy.StatusBlocked, now.Add(-2*time.Hour), iss(1, gated, labelled("summon-human"))),
		card(policy.StatusReady, now.Add(-time.Hour), iss(2, complete), "Priority", "P2", "Size", "S"),
		card(policy.StatusInProgress, now.Add(-time.Hour), iss(3, complete)),
		card(policy.StatusInReview, now.Add(-time.Hour), iss(4, complete)),
		card(policy.StatusBacklog, now.Add(-time.Hour), iss(5, blockedBy3)),
		card(policy.StatusDone, now.Add(-48*time.Hour), iss(6, complete, closed)),
		card(policy.StatusDone, now.Add(-48*time.Hour), iss(7, complete, closed)),
		card("Icebox", now.Add(-48*time.Hour), iss(8, complete)),
	)
	for _, it := range s.Items {
		if it.Status() == policy.StatusDone || it.Status() == "Icebox" {
			it.Issue = nil // history: observe reads no details
		}
	}
	s.Board.Title = "demo roadmap"
	return s
}

// boardPlan is what the plan says of statusBoard: who waits, and on what.
// The tests write it out rather than call MakePlan, so they test the
// report, not the state machine.
func boardPlan(at time.Time) Plan {
	return Plan{Now: at, WIP: 2, WIPLimit: 2, Waiting: []Wait{
		{Issue: 1, Title: "issue 1", Status: policy.StatusBlocked, OnHuman: true, Why: "carries summon-human: a maintainer removes the label to hand it back"},
		{Issue: 3, Title: "issue 3", Status: policy.StatusInProgress, Why: "attempt 1 dispatched 1h ago; no pull request yet"},
		{Issue: 4, Title: "issue 4", Status: policy.StatusInReview, OnHuman: true, Why: "pull request #104 waits for review"},
		{Issue: 5, Title: "issue 5", Status: policy.StatusBacklog, Why: "blocked by #3, still open"},
	}}
}

func TestStatusMatchesTheBoard(t *testing.T) {
	p := defaultPolicy(t)
	s := statusBoard()
	st := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: boardPlan(now), Points: 7, Remaining: 4990,
		RunURL: "https://github.com/octo/demo/actions/runs/42"})

	want := []StateCount{{"Inbox", 0}, {"Backlog", 1}, {"Ready", 1}, {"In Progress", 1}, {"In Review", 1},
		{"Verify", 0}, {"Done", 2}, {"Blocked", 1}, {"Icebox", 1}}
	if diff := cmp.Diff(want, st.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if st.WIP != 2 || st.WIPLimit != 2 || st.InFlight != 2 {
		t.Errorf("WIP %d of %d, in flight %d; want 2 of 2, 2", st.WIP, st.WIPLimit, st.InFlight)
	}
	if got := WaitIssues(st.OnHuman); !slices.Equal(got, []int{1, 4}) {
		t.Errorf("on a person: %v, want [1 4]", got)
	}
	if st.Activity != ActivityWorking || st.Summary != "Working: 1 In Progress, 1 In Review; 2 items wait on people." {
		t.Errorf("activity %q, %q", st.Activity, st.Summary)
	}

	body := st.Markdown()
	for _, want := range []string{
		"<!-- nanobots:status hash=" + st.Hash + " written=2026-11-02T12:00:00Z -->\n",
		"Rewritten 2026-11-02 12:00 UTC by [this run](https://github.com/octo/demo/actions/runs/42) · 7 GraphQL points used by the cycle, 4990 left this hour\n",
		"**Working: 1 In Progress, 1 In Review; 2 items wait on people.**",
		"### Board [demo roadmap](https://github.com/users/octo/projects/1)",
		"2 of 2 in progress or in review",
		"```mermaid\nflowchart LR\n",
		`inbox["Inbox: 0"] --> backlog["Backlog: 1"] --> ready["Ready: 1"] --> progress["In Progress: 1"] --> review["In Review: 1"] --> verify["Verify: 0"] --> done["Done: 2"]`,
		`blocked["Blocked: 1"]`,
		"Not in the loop's states: Icebox: 1.",
		"### Needs a person (2)\n\n- #1 issue 1 (Blocked): carries summon-human: a maintainer removes the label to hand it back\n- #4 issue 4 (In Review): pull request #104 waits for review\n",
		"### Latest actions\n\nNone yet.\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, headBlocked) || strings.Contains(body, "dispatched 1h ago") {
		t.Errorf("the body lists the Blocked item twice, or what waits on the loop alone:\n%s", body)
	}

	var text strings.Builder
	if err := st.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"octo/demo, board \"demo roadmap\" (https://github.com/users/octo/projects/1)\nWorking: 1 In Progress, 1 In Review; 2 items wait on people.\n",
		"Inbox 0 · Backlog 1 · Ready 1 · In Progress 1 · In Review 1 · Verify 0 · Done 2 · Blocked 1 · Icebox 1\n",
		"needs a person:\n  #1 issue 1 (Blocked): carries summon-human: a maintainer removes the label to hand it back\n  #4 issue 4 (In Review): pull request #104 waits for review\n",
		"no status issue yet: the next cycle creates it; 7 GraphQL points used, 4990 left this hour\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text lacks %q:\n%s", want, text.String())
		}
	}
	if strings.Contains(text.String(), "```") || strings.Contains(text.String(), "**") {
		t.Errorf("the text carries Markdown:\n%s", text.String())
	}
}

// TestStatusCountsTheBoardAfterTheCycle: the counts are the board once the
// actions that were carried out took effect; failed ones change nothing.
// The snapshot is the board as observed: the planner never moves its cards.
func TestStatusCountsTheBoardAfterTheCycle(t *testing.T) {
	p := defaultPolicy(t)
	s := snap(card(policy.StatusReady, now, iss(1, complete)), card(policy.StatusReady, now, iss(2, complete)))
	s.New = []*model.Issue{iss(3, complete)}
	at := now.Add(time.Minute)
	done := []Done{
		{Action: Action{Kind: AddToBoard, Issue: 3, Value: policy.StatusInbox}, At: at},
		{Action: Action{Kind: SetField, Issue: 3, Field: policy.FieldStatus, From: policy.StatusInbox, Value: policy.StatusBlocked, Why: "triaged"}, At: at},
		{Action: Action{Kind: SetField, Issue: 1, Field: policy.FieldStatus, From: policy.StatusReady, Value: policy.StatusInProgress}, At: at},
		{Action: Action{Kind: SetField, Issue: 2, Field: policy.FieldStatus, From: policy.StatusReady, Value: policy.StatusInProgress}, At: at, Err: "boom"},
	}
	pending := []Action{{Kind: Dispatch, Issue: 2, Attempt: 1}}
	var planned []Action
	for _, d := range done {
		planned = append(planned, d.Action)
	}
	st := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: Plan{Now: at, Actions: append(planned, pending...)}, Done: done, Pending: pending})
	got := map[string]int{}
	for _, c := range st.Counts {
		if c.Items > 0 {
			got[c.State] = c.Items
		}
	}
	if diff := cmp.Diff(map[string]int{"Ready": 1, "In Progress": 1, "Blocked": 1}, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if len(st.Blocked) != 1 || st.Blocked[0].Issue != 3 || st.Blocked[0].Title != "issue 3" {
		t.Errorf("blocked %+v, want #3", st.Blocked)
	}
	if !slices.Equal(st.Pending, []string{"#2: dispatch attempt 1"}) || st.Activity != ActivityWorking {
		t.Errorf("pending %q, activity %q", st.Pending, st.Activity)
	}
	wantRecent := []string{
		"✗ #2: move Status Ready → In Progress — failed: boom",
		"#1: move Status Ready → In Progress",
		"#3: move Status Inbox → Blocked — triaged",
		"#3: add to the board as Inbox",
	}
	var recent []string
	for _, e := range st.Recent {
		recent = append(recent, e.Text)
		if !e.At.Equal(at) {
			t.Errorf("event %q at %s, want %s", e.Text, e.At, at)
		}
	}
	if diff := cmp.Diff(wantRecent, recent); diff != "" {
		t.Errorf("recent actions, newest first (-want +got):\n%s", diff)
	}
}

func TestStatusActivity(t *testing.T) {
	p := defaultPolicy(t)
	human := func(n int) Wait {
		return Wait{Issue: n, Title: fmt.Sprintf("issue %d", n), OnHuman: true, Why: "gated"}
	}
	for _, c := range []struct {
		name  string
		items []*Item
		waits []Wait
		want  Activity
		says  string
	}{
		{"empty", nil, nil, ActivityIdle, "Idle: nothing to do."},
		{"only history", []*Item{card(policy.StatusDone, now, iss(1, complete, closed))}, nil, ActivityIdle, "Idle: nothing to do."},
		{"waits for a blocker", []*Item{card(policy.StatusBacklog, now, iss(1, blockedBy3))}, []Wait{{Issue: 1, Why: "blocked by #3, still open"}},
			ActivityIdle, "Idle: nothing to do now; 1 item waits in Ready or Backlog until a slot or a blocker frees."},
		{"waits on people", []*Item{card(policy.StatusBlocked, now, iss(1, gated)), card(policy.StatusBlocked, now, iss(2, gated))},
			[]Wait{human(1), human(2)},
			ActivityWaiting, "Waiting on people: 2 items need a person, and the loop has nothing else to do."},
		{"working", []*Item{card(policy.StatusVerify, now, iss(1, complete)), card(policy.StatusBlocked, now, iss(2, gated))},
			[]Wait{human(2)}, ActivityWorking, "Working: 1 Verify; 1 item waits on people."},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := MakeStatus(StatusInput{Snapshot: snap(c.items...), Policy: p, Plan: Plan{Now: now, Waiting: c.waits}})
			if st.Activity != c.want || st.Summary != c.says {
				t.Errorf("got %q, %q; want %q, %q", st.Activity, st.Summary, c.want, c.says)
			}
		})
	}
}

// written is a snapshot whose status issue carries body, rewritten by the
// Actions bot.
func written(s *Snapshot, body string) *Snapshot {
	s.StatusIssue = &model.Issue{ID: "I_status", Number: 99, Title: "nanobots status", Body: body, State: "OPEN",
		Pinned: true, Author: bot, EditedAt: now}
	s.Pinned = 1
	return s
}

// TestStatusUnchangedCycle: a cycle that did nothing, later and at another
// cost, says the same: the same hash, the same content, no rewrite until
// heartbeat_interval has passed.
func TestStatusUnchangedCycle(t *testing.T) {
	p := defaultPolicy(t)
	s := statusBoard()
	first := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: boardPlan(now), Points: 3, Remaining: 4000,
		Done: []Done{{Action: Action{Kind: AddLabels, Issue: 1, Labels: []string{"summon-human"}, Why: "a hard gate"}, At: now}}})
	body := first.Markdown()

	later := now.Add(30 * time.Minute)
	s = written(statusBoard(), body)
	second := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: boardPlan(later), Points: 9, Remaining: 3000,
		RunURL: "https://github.com/octo/demo/actions/runs/43"})
	if second.Hash != first.Hash {
		t.Errorf("hash %s, want %s: the cycle did nothing", second.Hash, first.Hash)
	}
	if second.content() != first.content() {
		t.Errorf("content changed:\n%s", cmp.Diff(first.content(), second.content()))
	}
	if !second.Written.Equal(now) || second.Issue != 99 {
		t.Errorf("read back written %s, issue %d; want %s, 99", second.Written, second.Issue, now)
	}
	if h := PlanHeartbeat(s, p.Config, second); h.Rewrite || h.Create || h.Pin || len(h.NewlyOnHuman) != 0 {
		t.Errorf("heartbeat %+v, want nothing to write", h)
	}

	// Heartbeat: 6h after the last rewrite, one rewrite; nothing else.
	third := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: boardPlan(now.Add(6 * time.Hour))})
	if h := PlanHeartbeat(s, p.Config, third); !h.Rewrite || h.Create || h.Pin || len(h.NewlyOnHuman) != 0 || !strings.HasPrefix(h.Why, "heartbeat") {
		t.Errorf("after heartbeat_interval: %+v, want a rewrite only", h)
	}

	// A change: a person moved #2 from Ready to Backlog.
	s.Items[1].Values[policy.FieldStatus] = policy.StatusBacklog
	fourth := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: boardPlan(later)})
	if h := PlanHeartbeat(s, p.Config, fourth); fourth.Hash == first.Hash || !h.Rewrite || h.Why != "what it reports changed" {
		t.Errorf("after a change: hash %s (was %s), %+v", fourth.Hash, first.Hash, h)
	}
}

// TestStatusNewlyOnHuman: a comment is planned only for items the previous
// body did not list as needing a person.
func TestStatusNewlyOnHuman(t *testing.T) {
	p := defaultPolicy(t)
	body := MakeStatus(StatusInput{Snapshot: statusBoard(), Policy: p, Plan: boardPlan(now)}).Markdown()

	s := written(statusBoard(), body)
	s.Items = append(s.Items, card(policy.StatusBlocked, now, iss(9, gated, labelled("summon-human"))))
	plan := boardPlan(now.Add(time.Hour))
	plan.Waiting = append(plan.Waiting, Wait{Issue: 9, Title: "issue 9", Status: policy.StatusBlocked, OnHuman: true, Why: "the security area is a hard gate"})
	st := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: plan})
	h := PlanHeartbeat(s, p.Config, st)
	if got := WaitIssues(h.NewlyOnHuman); !slices.Equal(got, []int{9}) {
		t.Errorf("newly on a person: %v, want [9]", got)
	}
	c := HumanComment(p.Config, h.NewlyOnHuman)
	if !strings.HasPrefix(c, "@octo @ada: an item needs a person.\n\n- #9 issue 9 (Blocked): the security area is a hard gate\n") || strings.Count(c, "@") != 2 {
		t.Errorf("comment:\n%s", c)
	}
}

// TestStatusRoundTrip: the latest actions read back from the body are the
// ones written, whatever their text holds, and are never escaped twice.
func TestStatusRoundTrip(t *testing.T) {
	p := defaultPolicy(t)
	s := snap()
	var done []Done
	for i, why := range []string{"plain", "a | pipe, <b>html</b>, `code`, *stars*, _under_", "mentions @mona and [a](link) ![img](x)", " · a separator"} {
		done = append(done, Done{Action: Action{Kind: Comment, Issue: i + 1, Body: "hello @ada\nmore", Why: why},
			At: now.Add(time.Duration(i) * time.Minute), URL: fmt.Sprintf("https://github.com/octo/demo/issues/%d#issuecomment-%d", i+1, i)})
	}
	first := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: Plan{Now: now}, Done: done})
	body := first.Markdown()
	for _, bad := range []string{"<b>", "@mona", "@ada", "[a](link)", "![img]"} {
		if strings.Contains(body, bad) {
			t.Errorf("the body carries %q:\n%s", bad, body)
		}
	}
	second := MakeStatus(StatusInput{Snapshot: written(snap(), body), Policy: p, Plan: Plan{Now: now.Add(time.Hour)}})
	if diff := cmp.Diff(first.Recent, second.Recent); diff != "" {
		t.Errorf("read back (-written +read):\n%s", diff)
	}
	if second.Hash != first.Hash {
		t.Errorf("hash %s after reading back, want %s", second.Hash, first.Hash)
	}
	var text strings.Builder
	if err := second.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if want := "#2: comment (hello @ada) — a | pipe, <b>html</b>, `code`, *stars*, _under_ (https://github.com/octo/demo/issues/2#issuecomment-1)"; !strings.Contains(text.String(), want) {
		t.Errorf("the text lacks %q:\n%s", want, text.String())
	}
}

// TestStatusKeepsTheLatestActions: this cycle's actions come first, then
// the earlier ones, RecentActions in all.
func TestStatusKeepsTheLatestActions(t *testing.T) {
	p := defaultPolicy(t)
	var done []Done
	for i := 1; i <= 8; i++ {
		done = append(done, Done{Action: Action{Kind: AddLabels, Issue: i, Labels: []string{"x"}}, At: now})
	}
	body := MakeStatus(StatusInput{Snapshot: snap(), Policy: p, Plan: Plan{Now: now}, Done: done}).Markdown()
	later := now.Add(time.Hour)
	st := MakeStatus(StatusInput{Snapshot: written(snap(), body), Policy: p, Plan: Plan{Now: later},
		Done: []Done{{Action: Action{Kind: AddLabels, Issue: 20, Labels: []string{"y"}}, At: later},
			{Action: Action{Kind: AddLabels, Issue: 21, Labels: []string{"y"}}, At: later}, {Action: Action{Kind: AddLabels, Issue: 22, Labels: []string{"y"}}, At: later}}})
	var got []string
	for _, e := range st.Recent {
		got = append(got, strings.SplitN(e.Text, ":", 2)[0])
	}
	want := []string{"#22", "#21", "#20", "#8", "#7", "#6", "#5", "#4", "#3", "#2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recent (-want +got):\n%s", diff)
	}
}

func TestStatusEscapesTitles(t *testing.T) {
	p := defaultPolicy(t)
	evil := iss(1, gated)
	evil.Title = "@everyone <img src=x onerror=alert(1)> [click](https://evil.example) ![t](https://evil.example/t.png)\n### Latest actions"
	s := snap(card(policy.StatusBlocked, now, evil))
	plan := Plan{Now: now, Waiting: []Wait{{Issue: 1, Title: evil.Title, Status: policy.StatusBlocked, OnHuman: true, Why: "@mona asked"}}}
	body := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: plan}).Markdown()
	for _, bad := range []string{"@everyone", "@mona", "<img", "[click](", "![t]", "\n### Latest actions\n\n- "} {
		if strings.Contains(body, bad) {
			t.Errorf("the body carries %q:\n%s", bad, body)
		}
	}
	if got := parseStatus(body).onHuman; !slices.Equal(got, []int{1}) {
		t.Errorf("read back on a person: %v, want [1]", got)
	}
}

func TestStatusPinLimit(t *testing.T) {
	p := defaultPolicy(t)
	const msg = "three issues are pinned; unpin one so the status issue can be pinned"
	s := snap()
	s.Pinned = 3
	st := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: Plan{Now: now}})
	if !slices.Contains(st.Problems, msg) {
		t.Errorf("problems %q, want %q", st.Problems, msg)
	}
	if h := PlanHeartbeat(s, p.Config, st); !h.Create || h.Pin {
		t.Errorf("heartbeat %+v: want create, no pin", h)
	}
	s = written(snap(), "<!-- nanobots:status -->\n")
	s.Pinned = 3 // ours among them
	st = MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: Plan{Now: now}})
	if len(st.Problems) != 0 {
		t.Errorf("problems %q with the status issue pinned", st.Problems)
	}
	if h := PlanHeartbeat(s, p.Config, st); h.Create || h.Pin || !h.Rewrite || h.Why != "the loop has not written it before" {
		t.Errorf("bootstrap's issue: %+v, want a first rewrite", h)
	}
}

// TestStatusManyWaiting: a board where many items need a person keeps the
// body under GitHub's limit, and every item is still known the next cycle,
// so none is announced twice.
func TestStatusManyWaiting(t *testing.T) {
	p := defaultPolicy(t)
	plan := Plan{Now: now}
	var items []*Item
	for n := 1; n <= 400; n++ {
		is := iss(n, gated)
		is.Title = strings.Repeat("long title ", 30)
		items = append(items, card(policy.StatusBlocked, now, is))
		plan.Waiting = append(plan.Waiting, Wait{Issue: n, Title: is.Title, Status: policy.StatusBlocked, OnHuman: true, Why: strings.Repeat("why ", 100)})
	}
	for i := 0; i < 200; i++ {
		plan.Actions = append(plan.Actions, Action{Kind: AddLabels, Issue: i, Labels: []string{"x"}})
	}
	st := MakeStatus(StatusInput{Snapshot: snap(items...), Policy: p, Plan: plan, Pending: plan.Actions})
	body := st.Markdown()
	if len(body) > 65536 {
		t.Errorf("the body is %d characters, over GitHub's 65,536", len(body))
	}
	s := written(snap(items...), body)
	next := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: plan})
	if got := len(next.prev.onHuman); got != 400 {
		t.Errorf("read back %d items on a person, want 400", got)
	}
	if h := PlanHeartbeat(s, p.Config, next); len(h.NewlyOnHuman) != 0 {
		t.Errorf("%d items announced again", len(h.NewlyOnHuman))
	}
}

// TestStatusSaysWhatWasStartedByHand: a maintainer's own dispatch may take
// the WIP past the limit; the report says so ("2 of 1, 1 by hand").
func TestStatusSaysWhatWasStartedByHand(t *testing.T) {
	p := defaultPolicy(t)
	p.Config.WIPLimit = 1
	hand := comment(octo, now.Add(-time.Hour), fmt.Sprintf("<!-- nanobots:dispatch at=%d attempt=1 by=ada issue=2 -->\nstarted by hand", now.Add(-time.Hour).Unix()))
	loop := comment(octo, now.Add(-time.Hour), "@claude go\n<!-- nanobots:dispatch attempt=1 issue=1 -->")
	s := snap(card("In Progress", now.Add(-time.Hour), iss(1, complete, loop)), card("In Progress", now.Add(-time.Hour), iss(2, complete, hand)))
	st := MakeStatus(StatusInput{Snapshot: s, Policy: p, Plan: Plan{Now: now}})
	if st.WIP != 2 || st.ByHand != 1 {
		t.Errorf("WIP %d, by hand %d; want 2 and 1", st.WIP, st.ByHand)
	}
	if want := "2 of 1 in progress or in review (wip\\_limit), 1 started by hand."; !strings.Contains(st.Markdown(), want) {
		t.Errorf("the body lacks %q:\n%s", want, st.Markdown())
	}
}
