package ghsim_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

func TestTriggerPhraseAsTheActionMatchesIt(t *testing.T) {
	for _, tc := range []struct {
		body, phrase string
		want         bool
	}{
		{"@claude please implement #1", "@claude", true},
		{"@Claude please", "@claude", true},
		{"please, @CLAUDE.", "@claude", true},
		{"@claude", "@claude", true},
		{"done?\n@claude: go", "@claude", true},
		{"hey @claude!", "@claude", true},
		{"@claude.ai says hi", "@claude", true},          // "." ends the phrase, as in the action
		{"please\u00a0@claude\u00a0go", "@claude", true}, // JavaScript's \s has the no-break space
		{"@claudette, please", "@claude", false},
		{"mail x@claude.ai", "@claude", false},
		{"(@claude) do it", "@claude", false},
		{"`@claude` is the phrase", "@claude", false},
		{"@claude-bot go", "@claude", false},
		{"/nano do it", "/nano", true},
		{"/nanobots do it", "/nano", false},
		{"a+b @c+ go", "@c+", true}, // the phrase is quoted, not a pattern
	} {
		if got := ghsim.Triggered(tc.body, tc.phrase); got != tc.want {
			t.Errorf("Triggered(%q, %q) = %v, want %v", tc.body, tc.phrase, got, tc.want)
		}
	}
}

// agentSim is a simulator with a scripted agent that plays the real action,
// runs of runTime, and a CI workflow on octo/demo.
func agentSim(t *testing.T, runTime time.Duration, dispatchers ...string) (*sim, *ghsim.Agent, *ghsim.Repo) {
	t.Helper()
	s := newSim(t)
	agent := ghsim.NewAgent(s.world, "@claude", dispatchers...)
	agent.Default = ghsim.OutcomeReal
	agent.RunTime = runTime
	r := s.world.Repo("octo/demo")
	s.world.EnableCI(r, "ci", "success")
	return s, agent, r
}

func (s *sim) comment(token string, issue int, body string) *github.IssueComment {
	s.t.Helper()
	c, _, err := s.client(token).REST.Issues.CreateComment(context.Background(), "octo", "demo", issue, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		s.t.Fatalf("comment on #%d: %v", issue, err)
	}
	return c
}

// botComments returns the bodies of claude[bot]'s comments on an issue.
func botComments(s *sim, r *ghsim.Repo, n int) []string {
	s.world.Lock()
	defer s.world.Unlock()
	var out []string
	for _, c := range r.Issue(n).Comments {
		if c.Author.Login == ghsim.ClaudeBot {
			out = append(out, c.Body)
		}
	}
	return out
}

func work(t *testing.T, a *ghsim.Agent, want int) {
	t.Helper()
	if n, err := a.Work(); err != nil || n != want {
		t.Fatalf("Work finished %d runs (%v), want %d", n, err, want)
	}
}

func claudeBranches(s *sim, r *ghsim.Repo) []string {
	s.world.Lock()
	defer s.world.Unlock()
	var out []string
	for b := range r.Branches {
		if strings.HasPrefix(b, "claude/") {
			out = append(out, b)
		}
	}
	return out
}

func pulls(s *sim) []*github.PullRequest {
	s.t.Helper()
	prs, _, err := s.client("t").REST.PullRequests.List(context.Background(), "octo", "demo", &github.PullRequestListOptions{State: "all"})
	if err != nil {
		s.t.Fatal(err)
	}
	return prs
}

