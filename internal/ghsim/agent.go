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
type Outcome struct {
	// PR opens a pull request from a claude/issue-N-… branch.
	PR bool
	// NoClosingKeyword leaves "Closes #N" out of the PR body, as agents
	// sometimes do.
	NoClosingKeyword bool
	// Merge merges the pull request.
	Merge bool
	// CI is the conclusion of the "ci" check run on the merge commit:
	// "success", "failure", or "" for none.
	CI string
}

// The outcomes a scripted agent can be told to play.
var (
	OutcomeGreen  = Outcome{PR: true, Merge: true, CI: "success"}
	OutcomeRed    = Outcome{PR: true, Merge: true, CI: "failure"}
	OutcomePROnly = Outcome{PR: true}
	OutcomeSilent = Outcome{}
)

// Agent plays claude-code-action in tag mode: when a comment that starts a
// run appears (the trigger phrase, written by a dispatcher), it answers with
// a tracking comment and then, as its Outcome says, a branch, a commit, a
// pull request whose body closes the issue and carries a "## Learnings"
// section, a merge, and CI on the merge commit.
//
// Work is queued, not done inside the comment's request: the outer loop must
// find the results on a later cycle, as it would on GitHub. Work does it.
type Agent struct {
	World *World
	// Trigger is the phrase that starts a run (claude-code-action's
	// trigger_phrase, "@claude" by default).
	Trigger string
	// Dispatchers may start runs; empty means anyone with write access.
	Dispatchers []string
	// Default is the outcome for issues Outcomes does not name.
	Default  Outcome
	Outcomes map[int]Outcome

	mu    sync.Mutex
	queue []job
	runs  int
}

type job struct {
	repo    *Repo
	issue   *Issue
	comment *Comment
	by      *User
}

// NewAgent attaches a scripted agent to w; it answers dispatches as Default
// says unless Outcomes names the issue.
func NewAgent(w *World, trigger string, dispatchers ...string) *Agent {
	a := &Agent{World: w, Trigger: trigger, Dispatchers: dispatchers, Default: OutcomeGreen, Outcomes: map[int]Outcome{}}
	w.OnComment(a.onComment)
	return a
}

// triggered reports whether body contains the phrase as claude-code-action
// looks for it: as a word, not inside another one.
func triggered(body, phrase string) bool {
	re := regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(phrase) + `([\s.,!?;:]|$)`)
	return re.MatchString(body)
}

func (a *Agent) onComment(ev CommentEvent) {
	if ev.Issue.PR != nil || ev.Comment.Author == nil || ev.Comment.Author.Type == "Bot" || !triggered(ev.Comment.Body, a.Trigger) {
		return
	}
	a.World.mu.Lock()
	allowed := a.allowed(ev.Repo, ev.Comment.Author)
	a.World.mu.Unlock()
	if !allowed {
		return
	}
	a.mu.Lock()
	a.queue = append(a.queue, job{repo: ev.Repo, issue: ev.Issue, comment: ev.Comment, by: ev.Comment.Author})
	a.mu.Unlock()
}

func (a *Agent) allowed(r *Repo, u *User) bool {
	if len(a.Dispatchers) > 0 {
		for _, d := range a.Dispatchers {
			if strings.EqualFold(d, u.Login) {
				return true
			}
		}
		return false
	}
	switch r.Permission(u.Login) {
	case "admin", "maintain", "write":
		return true
	}
	return false
}

// Pending is how many runs are queued.
func (a *Agent) Pending() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.queue)
}

// Work carries out every queued run and reports how many it did. A run
// whose triggering comment was deleted meanwhile does nothing, as the inner
// workflow's first step checks that the comment still exists.
func (a *Agent) Work() (int, error) {
	a.mu.Lock()
	jobs := a.queue
	a.queue = nil
	a.mu.Unlock()
	n := 0
	for _, j := range jobs {
		a.World.mu.Lock()
		gone := !slices.Contains(j.issue.Comments, j.comment)
		a.World.mu.Unlock()
		if gone {
			continue
		}
		if err := a.run(j); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
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

func (a *Agent) run(j job) error {
	w := a.World
	a.mu.Lock()
	a.runs++
	run := a.runs
	out, ok := a.Outcomes[j.issue.Number]
	if !ok {
		out = a.Default
	}
	a.mu.Unlock()

	bot := w.User(ClaudeBot)
	if bot == nil {
		bot = w.AddUser(ClaudeBot, "Bot")
	}
	n := j.issue.Number
	tracking := w.AddComment(j.issue, bot, fmt.Sprintf("**Claude is working on @%s's task** —— [View job run](https://sim/actions/runs/%d)", j.by.Login, run))
	if !out.PR {
		return nil
	}
	branch := fmt.Sprintf("claude/issue-%d-%s-%d", n, w.Now().Format("20060102-1504"), run)
	r := j.repo
	if err := w.CreateBranch(r, branch, r.DefaultBranch); err != nil {
		return err
	}
	file := fmt.Sprintf("changes/issue-%d.md", n)
	if _, err := w.CommitFiles(r, branch, fmt.Sprintf("Implement #%d", n), bot, map[string][]byte{
		file: []byte(fmt.Sprintf("# %s\n\nImplemented by the scripted agent, run %d.\n", j.issue.Title, run)),
	}); err != nil {
		return err
	}
	body := fmt.Sprintf("Closes #%d\n\nImplements %s.\n\n## Learnings\n\n- Issue #%d took one scripted run; the acceptance criteria were specific enough to test.\n",
		n, j.issue.Title, n)
	if out.NoClosingKeyword {
		body = strings.Replace(body, fmt.Sprintf("Closes #%d", n), fmt.Sprintf("Works on #%d", n), 1)
	}
	pr, err := w.CreatePull(r, bot, fmt.Sprintf("Fix #%d: %s", n, j.issue.Title), body, branch, r.DefaultBranch)
	if err != nil {
		return err
	}
	w.mu.Lock()
	tracking.Body = fmt.Sprintf("**Claude finished @%s's task** —— [View job run](https://sim/actions/runs/%d)\n\nOpened #%d.", j.by.Login, run, pr.Number)
	tracking.UpdatedAt = w.Now()
	w.mu.Unlock()
	if !out.Merge {
		return nil
	}
	merge, err := w.MergePull(pr, w.User(r.Owner.Login))
	if err != nil {
		return err
	}
	if out.CI != "" {
		w.AddCheckRun(r, merge.SHA, "ci", out.CI)
	}
	return nil
}
