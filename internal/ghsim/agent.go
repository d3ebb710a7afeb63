package ghsim

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Outcome is what the scripted agent does with one dispatched issue.
//
// The zero Outcome is claude-code-action v1.0.200 as it is (see
// docs/simulator.md for where each behaviour comes from in the action's
// source): a tracking comment by claude[bot], a new claude/issue-N-YYYYMMDD-HHMM
// branch with one commit, pushed on the workflow's GITHUB_TOKEN, a final
// tracking comment with a "Create PR ➔" link, and no pull request. The other
// fields ask for the outcomes tests need on demand. Kind plays the older,
// kinder script the loop's tests were first written against.
type Outcome struct {
	// Kind plays the kind agent: a claude/issue-N-…-RUN branch and, when PR
	// is set, a pull request by claude[bot] whose body says "Closes #N" and
	// has a "## Learnings" section, merged by the repository's owner when
	// Merge is set. Without PR it leaves only its tracking comment, still
	// saying it is working.
	Kind bool
	// PR opens a pull request. In a real run the agent opens it itself
	// (gh pr create with the App token, so it is authored by claude[bot]);
	// its body closes the issue only when the dispatch comment asks for the
	// closing keyword ("Closes #N" appears in it) and NoClosingKeyword is
	// unset.
	PR bool
	// NoClosingKeyword leaves the closing keyword out of the PR body.
	NoClosingKeyword bool
	// Merge (kind runs only) merges the pull request as the repository's
	// owner: the real agent never merges.
	Merge bool
	// CI (kind runs only) is the conclusion of a "ci" check run added on the
	// merge commit, "success", "failure", or "" for none. A repository with a
	// CI workflow (EnableCI) runs its own instead.
	CI string
	// NoCommit: the run pushes nothing, so no branch appears and the final
	// comment has neither a branch nor a "Create PR ➔" link.
	NoCommit bool
	// Fail: the run ends in an error before it pushes; the tracking comment
	// says "Claude encountered an error".
	Fail bool
	// TimeOut: the job is cancelled at its timeout-minutes: nothing is
	// pushed and the tracking comment keeps saying Claude Code is working.
	TimeOut bool
}

// The outcomes a scripted agent can be told to play.
var (
	// OutcomeReal is claude-code-action as it is: a branch with a commit and
	// no pull request.
	OutcomeReal = Outcome{}
	// OutcomeAgentPR is a real run in which the agent opens the PR itself.
	OutcomeAgentPR = Outcome{PR: true}
	// OutcomeNoCommit is a real run that pushes nothing.
	OutcomeNoCommit = Outcome{NoCommit: true}
	// OutcomeFail is a real run that ends in an error.
	OutcomeFail = Outcome{Fail: true}
	// OutcomeTimeOut is a real run cancelled at the job's timeout.
	OutcomeTimeOut = Outcome{TimeOut: true}

	// OutcomeGreen is the kind agent: a PR that closes the issue, merged,
	// with green CI on the merge commit.
	OutcomeGreen = Outcome{Kind: true, PR: true, Merge: true, CI: "success"}
	// OutcomeRed is OutcomeGreen with red CI on the merge commit.
	OutcomeRed = Outcome{Kind: true, PR: true, Merge: true, CI: "failure"}
	// OutcomePROnly is the kind agent's PR, left for a person to merge.
	OutcomePROnly = Outcome{Kind: true, PR: true}
	// OutcomeSilent is a kind run that leaves only its tracking comment.
	OutcomeSilent = Outcome{Kind: true}
)

// NamedOutcomes are the outcomes by the names `nanobots sim --agent-outcome`
// takes.
var NamedOutcomes = map[string]Outcome{
	"real":       OutcomeReal,
	"agent-pr":   OutcomeAgentPR,
	"no-commit":  OutcomeNoCommit,
	"fail":       OutcomeFail,
	"timeout":    OutcomeTimeOut,
	"kind":       OutcomeGreen,
	"kind-red":   OutcomeRed,
	"kind-pr":    OutcomePROnly,
	"kind-quiet": OutcomeSilent,
}

// RunState is where a run of the agent is.
type RunState string

// The states of a run.
const (
	RunQueued    RunState = "queued"
	RunRunning   RunState = "running"
	RunSucceeded RunState = "succeeded"
	// RunFailed: the action refused the run (it posts nothing) or Claude
	// ended in an error (the tracking comment says so).
	RunFailed   RunState = "failed"
	RunTimedOut RunState = "timed_out"
	// RunSkipped: the dispatch comment was deleted before the run started.
	RunSkipped RunState = "skipped"
)