// TestRealRunOutlastsACycle: a run of 30 minutes starts with "Claude Code is
// working…", is still running after a 10-minute cycle, and ends with a new
// claude/issue-N-YYYYMMDD-HHMM branch (the minute it started), a commit on
// it from the default branch, the final tracking comment in the action's
// shape, and no pull request. Its push rides on GITHUB_TOKEN, so no CI.
func TestRealRunOutlastsACycle(t *testing.T) {
	s, agent, r := agentSim(t, 30*time.Minute, "octo")
	main := r.Head("main").SHA
	s.comment("t", 1, "@claude please implement #1.")
	if n := agent.Pending(); n != 1 {
		t.Fatalf("%d runs pending, want 1", n)
	}
	s.clock.Advance(40 * time.Second) // the runner picks the job up at 09:07:40
	work(t, agent, 0)
	tracking := botComments(s, r, 1)
	if len(tracking) != 1 || !strings.HasPrefix(tracking[0], "Claude Code is working…") || !strings.Contains(tracking[0], "[View job run](https://github.com/octo/demo/actions/runs/") {
		t.Fatalf("claude[bot]'s comments after the start: %q, want one that says it is working", tracking)
	}
	if b := claudeBranches(s, r); len(b) != 0 {
		t.Errorf("branches before the first push: %v, want none", b)
	}

	s.clock.Advance(10 * time.Minute) // a cycle later the run is still going
	work(t, agent, 0)
	if got := botComments(s, r, 1); !strings.HasPrefix(got[0], "Claude Code is working…") {
		t.Errorf("after one cycle the tracking comment is %q, want still working", got[0])
	}
	s.clock.Advance(20 * time.Minute)
	work(t, agent, 1)

	const branch = "claude/issue-1-20261121-0907"
	if b := claudeBranches(s, r); len(b) != 1 || b[0] != branch {
		t.Fatalf("branches %v, want [%s]", b, branch)
	}
	s.world.Lock()
	head := r.Head(branch)
	parents, author := head.Parents, head.Author.Login
	checks := len(r.CheckRuns[head.SHA])
	open := r.Issue(1).State
	s.world.Unlock()
	if len(parents) != 1 || parents[0] != main || author != ghsim.ClaudeBot {
		t.Errorf("branch head: parents %v by %s, want [%s] by %s", parents, author, main, ghsim.ClaudeBot)
	}
	if checks != 0 {
		t.Errorf("%d check runs on the agent's push, want 0: GITHUB_TOKEN's pushes start no workflow", checks)
	}
	if prs := pulls(s); len(prs) != 0 {
		t.Errorf("%d pull requests, want none: the action opens none", len(prs))
	}
	if open != "open" {
		t.Errorf("issue #1 is %s, want open: nothing closed it", open)
	}
	final := botComments(s, r, 1)
	if len(final) != 1 {
		t.Fatalf("claude[bot] wrote %d comments, want the one tracking comment", len(final))
	}
	wantHead := "**Claude finished @octo's task in 30m 0s** —— [View job](https://github.com/octo/demo/actions/runs/"
	for _, want := range []string{
		wantHead,
		" • [`" + branch + "`](https://github.com/octo/demo/tree/" + branch + ")",
		" • [Create PR ➔](https://github.com/octo/demo/compare/main..." + branch + "?quick_pull=1&title=Issue%20%231%3A%20Changes%20from%20Claude&body=This%20PR%20addresses%20issue%20%231%0A%0AGenerated%20with%20",
		"\n\n---\nI implemented #1",
	} {
		if !strings.Contains(final[0], want) {
			t.Errorf("final tracking comment lacks %q:\n%s", want, final[0])
		}
	}
	if !strings.HasPrefix(final[0], wantHead) || len(ghsim.ClosingReferences(final[0])) != 0 || strings.Contains(final[0], "@claude ") {
		t.Errorf("final tracking comment %q: want the header first, no closing keyword, no trigger phrase", final[0])
	}
	runs := agent.Runs()
	if len(runs) != 1 || runs[0].State != ghsim.RunSucceeded || runs[0].Pull != nil {
		t.Errorf("runs %+v, want one succeeded without a PR", runs)
	}
	// A PR a person opens from the branch (the loop, with the dispatch
	// token) does start CI on it.
	pr := openPR(t, s, "t", branch)
	if got := checkRuns(s, r, pr.GetHead().GetSHA()); len(got) != 1 {
		t.Errorf("CI on a person's PR from the agent's branch: %v, want one run", got)
	}
}

// TestEachRunMakesItsOwnBranch: a second dispatch on the same issue makes a
// second branch, named for the minute its run started; a second run in the
// same minute as another has its push rejected and fails.
func TestEachRunMakesItsOwnBranch(t *testing.T) {
	s, agent, r := agentSim(t, 0, "octo")
	s.comment("t", 2, "@claude take #2")
	work(t, agent, 1)
	s.clock.Advance(61 * time.Minute)
	s.comment("t", 2, "@claude try #2 again")
	work(t, agent, 1)
	got := claudeBranches(s, r)
	want := map[string]bool{"claude/issue-2-20261121-0907": true, "claude/issue-2-20261121-1008": true}
	if len(got) != 2 || !want[got[0]] || !want[got[1]] {
		t.Errorf("branches %v, want %v", got, want)
	}
	if n := len(botComments(s, r, 2)); n != 2 {
		t.Errorf("%d tracking comments, want one per run", n)
	}

	s.comment("t", 2, "@claude once more")
	work(t, agent, 1)
	runs := agent.Runs()
	if last := runs[len(runs)-1]; last.State != ghsim.RunFailed || !strings.Contains(last.Reason, "rejected") {
		t.Errorf("a third run in the same minute: %s (%s), want failed: push rejected", last.State, last.Reason)
	}
	if c := botComments(s, r, 2); !strings.HasPrefix(c[2], "**Claude encountered an error after 0s**") {
		t.Errorf("its tracking comment: %q", c[2])
	}
}

// TestOnlyWritersAndUsersStartRuns: the action refuses, posting nothing,
// an author without write access or one that is not a User; GITHUB_TOKEN's
// comments start no workflow at all; a machine user with write access runs.
func TestOnlyWritersAndUsersStartRuns(t *testing.T) {
	s, agent, r := agentSim(t, 0) // no if: filter, so the action's own checks decide
	s.world.AddToken("ghp_mona", "mona")
	s.world.AddToken("ghs_actions", ghsim.ActionsBot)
	s.world.AddToken("ghs_renovate", "renovate[bot]")
	s.world.AddUser("renovate[bot]", "Bot")
	s.world.SetPermission(r, "renovate[bot]", "write")
	s.world.AddToken("ghp_machine", "nanobots-machine")
	s.world.SetPermission(r, "nanobots-machine", "maintain")
	s.world.SetPermission(r, "tri", "triage")
	s.world.AddToken("ghp_tri", "tri")

	s.comment("ghp_mona", 1, "@claude do it")     // read
	s.comment("ghp_tri", 1, "@claude do it")      // triage
	s.comment("ghs_renovate", 1, "@claude do it") // a bot with write
	s.comment("ghs_actions", 1, "@claude do it")  // GITHUB_TOKEN: no run at all
	s.comment("t", 1, "@claudette do it")         // no trigger: no run
	runs := agent.Runs()
	if len(runs) != 3 {
		t.Fatalf("%d runs, want 3 (mona, tri, renovate[bot]; none for GITHUB_TOKEN or @claudette)", len(runs))
	}
	for i, want := range []string{"write permissions", "write permissions", "non-human actor: renovate (type: Bot)"} {
		if runs[i].State != ghsim.RunFailed || !strings.Contains(runs[i].Reason, want) {
			t.Errorf("run %d by %s: %s (%s), want failed: %s", i+1, runs[i].By.Login, runs[i].State, runs[i].Reason, want)
		}
	}
	work(t, agent, 0)
	if n := agent.Pending(); n != 0 {
		t.Errorf("%d runs pending, want 0", n)
	}
	if c := botComments(s, r, 1); len(c) != 0 {
		t.Errorf("claude[bot] commented %q, want nothing: refused runs post nothing", c)
	}
	if b := claudeBranches(s, r); len(b) != 0 {
		t.Errorf("branches %v, want none", b)
	}

	s.comment("ghp_machine", 1, "@claude do it") // a User with maintain (write)
	work(t, agent, 1)
	if runs := agent.Runs(); runs[len(runs)-1].State != ghsim.RunSucceeded {
		t.Errorf("the machine user's run: %s (%s), want succeeded", runs[len(runs)-1].State, runs[len(runs)-1].Reason)
	}
}