// Run is one run of the inner workflow that the agent started.
type Run struct {
	Number  int
	Repo    *Repo
	Issue   *Issue
	Comment *Comment // the comment that started it
	By      *User    // its author, on whose authority the run acts
	Outcome Outcome
	State   RunState
	// Reason says why a run failed or was skipped.
	Reason string
	// Started and Due are when the runner picked the job up and when it
	// ends, on the world's clock.
	Started, Due time.Time
	// Branch is the branch the run works on; it exists on GitHub only once
	// the run has pushed.
	Branch   string
	Tracking *Comment
	Pull     *Issue // the pull request the run opened, if any
	// Text is the agent's final text, as the tracking comment ends with it.
	Text string

	baseSHA string
}

// Command is a command the agent reports it ran, with its output.
type Command struct {
	Line, Output string
}

// Agent plays claude-code-action in tag mode on the inner workflow's
// issue_comment runs: a comment that GITHUB_TOKEN did not write, that a
// dispatcher wrote (the workflow's if:), and that holds the trigger phrase as
// the action matches it queues a run. The action then refuses, posting
// nothing, an author who is not a User or lacks write access.
//
// Runs are not done inside the comment's request: the outer loop must find
// the results on a later cycle, as it would on GitHub. Work starts queued
// runs and finishes those whose RunTime has passed on the world's clock.
type Agent struct {
	World *World
	// Trigger is the phrase that starts a run (claude-code-action's
	// trigger_phrase, "@claude" by default).
	Trigger string
	// Dispatchers may start runs (the inner workflow's if:); empty lets
	// every comment through to the action's own checks.
	Dispatchers []string
	// Default is the outcome for issues Outcomes does not name.
	Default  Outcome
	Outcomes map[int]Outcome
	// RunTime is how long a run takes, on the world's clock, from the Work
	// call that starts it to the first Work call at or after its end. Zero
	// finishes a run in the Work call that starts it.
	RunTime time.Duration
	// Timeout is the inner job's timeout-minutes: a run that would take
	// longer is cancelled then, as is every run whose Outcome says TimeOut
	// (at RunTime when Timeout is zero).
	Timeout time.Duration
	// Commands are what a run says it ran, when the brief asks for the
	// commands run and their output.
	Commands []Command

	work  sync.Mutex // one Work at a time
	mu    sync.Mutex
	queue []*Run // queued and running
	runs  []*Run
}

// NewAgent attaches a scripted agent to w; it answers dispatches as Default
// says unless Outcomes names the issue.
func NewAgent(w *World, trigger string, dispatchers ...string) *Agent {
	a := &Agent{
		World: w, Trigger: trigger, Dispatchers: dispatchers, Outcomes: map[int]Outcome{},
		// The loop does not open PRs yet; OutcomeReal becomes the default
		// once it does (issue 12).
		Default: OutcomeGreen,
		Commands: []Command{
			{Line: "go test ./...", Output: "ok  \texample.com/demo\t0.012s"},
			{Line: "go vet ./..."},
		},
	}
	w.OnComment(a.onComment)
	return a
}

// Triggered reports whether body contains the trigger phrase as
// claude-code-action looks for it: as a word, in any case, not inside
// another one.
func Triggered(body, phrase string) bool {
	re := regexp.MustCompile(`(?i)(^|` + jsSpace + `)` + regexp.QuoteMeta(phrase) + `(` + jsSpace + `|[.,!?;:]|$)`)
	return re.MatchString(body)
}

// jsSpace is JavaScript's \s, which the action's pattern uses: Go's \s
// lacks \v and the Unicode spaces.
const jsSpace = `[\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]`

func (a *Agent) onComment(ev CommentEvent) {
	c := ev.Comment
	// A comment written with GITHUB_TOKEN starts no workflow at all.
	if ev.Issue.PR != nil || !StartsWorkflows(c.Author) || !a.dispatcher(c.Author) || !Triggered(c.Body, a.Trigger) {
		return
	}
	a.World.mu.Lock()
	perm := ev.Repo.Permission(c.Author.Login)
	a.World.mu.Unlock()
	run := &Run{Repo: ev.Repo, Issue: ev.Issue, Comment: c, By: c.Author, State: RunQueued}
	switch {
	case c.Author.Type != "User":
		run.State = RunFailed
		run.Reason = fmt.Sprintf("Workflow initiated by non-human actor: %s (type: %s). Add bot to allowed_bots list or use '*' to allow all bots.",
			strings.TrimSuffix(strings.ToLower(c.Author.Login), "[bot]"), c.Author.Type)
	case perm != "admin" && perm != "maintain" && perm != "write":
		run.State = RunFailed
		run.Reason = "Actor does not have write permissions to the repository"
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	run.Number = len(a.runs) + 1
	a.runs = append(a.runs, run)
	if run.State == RunQueued {
		a.queue = append(a.queue, run)
	}
}

func (a *Agent) dispatcher(u *User) bool {
	if len(a.Dispatchers) == 0 {
		return true
	}
	for _, d := range a.Dispatchers {
		if strings.EqualFold(d, u.Login) {
			return true
		}
	}
	return false
}

func (a *Agent) outcome(issue int) Outcome {
	a.mu.Lock()
	defer a.mu.Unlock()
	if out, ok := a.Outcomes[issue]; ok {
		return out
	}
	return a.Default
}

// Pending is how many runs are queued or running.
func (a *Agent) Pending() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.queue)
}