// TestDispatchersFilter: the workflow's if: admits only dispatchers; other
// writers start nothing, not even a failed run.
func TestDispatchersFilter(t *testing.T) {
	s, agent, r := agentSim(t, 0, "octo")
	s.world.SetPermission(r, "hubot", "write")
	s.world.AddToken("ghp_hubot", "hubot")
	s.comment("ghp_hubot", 1, "@claude go")
	if n := len(agent.Runs()); n != 0 {
		t.Errorf("%d runs for a writer who is not a dispatcher, want 0", n)
	}
}

// TestAgentWritesWhatTheBriefAsks: a learnings section and the commands run
// appear in the final text only when the dispatch comment asks for them.
func TestAgentWritesWhatTheBriefAsks(t *testing.T) {
	s, agent, r := agentSim(t, 0, "octo")
	s.comment("t", 1, "@claude please implement #1.")
	s.comment("t", 2, "@claude please implement #2.\n\n## Finishing\n\n- End your final answer with a `## Learnings` section.\n- List the test and lint commands you ran, with their output.")
	work(t, agent, 2)
	plain, asked := botComments(s, r, 1)[0], botComments(s, r, 2)[0]
	for _, h := range []string{"## Learnings", "## Commands run"} {
		if strings.Contains(plain, h) {
			t.Errorf("unasked, the final text has %q:\n%s", h, plain)
		}
		if !strings.Contains(asked, h) {
			t.Errorf("asked, the final text lacks %q:\n%s", h, asked)
		}
	}
	if !strings.Contains(asked, "$ go test ./...\nok  \texample.com/demo") {
		t.Errorf("the commands section lacks the command and its output:\n%s", asked)
	}
	if i, j := strings.Index(asked, "\n---\n"), strings.Index(asked, "## Learnings"); i < 0 || j < i {
		t.Errorf("learnings are not in the agent's text below the header:\n%s", asked)
	}
}

// TestAgentOpensAPR: asked to, the agent opens the PR itself, authored by
// claude[bot]; the body closes the issue only when the brief asks for the
// keyword; an App's PR starts CI on its head; nothing is merged.
func TestAgentOpensAPR(t *testing.T) {
	s, agent, r := agentSim(t, 0, "octo")
	agent.Default = ghsim.OutcomeAgentPR
	s.comment("t", 1, "@claude implement #1 and open a pull request that says `Closes #1`.")
	s.comment("t", 2, "@claude implement #2")
	work(t, agent, 2)
	prs := pulls(s)
	if len(prs) != 2 {
		t.Fatalf("%d PRs, want 2", len(prs))
	}
	byHead := map[string]*github.PullRequest{}
	for _, pr := range prs {
		byHead[pr.GetHead().GetRef()] = pr
		if pr.GetUser().GetLogin() != ghsim.ClaudeBot || pr.GetMergedAt() != (github.Timestamp{}) {
			t.Errorf("PR #%d by %s merged at %v, want by %s and not merged", pr.GetNumber(), pr.GetUser().GetLogin(), pr.GetMergedAt(), ghsim.ClaudeBot)
		}
		s.world.Lock()
		runs := r.CheckRuns[pr.GetHead().GetSHA()]
		s.world.Unlock()
		if len(runs) != 1 || runs[0].Conclusion != "success" {
			t.Errorf("CI on PR #%d's head: %d runs, want one green: a PR opened with the App's token starts workflows", pr.GetNumber(), len(runs))
		}
	}
	one, two := byHead["claude/issue-1-20261121-0907"], byHead["claude/issue-2-20261121-0907"]
	if one == nil || two == nil {
		t.Fatalf("PR heads %v", byHead)
	}
	if got := ghsim.ClosingReferences(one.GetBody()); len(got) != 1 || got[0] != 1 {
		t.Errorf("asked for the keyword, PR body %q closes %v, want [1]", one.GetBody(), got)
	}
	if got := ghsim.ClosingReferences(two.GetBody()); len(got) != 0 || !strings.HasPrefix(two.GetBody(), "This PR addresses issue #2") {
		t.Errorf("not asked, PR body %q closes %v, want none", two.GetBody(), got)
	}
	if s.world.Repo("octo/demo").Issue(1).State != "open" {
		t.Error("issue #1 closed without a merge")
	}
}