// Runs returns a copy of every run the agent has seen, oldest first.
func (a *Agent) Runs() []Run {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Run, len(a.runs))
	for i, r := range a.runs {
		out[i] = *r
	}
	return out
}

// Work starts every queued run and finishes every run whose time is up,
// and reports how many it finished. A run whose triggering comment was
// deleted before it started does nothing, as the inner workflow's first step
// checks that the comment still exists.
func (a *Agent) Work() (int, error) {
	a.work.Lock()
	defer a.work.Unlock()
	a.mu.Lock()
	runs := slices.Clone(a.queue)
	a.mu.Unlock()
	n := 0
	var err error
	for _, run := range runs {
		if run.State == RunQueued {
			a.start(run)
		}
		if run.State != RunRunning || a.World.Now().Before(run.Due) {
			continue
		}
		if err = a.finish(run); err != nil {
			break
		}
		n++
	}
	a.mu.Lock()
	a.queue = slices.DeleteFunc(a.queue, func(r *Run) bool { return r.State != RunQueued && r.State != RunRunning })
	a.mu.Unlock()
	return n, err
}

// RunEvery works the queue every d until stop is closed, for `nanobots sim`.
func (a *Agent) RunEvery(d time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			a.Work()
		}
	}
}

// serverURL is GITHUB_SERVER_URL on a runner: the action's links use it.
const serverURL = "https://github.com"

func (a *Agent) start(run *Run) {
	w := a.World
	w.mu.Lock()
	gone := !slices.Contains(run.Issue.Comments, run.Comment)
	now := w.Now()
	run.baseSHA = run.Repo.Branches[run.Repo.DefaultBranch]
	w.mu.Unlock()
	if gone {
		a.mu.Lock()
		run.State, run.Reason = RunSkipped, "the dispatch comment was deleted before the run started"
		a.mu.Unlock()
		return
	}
	bot := w.AddUser(ClaudeBot, "Bot") // the one there is, if any
	// The tracking comment is posted before Claude starts; the branch name
	// is taken from the runner's clock then, though the branch reaches
	// GitHub only with Claude's first push.
	tracking := w.AddComment(run.Issue, bot, fmt.Sprintf("Claude Code is working… %s\n\nI'll analyze this and get back to you.\n\n[View job run](%s)",
		spinner, a.jobURL(run)))
	// The outcome is read when the run starts, so a test may set it any
	// time before.
	out := a.outcome(run.Issue.Number)
	a.mu.Lock()
	defer a.mu.Unlock()
	run.Outcome = out
	run.Tracking, run.Started, run.Due, run.State = tracking, now, now.Add(a.RunTime), RunRunning
	if a.Timeout > 0 && (run.Outcome.TimeOut || a.RunTime > a.Timeout) {
		run.Due, run.Outcome.TimeOut = now.Add(a.Timeout), true
	}
	run.Branch = BranchName(run.Issue.Number, now)
	if run.Outcome.Kind {
		run.Branch = fmt.Sprintf("claude/issue-%d-%s-%d", run.Issue.Number, now.Format("20060102-1504"), run.Number)
	}
}

const spinner = `<img src="https://github.com/user-attachments/assets/5ac382c7-e004-429b-8e35-7feb3e8f9c6f" width="14px" height="14px" style="vertical-align: middle; margin-left: 4px;" />`

// BranchName is the branch claude-code-action makes for issue n on a run
// that starts at t: claude/issue-N-YYYYMMDD-HHMM on the runner's clock (UTC),
// lower case, at most 50 characters.
func BranchName(n int, t time.Time) string {
	name := strings.ToLower(fmt.Sprintf("claude/issue-%d-%s", n, t.UTC().Format("20060102-1504")))
	return name[:min(len(name), 50)]
}

func (a *Agent) jobURL(run *Run) string {
	return fmt.Sprintf("%s/%s/actions/runs/%d", serverURL, run.Repo.FullName(), 7000000000+int64(run.Number))
}

func (a *Agent) finish(run *Run) error {
	w := a.World
	out, r, n := run.Outcome, run.Repo, run.Issue.Number
	end := func(state RunState, reason string) {
		a.mu.Lock()
		run.State, run.Reason = state, reason
		a.mu.Unlock()
	}
	switch {
	case out.TimeOut:
		end(RunTimedOut, "the job was cancelled at its timeout-minutes")
		return nil
	case out.Kind:
		return a.finishKind(run)
	case out.Fail:
		a.track(run, "", "", "Claude Code process exited with code 1")
		end(RunFailed, "Claude ended in an error")
		return nil
	case out.NoCommit:
		a.say(run, fmt.Sprintf("I looked into #%d, %q, and made no changes.", n, run.Issue.Title), false)
		a.track(run, "", "", "")
		end(RunSucceeded, "")
		return nil
	}
	bot, pusher := w.AddUser(ClaudeBot, "Bot"), w.AddUser(ActionsBot, "Bot")
	w.mu.Lock()
	if _, exists := r.Branches[run.Branch]; exists {
		// Two runs in one minute: the second's local branch is not a
		// descendant of the first's, and its push is rejected.
		w.mu.Unlock()
		a.track(run, "", "", fmt.Sprintf("! [rejected] %s -> %s (fetch first)", run.Branch, run.Branch))
		end(RunFailed, "push rejected: the branch already exists")
		return nil
	}
	r.Branches[run.Branch] = run.baseSHA
	// The push rides on the workflow's GITHUB_TOKEN (actions/checkout's
	// credentials stay active), so it is github-actions[bot]'s and starts
	// no workflow.
	_, err := w.pushFiles(r, run.Branch, fmt.Sprintf("Implement #%d: %s", n, run.Issue.Title), bot, pusher, map[string][]byte{
		fmt.Sprintf("changes/issue-%d.md", n): []byte(fmt.Sprintf("# %s\n\nImplemented by the scripted agent, run %d.\n", run.Issue.Title, run.Number)),
	})
	w.mu.Unlock()
	if err != nil {
		return err
	}
	text := fmt.Sprintf("I implemented #%d, %q, in `changes/issue-%d.md` and pushed it to `%s`.", n, run.Issue.Title, n, run.Branch)
	if out.PR {
		body := fmt.Sprintf("This PR addresses issue #%d\n\nImplements %s.", n, run.Issue.Title)
		if !out.NoClosingKeyword && slices.Contains(ClosingReferences(run.Comment.Body), n) {
			body = fmt.Sprintf("Closes #%d\n\nImplements %s.", n, run.Issue.Title)
		}
		body += a.asked(run)
		pr, err := w.CreatePull(r, bot, run.Issue.Title, body, run.Branch, r.DefaultBranch)
		if err != nil {
			return err
		}
		a.mu.Lock()
		run.Pull = pr
		a.mu.Unlock()
		text += fmt.Sprintf(" I opened #%d.", pr.Number)
	}
	a.say(run, text, true)
	a.track(run, run.Branch, compareURL(r, run.Branch, n), "")
	end(RunSucceeded, "")
	return nil
}

// say sets the run's final text, with what the brief asked for.
func (a *Agent) say(run *Run, text string, worked bool) {
	if worked {
		text += a.asked(run)
	}
	a.mu.Lock()
	run.Text = text
	a.mu.Unlock()
}

// The phrases by which the scripted agent tells that a brief asks for a
// learnings section or for the commands run with their output. A real
// agent follows whatever the brief says; the scripted one only these.
var (
	asksLearnings = regexp.MustCompile(`(?i)#{1,6}\s*learnings\b|\blearnings\s+section\b|\bsection\s+(?:called|named|titled|headed)\s+\W*learnings\b`)
	asksCommands  = regexp.MustCompile(`(?i)\bcommands?\b[^.\n]*\boutput\b`)
)

// asked returns the sections the dispatch comment asks for, each opened by
// a blank line, or "".
func (a *Agent) asked(run *Run) string {
	var b strings.Builder
	brief, n := run.Comment.Body, run.Issue.Number
	if asksLearnings.MatchString(brief) {
		fmt.Fprintf(&b, "\n\n## Learnings\n\n- #%d took one scripted run; the work spec named what to check.", n)
	}
	if asksCommands.MatchString(brief) && len(a.Commands) > 0 {
		b.WriteString("\n\n## Commands run\n\n```console")
		for _, c := range a.Commands {
			fmt.Fprintf(&b, "\n$ %s", c.Line)
			if c.Output != "" {
				b.WriteString("\n" + c.Output)
			}
		}
		b.WriteString("\n```")
	}
	return b.String()
}