// TestRunsThatLeaveNothing: a run that pushes no commit, one that fails and
// one that times out leave no branch; the tracking comment tells them apart.
func TestRunsThatLeaveNothing(t *testing.T) {
	s, agent, r := agentSim(t, 5*time.Minute, "octo")
	agent.Outcomes[1] = ghsim.OutcomeNoCommit
	agent.Outcomes[2] = ghsim.OutcomeFail
	agent.Outcomes[3] = ghsim.OutcomeTimeOut
	for n := 1; n <= 3; n++ {
		s.comment("t", n, "@claude go")
	}
	work(t, agent, 0)
	s.clock.Advance(5 * time.Minute)
	work(t, agent, 3)
	if b := claudeBranches(s, r); len(b) != 0 {
		t.Errorf("branches %v, want none", b)
	}
	for n, want := range map[int]string{
		1: "**Claude finished @octo's task in 5m 0s** —— [View job](",
		2: "**Claude encountered an error after 5m 0s** —— [View job](",
		3: "Claude Code is working…",
	} {
		c := botComments(s, r, n)
		if len(c) != 1 || !strings.HasPrefix(c[0], want) || strings.Contains(c[0], "Create PR") || strings.Contains(c[0], "/tree/") {
			t.Errorf("#%d's tracking comment %q, want it to start %q with no branch or PR link", n, c, want)
		}
	}
	states := map[int]ghsim.RunState{}
	for _, run := range agent.Runs() {
		states[run.Issue.Number] = run.State
	}
	if states[1] != ghsim.RunSucceeded || states[2] != ghsim.RunFailed || states[3] != ghsim.RunTimedOut {
		t.Errorf("run states %v", states)
	}
}

// TestDispatchDeletedWhileQueued: a dispatch deleted after it queued a run
// but before the runner started it does nothing.
func TestDispatchDeletedWhileQueued(t *testing.T) {
	s, agent, r := agentSim(t, time.Minute, "octo")
	c := s.comment("t", 1, "@claude go")
	if _, err := s.client("t").REST.Issues.DeleteComment(context.Background(), "octo", "demo", c.GetID()); err != nil {
		t.Fatal(err)
	}
	work(t, agent, 0)
	if runs := agent.Runs(); len(runs) != 1 || runs[0].State != ghsim.RunSkipped || agent.Pending() != 0 {
		t.Errorf("runs %+v pending %d, want one skipped", runs, agent.Pending())
	}
	if got := botComments(s, r, 1); len(got) != 0 {
		t.Errorf("claude[bot] commented %q on a deleted dispatch", got)
	}
}

// TestRunLongerThanTheJobTimeout: with a job timeout shorter than the run,
// the run is cancelled at the timeout, a cycle later nothing has moved, and
// the tracking comment never finishes.
func TestRunLongerThanTheJobTimeout(t *testing.T) {
	s, agent, r := agentSim(t, 90*time.Minute, "octo")
	agent.Timeout = 60 * time.Minute
	s.comment("t", 1, "@claude go")
	work(t, agent, 0)
	s.clock.Advance(59 * time.Minute)
	work(t, agent, 0)
	s.clock.Advance(time.Minute)
	work(t, agent, 1)
	if runs := agent.Runs(); runs[0].State != ghsim.RunTimedOut || agent.Pending() != 0 {
		t.Errorf("run %s, %d pending, want timed out and none pending", runs[0].State, agent.Pending())
	}
	if b := claudeBranches(s, r); len(b) != 0 {
		t.Errorf("branches %v, want none", b)
	}
	if c := botComments(s, r, 1); len(c) != 1 || !strings.HasPrefix(c[0], "Claude Code is working…") {
		t.Errorf("tracking comment %q, want still working", c)
	}
}