// compareURL is the "Create PR ➔" link: a compare view whose prefilled body
// names the issue without a closing keyword.
func compareURL(r *Repo, branch string, n int) string {
	return fmt.Sprintf("%s/%s/compare/%s...%s?quick_pull=1&title=%s&body=%s", serverURL, r.FullName(), r.DefaultBranch, branch,
		encodeURIComponent(fmt.Sprintf("Issue #%d: Changes from Claude", n)),
		encodeURIComponent(fmt.Sprintf("This PR addresses issue #%d\n\nGenerated with [Claude Code](https://claude.ai/code)", n)))
}

// encodeURIComponent escapes as JavaScript's function of that name does.
func encodeURIComponent(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-_.!~*'()", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// track rewrites the tracking comment in its final shape: the header, the
// job link, the branch and Create PR links when the run pushed, an error
// block when it failed, then the agent's final text.
func (a *Agent) track(run *Run, branch, prURL, failure string) {
	w := a.World
	d := run.Due.Sub(run.Started).Round(time.Second)
	dur := fmt.Sprintf("%ds", int(d.Seconds()))
	if m := int(d.Minutes()); m > 0 {
		dur = fmt.Sprintf("%dm %ds", m, int(d.Seconds())%60)
	}
	head := fmt.Sprintf("**Claude finished @%s's task in %s**", run.By.Login, dur)
	if failure != "" {
		head = fmt.Sprintf("**Claude encountered an error after %s**", dur)
	}
	body := head + " —— [View job](" + a.jobURL(run) + ")"
	if branch != "" {
		body += fmt.Sprintf(" • [`%s`](%s/%s/tree/%s)", branch, serverURL, run.Repo.FullName(), branch)
	}
	if prURL != "" {
		body += " • [Create PR ➔](" + prURL + ")"
	}
	if failure != "" {
		body += "\n\n```\n" + failure + "\n```"
	}
	a.mu.Lock()
	body += "\n\n---\n" + run.Text
	a.mu.Unlock()
	w.mu.Lock()
	run.Tracking.Body = strings.TrimSpace(body)
	run.Tracking.UpdatedAt = w.Now()
	w.mu.Unlock()
}

// finishKind plays the kind agent the loop's first tests were written
// against.
func (a *Agent) finishKind(run *Run) error {
	w, out, r, n := a.World, run.Outcome, run.Repo, run.Issue.Number
	a.mu.Lock()
	run.State = RunSucceeded
	a.mu.Unlock()
	if !out.PR {
		return nil
	}
	bot := w.AddUser(ClaudeBot, "Bot")
	if err := w.CreateBranch(r, run.Branch, r.DefaultBranch); err != nil {
		return err
	}
	if _, err := w.CommitFiles(r, run.Branch, fmt.Sprintf("Implement #%d", n), bot, map[string][]byte{
		fmt.Sprintf("changes/issue-%d.md", n): []byte(fmt.Sprintf("# %s\n\nImplemented by the scripted agent, run %d.\n", run.Issue.Title, run.Number)),
	}); err != nil {
		return err
	}
	body := fmt.Sprintf("Closes #%d\n\nImplements %s.\n\n## Learnings\n\n- Issue #%d took one scripted run; the acceptance criteria were specific enough to test.\n",
		n, run.Issue.Title, n)
	if out.NoClosingKeyword {
		body = strings.Replace(body, fmt.Sprintf("Closes #%d", n), fmt.Sprintf("Works on #%d", n), 1)
	}
	pr, err := w.CreatePull(r, bot, fmt.Sprintf("Fix #%d: %s", n, run.Issue.Title), body, run.Branch, r.DefaultBranch)
	if err != nil {
		return err
	}
	a.mu.Lock()
	run.Pull, run.Text = pr, fmt.Sprintf("Opened #%d.", pr.Number)
	a.mu.Unlock()
	a.track(run, run.Branch, "", "")
	if !out.Merge {
		return nil
	}
	merge, err := w.MergePull(pr, r.Owner)
	if err != nil {
		return err
	}
	w.mu.Lock()
	ownCI := r.CI != nil
	w.mu.Unlock()
	if out.CI != "" && !ownCI {
		w.AddCheckRun(r, merge.SHA, "ci", out.CI)
	}
	return nil
}
